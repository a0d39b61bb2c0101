using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Something events can be sent to: a socket, a socket with flags, a broadcast selection, a namespace or the server.
/// Generated typed emitters are written against this interface.
/// </summary>
public interface ISocketIOEmitter
{
    /// <summary>Sends an event with untyped arguments (see <see cref="SocketIOPacketWriter.WriteArgument(object?)"/>).</summary>
    /// <param name="eventName">The event name; reserved names (<c>connect</c>, <c>disconnect</c>, …) are refused.</param>
    /// <param name="arguments">The arguments; <c>Emit("x", null)</c> sends one <c>null</c> (<c>42["x",null]</c>), as JavaScript's <c>emit("x", null)</c>.</param>
    /// <returns>For a socket, whether the packet was queued; for a broadcast, <see langword="true"/>.</returns>
    bool Emit(string eventName, params object?[]? arguments);

    /// <summary>Sends an event whose arguments are written by a callback; the packet is encoded once whatever the number of recipients.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <returns>For a socket, whether the packet was queued; for a broadcast, <see langword="true"/>.</returns>
    bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments);

    /// <summary>
    /// Sends a prebuilt EVENT packet (from <see cref="SocketIOPacketWriter.Build(string, long)"/> for this namespace and without
    /// acknowledgement id) as it is.
    /// </summary>
    /// <param name="packet">The packet.</param>
    /// <returns>For a socket, whether the packet was queued; for a broadcast, <see langword="true"/>.</returns>
    bool EmitPacket(SocketIOEncodedPacket packet);
}
