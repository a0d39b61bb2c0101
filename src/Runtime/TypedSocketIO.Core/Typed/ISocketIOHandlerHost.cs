using System.Diagnostics.CodeAnalysis;

namespace TypedSocketIO;

/// <summary>
/// Something that can dispatch the events of <typeparamref name="TContract"/> to a handler class (a server namespace):
/// <c>host.UseHandler&lt;THandler&gt;()</c> is generated for each contract.
/// </summary>
/// <typeparam name="TContract">The contract interface whose events are received.</typeparam>
public interface ISocketIOHandlerHost<TContract>
{
    /// <summary>
    /// Dispatches the events of every socket to instances of <typeparamref name="THandler"/>, bound by <paramref name="bind"/>
    /// (the generated dispatcher). The host decides the instances' lifetime and how they are built.
    /// </summary>
    /// <typeparam name="THandler">The handler class (its constructors, methods and interfaces are kept by the trimmer: the host creates it and
    /// reads attributes such as <c>[Authorize]</c> on its methods).</typeparam>
    /// <param name="bind">Registers a listener per event that calls the handler.</param>
    void RegisterHandler<[DynamicallyAccessedMembers(
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods |
        DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.Interfaces)] THandler>(SocketIOHandlerBinder<TContract> bind)
        where THandler : class, TContract;
}

/// <summary>Registers, on <paramref name="target"/>, a listener per event of the contract that calls <paramref name="resolveHandler"/>'s instance.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
/// <param name="target">Where the listeners go.</param>
/// <param name="resolveHandler">Returns the instance that handles an event; called once per event.</param>
public delegate void SocketIOHandlerBinder<TContract>(ISocketIOListenerTarget<TContract> target, Func<TContract> resolveHandler);
