using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

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

