using TypedSocketIO.SocketIO;

namespace TypedSocketIO;

/// <summary>
/// One recipient of the events of <typeparamref name="TContract"/> (a server-side socket, a client): the seam generated typed
/// emitters write to. <c>target.Emit.Method(…)</c> is generated for each contract.
/// </summary>
/// <typeparam name="TContract">The contract interface whose events are sent.</typeparam>
public interface ISocketIOTarget<TContract>
{
    /// <summary>Sends an event, its arguments written by <paramref name="writeArguments"/>.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <returns>Whether the event was queued (or buffered, for a client that is reconnecting).</returns>
    bool Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments);

    /// <summary>Sends an event and waits for its acknowledgement.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The acknowledgement's arguments. Fails with a timeout exception when the target has a timeout and it passes.</returns>
    Task<SocketIOArguments> SendWithAckAsync<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken);
}
