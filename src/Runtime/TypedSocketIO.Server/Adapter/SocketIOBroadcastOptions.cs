using System.Collections.Frozen;

namespace TypedSocketIO.Server;

/// <summary>
/// A selection of sockets in a namespace, as an adapter receives it: the sockets in any of <see cref="Rooms"/> (all sockets
/// when empty), minus those in any of <see cref="Except"/>; each selected socket counts once.
/// </summary>
public sealed class SocketIOBroadcastOptions
{
    /// <summary>A selection of every socket, no flags.</summary>
    public static SocketIOBroadcastOptions All { get; } = new();

    /// <summary>The rooms to select; empty for every socket of the namespace.</summary>
    public IReadOnlySet<string> Rooms { get; init; } = FrozenSet<string>.Empty;

    /// <summary>The rooms whose sockets are left out (a socket id names the room of that socket).</summary>
    public IReadOnlySet<string> Except { get; init; } = FrozenSet<string>.Empty;

    /// <summary>The flags.</summary>
    public SocketIOBroadcastFlags Flags { get; init; }

    /// <summary>For a broadcast with acknowledgements, how long to wait for them; otherwise <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}
