namespace TypedSocketIO.Server;

/// <summary>Flags of a broadcast.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A [Flags] enum, as the official BroadcastFlags.")]
public enum SocketIOBroadcastFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Packets are dropped for clients whose transport is not writable right now.</summary>
    Volatile = 1,

    /// <summary>Only the sockets of this server (a scale-out adapter does not forward the broadcast).</summary>
    Local = 2,
}
