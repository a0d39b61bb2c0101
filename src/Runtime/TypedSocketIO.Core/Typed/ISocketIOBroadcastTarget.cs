using TypedSocketIO.SocketIO;

namespace TypedSocketIO;

/// <summary>
/// Many recipients of the events of <typeparamref name="TContract"/> (a namespace, rooms, every socket but one): the packet is
/// encoded once. <c>target.Emit.Method(…)</c> is generated for each contract.
/// </summary>
/// <typeparam name="TContract">The contract interface whose events are sent.</typeparam>
public interface ISocketIOBroadcastTarget<TContract>
{
    /// <summary>Sends an event to every recipient.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <returns><see langword="true"/> once the event is handed to the adapter.</returns>
    bool Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments);

    /// <summary>Sends an event to every recipient and reports, per recipient, its acknowledgement or why there is none.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// One entry per recipient: its answer, or that it did not answer in time or disconnected. Cancelled through
    /// <paramref name="cancellationToken"/>.
    /// </returns>
    Task<IReadOnlyList<AckResult<SocketIOArguments>>> SendWithAckAsync<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken);
}
