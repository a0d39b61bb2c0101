using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>Handles one event received from a client.</summary>
/// <param name="arguments">The arguments after the event name; valid after the handler returns (they own their bytes).</param>
/// <param name="ack">Sends the acknowledgement when the client asked for one (<see cref="SocketIOAck.IsRequested"/>); otherwise a no-op.</param>
/// <returns>A task the server tracks (errors are logged); the next event of the socket is not held back by it.</returns>
public delegate ValueTask SocketIOEventListener(SocketIOArguments arguments, SocketIOAck ack);

/// <summary>A catch-all listener: sees every event received from (<c>OnAny</c>) or sent to (<c>OnAnyOutgoing</c>) a client.</summary>
/// <param name="eventName">The event name.</param>
/// <param name="arguments">The arguments after the event name.</param>
public delegate void SocketIOAnyListener(string eventName, SocketIOArguments arguments);

/// <summary>
/// Runs before a socket joins a namespace; it sees <see cref="SocketIOSocket.Handshake"/> and may set <see cref="SocketIOSocket.Data"/>.
/// Throw <see cref="SocketIOConnectionRejectedException"/> to refuse the socket with a message and data.
/// </summary>
/// <param name="socket">The socket being connected (not yet connected: it cannot emit).</param>
/// <param name="cancellationToken">Cancelled when the connection closes meanwhile.</param>
/// <returns>A task; the next middleware runs when it completes.</returns>
public delegate ValueTask SocketIOMiddleware(SocketIOSocket socket, CancellationToken cancellationToken);

/// <summary>
/// Writes the arguments of an outgoing event or acknowledgement; the writer has already started the packet (and written the
/// event name). Generated typed emitters pass a static lambda and a state tuple so that nothing is captured.
/// </summary>
/// <typeparam name="TState">The state passed through.</typeparam>
/// <param name="writer">The packet writer.</param>
/// <param name="state">The state.</param>
public delegate void SocketIOArgumentsWriter<in TState>(SocketIOPacketWriter writer, TState state);
