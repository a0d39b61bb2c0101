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


/// <summary>
/// Decides whether a client may create a dynamic namespace it asked for (the official <c>io.of((name, auth, next) => …)</c>):
/// called for a CONNECT to a namespace that does not exist yet.
/// </summary>
/// <param name="name">The namespace the client asked for, starting with <c>/</c>.</param>
/// <param name="handshake">The handshake of the socket asking (its <see cref="SocketIOHandshake.Auth"/> is the official <c>auth</c>).</param>
/// <param name="cancellationToken">Cancelled when the connection closes meanwhile.</param>
/// <returns><see langword="true"/> to create the namespace as a child of the parent namespace; otherwise the next parent is asked.</returns>
public delegate ValueTask<bool> SocketIONamespaceMatcher(string name, SocketIOHandshake handshake, CancellationToken cancellationToken);
