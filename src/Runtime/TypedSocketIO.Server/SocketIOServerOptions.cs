using System.Text.Json;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Settings of the Socket.IO server. Defaults are those of the official <c>socket.io</c> server, plus the limits of this
/// project (see RELIABILITY-ADVISORIES, "Limits and their defaults"). Every limit closes only the connection that crosses it.
/// </summary>
public sealed class SocketIOServerOptions
{
    /// <summary>The default of <see cref="Path"/>: <c>/socket.io/</c>.</summary>
    public const string DefaultPath = "/socket.io/";

    /// <summary>The default of <see cref="ConnectTimeout"/>: 45 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromMilliseconds(45_000);

    /// <summary>The default of <see cref="MaxPendingAcksPerSocket"/>: 1 000.</summary>
    public const int DefaultMaxPendingAcksPerSocket = 1_000;

    /// <summary>The default of <see cref="MaxPendingEventsPerSocket"/>: 128.</summary>
    public const int DefaultMaxPendingEventsPerSocket = 128;

    /// <summary>The default of <see cref="MaxAttachments"/>: 10 (socket-io-parser 4.2.6, CVE-2026-33151).</summary>
    public const int DefaultMaxAttachments = 10;

    /// <summary>The default of <see cref="MaxJsonDepth"/>: 64 (CVE-2026-45591).</summary>
    public const int DefaultMaxJsonDepth = 64;

    /// <summary>The URL path the Engine.IO endpoint is mapped at by <c>MapSocketIO</c>. Defaults to <c>/socket.io/</c>.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// How long a new connection may stay without joining any namespace before it is closed. Defaults to 45 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>
    /// The most server→client acknowledgements one socket may have waiting. A client that leaves more unanswered has its
    /// connection closed (<c>forced server close</c>) and every waiting acknowledgement fails. Defaults to 1 000.
    /// </summary>
    public int MaxPendingAcksPerSocket { get; set; } = DefaultMaxPendingAcksPerSocket;

    /// <summary>
    /// The most events of one socket whose handlers may still be running (awaiting) before the server stops reading that
    /// connection until one of them completes. Acknowledgements are still read while handlers wait only if they arrive
    /// before the pause, so a handler that awaits a client acknowledgement should use a timeout. Defaults to 128.
    /// </summary>
    public int MaxPendingEventsPerSocket { get; set; } = DefaultMaxPendingEventsPerSocket;

    /// <summary>The most binary attachments one packet may announce; more closes the connection (<c>parse error</c>). Defaults to 10.</summary>
    public int MaxAttachments { get; set; } = DefaultMaxAttachments;

    /// <summary>The deepest JSON nesting accepted in a packet; deeper closes the connection (<c>parse error</c>). Defaults to 64.</summary>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>
    /// How long a broadcast with acknowledgements (<c>io.To("room").Emit.Confirm(x)</c>, <c>EmitWithAckAsync</c>) waits for its
    /// recipients when no <c>Timeout(…)</c> is given. <see langword="null"/> (the default) requires <c>Timeout(…)</c> on every such
    /// broadcast, as the official server (which times out at once without one).
    /// </summary>
    public TimeSpan? DefaultBroadcastAckTimeout { get; set; }

    /// <summary>
    /// Options used by the untyped API (<c>Emit("name", args…)</c>, <c>SocketIOAck.Send(args…)</c>) to serialize argument
    /// types other than primitives, strings, byte arrays and JSON DOM values, through <see cref="JsonSerializerOptions.GetTypeInfo(Type)"/>
    /// (give it a source-generated <c>TypeInfoResolver</c> to stay AOT-safe). Defaults to <see langword="null"/>.
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <summary>
    /// Called when a typed handler is not called because an argument of the event did not fit its parameter (contract version skew,
    /// a buggy client). The event is dropped, logged once per socket and counted; the connection stays open. Defaults to
    /// <see langword="null"/>.
    /// </summary>
    public Action<SocketIOSocket, SocketIOArgumentException>? OnInvalidArguments { get; set; }

    /// <summary>
    /// Connection state recovery: <see langword="null"/> (the default, as the official server) turns it off; an instance turns
    /// it on with its settings (window of 2 minutes, replay buffer capped per namespace).
    /// </summary>
    public SocketIOConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>
    /// Whether a child namespace of a dynamic (parent) namespace is removed once it has no socket left, its adapter disposed (the
    /// official <c>cleanupEmptyChildNamespaces</c>); a child a client asked for and whose middleware refused it goes too. A later
    /// CONNECT creates it again, with the parent's middleware and connection handlers. Defaults to <see langword="true"/> (the
    /// official server's default is <c>false</c>: there, names a client makes up stay forever, a memory growth the client drives).
    /// </summary>
    public bool CleanupEmptyChildNamespaces { get; set; } = true;

    /// <summary>
    /// The Socket.IO parser on the wire (the official <c>parser</c> option): <see langword="null"/> (the default) for the default
    /// JSON parser; <c>TypedSocketIO.MessagePack.SocketIOMessagePackParser.Instance</c> for the official
    /// <c>socket.io-msgpack-parser</c>. Every client must use the same one. The typed layer and the handlers do not change.
    /// </summary>
    public TypedSocketIO.SocketIO.ISocketIOParser? Parser { get; set; }

    /// <summary>Settings of the Engine.IO endpoint under the Socket.IO server (heartbeat, transports, payload limits).</summary>
    public EngineIOOptions EngineIO { get; } = new();
}
