using Microsoft.Extensions.Logging;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>
/// What the Socket.IO client needs of one Engine.IO session (DESIGN principle 7: the Socket.IO layer sees a duplex of
/// packets). The production implementation wraps the Engine.IO client session; unit tests use an in-memory fake.
/// </summary>
internal interface IEngineConnection : IAsyncDisposable
{
    /// <summary>Handshakes; throws on failure. After it returns, <see cref="IEngineConnectionHandler.OnClose"/> is called exactly once.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Queues one message; <see langword="false"/> when the session is closed.</summary>
    bool TrySend(EngineIOMessage message);

    /// <summary>Queues several messages atomically and consecutively (a binary packet and its attachments).</summary>
    bool TrySend(ReadOnlySpan<EngineIOMessage> messages);

    /// <summary>Whether a message sent now would be written at once (no backlog, not upgrading): volatile packets need it.</summary>
    bool IsWritableNow { get; }

    /// <summary>Closes the session (the handler then sees the reason "forced close").</summary>
    Task CloseAsync();
}

/// <summary>Receives what one Engine.IO session delivers; called sequentially, in arrival order.</summary>
internal interface IEngineConnectionHandler
{
    /// <summary>A text message (the payload of a <c>4…</c> packet); valid during the call only.</summary>
    void OnText(ReadOnlyMemory<byte> utf8);

    /// <summary>A binary message; valid during the call only.</summary>
    void OnBinary(ReadOnlyMemory<byte> data);

    /// <summary>The session ended ("transport close", "transport error", "ping timeout", "parse error", "forced close").</summary>
    void OnClose(string reason, Exception? error);
}

/// <summary>Creates the Engine.IO session of a manager for one (re)connection attempt.</summary>
/// <param name="serverUri">The server's origin (scheme and authority).</param>
/// <param name="options">The client options (path, query, headers, transports, timeout, HTTP handler).</param>
/// <param name="handler">Where the session delivers messages.</param>
/// <param name="logger">The logger.</param>
internal delegate IEngineConnection EngineConnectionFactory(
    Uri serverUri, SocketIOClientOptions options, IEngineConnectionHandler handler, ILogger logger);
