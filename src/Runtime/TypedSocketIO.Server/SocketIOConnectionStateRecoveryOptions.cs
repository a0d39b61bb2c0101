namespace TypedSocketIO.Server;

/// <summary>
/// Settings of connection state recovery (the official <c>connectionStateRecovery</c>): a client whose connection was
/// cut comes back with the same socket id, rooms and <see cref="SocketIOSocket.Data"/>, and receives the events it
/// missed. Set <see cref="SocketIOServerOptions.ConnectionStateRecovery"/> to an instance to turn it on.
/// </summary>
/// <remarks>
/// When on, the server gives each socket a private session id (<c>pid</c>, in the CONNECT answer) and appends an offset
/// as the last argument of every event it emits without an acknowledgement and not volatile; the adapter keeps those
/// events, with their selection, per namespace. A socket that disconnects for a reason other than
/// <c>client namespace disconnect</c> or <c>server namespace disconnect</c> leaves a session that a CONNECT carrying
/// <c>{"pid":…,"offset":…}</c> restores within <see cref="MaxDisconnectionDuration"/>; otherwise the socket starts fresh.
/// When the connection had an authenticated user (a <c>NameIdentifier</c> claim, or the identity's name), only the
/// same user can restore the session.
/// </remarks>
public sealed class SocketIOConnectionStateRecoveryOptions
{
    /// <summary>The default of <see cref="MaxDisconnectionDuration"/>: 2 minutes, as the official server.</summary>
    public static readonly TimeSpan DefaultMaxDisconnectionDuration = TimeSpan.FromMilliseconds(120_000);

    /// <summary>The default of <see cref="MaxPacketsPerNamespace"/>: 10 000.</summary>
    public const int DefaultMaxPacketsPerNamespace = 10_000;

    /// <summary>The default of <see cref="MaxBytesPerNamespace"/>: 16 MiB.</summary>
    public const long DefaultMaxBytesPerNamespace = 16L * 1024 * 1024;

    /// <summary>
    /// How long the session of a disconnected socket, and each emitted event, are kept. A client that comes back later
    /// starts fresh. Defaults to 2 minutes; must be positive and at most <see cref="int.MaxValue"/> milliseconds.
    /// </summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = DefaultMaxDisconnectionDuration;

    /// <summary>
    /// Whether a restored socket skips the namespace's middleware (it passed them when it first connected). Defaults to
    /// <see langword="true"/>, as the official server.
    /// </summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>
    /// The most events one namespace keeps for replay; past it the oldest are dropped (a client that missed a dropped event
    /// starts fresh). Defaults to 10 000; must be at least 1.
    /// </summary>
    public int MaxPacketsPerNamespace { get; set; } = DefaultMaxPacketsPerNamespace;

    /// <summary>
    /// The most bytes (text and binary frames) of events one namespace keeps for replay; past it the oldest are dropped.
    /// Defaults to 16 MiB; must be at least 1.
    /// </summary>
    public long MaxBytesPerNamespace { get; set; } = DefaultMaxBytesPerNamespace;
}
