using TypedSocketIO.SocketIO;

namespace TypedSocketIO;

/// <summary>Handles one event received from the other side.</summary>
/// <param name="arguments">The arguments after the event name; they own their bytes and stay valid after the listener returns.</param>
/// <param name="ack">Sends the acknowledgement when the sender asked for one (<see cref="SocketIOAck.IsRequested"/>); otherwise a no-op.</param>
/// <returns>A task; errors are logged by the runtime.</returns>
public delegate ValueTask SocketIOEventListener(SocketIOArguments arguments, SocketIOAck ack);
