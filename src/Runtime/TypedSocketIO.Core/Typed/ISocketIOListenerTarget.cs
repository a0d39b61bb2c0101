namespace TypedSocketIO;

/// <summary>
/// Where the incoming events of <typeparamref name="TContract"/> are handled: the seam generated typed listeners register on.
/// <c>target.On.Method(handler)</c> is generated for each contract.
/// </summary>
/// <typeparam name="TContract">The contract interface whose events are received.</typeparam>
public interface ISocketIOListenerTarget<TContract>
{
    /// <summary>Adds a listener of one event (several listeners of one event are all called, in order).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The listener. A <see cref="SocketIOArgumentException"/> thrown by it means the arguments did not fit: the
    /// event is dropped and reported, the connection stays open.</param>
    void Listen(string eventName, SocketIOEventListener listener);
}
