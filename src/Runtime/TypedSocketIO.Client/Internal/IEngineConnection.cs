using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>
/// What the Socket.IO client needs of one Engine.IO session (DESIGN principle 7: the Socket.IO layer sees a duplex of
/// packets). The production implementation is the Engine.IO client session; unit tests use an in-memory fake. Both
/// report to an <see cref="IEngineIOClientHandler"/>.
/// </summary>
internal interface IEngineConnection : IAsyncDisposable
{
    /// <summary>The session id, once the handshake is done.</summary>
    string? Id { get; }

    /// <summary>The current transport: <c>polling</c> or <c>websocket</c>.</summary>
    string Transport { get; }

    /// <summary>The number of packets queued and not yet handed to the transport.</summary>
    int WriteBufferLength { get; }

    /// <summary>Whether the transport is writable now (open, no write in flight): volatile packets need it.</summary>
    bool IsWritableNow { get; }

    /// <summary>Handshakes; throws on failure. After it returns, <see cref="IEngineIOClientHandler.OnClose"/> is called exactly once.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Queues one message; <see langword="false"/> when the session is closed.</summary>
    bool TrySend(EngineIOMessage message);

    /// <summary>Queues several messages atomically and consecutively (a binary packet and its attachments).</summary>
    bool TrySend(ReadOnlySpan<EngineIOMessage> messages);

    /// <summary>Closes the session (the handler then sees the reason "forced close").</summary>
    Task CloseAsync();
}

/// <summary>Creates the Engine.IO session of a manager for one (re)connection attempt.</summary>
/// <param name="serverUri">The server's origin (scheme and authority).</param>
/// <param name="options">The client options (path, query, headers, transports, HTTP handler).</param>
/// <param name="transports">The transports of this attempt (<see cref="SocketIOClientOptions.RememberUpgrade"/> may narrow them to WebSocket).</param>
/// <param name="handler">Where the session delivers messages.</param>
/// <param name="logger">The logger.</param>
internal delegate IEngineConnection EngineConnectionFactory(
    Uri serverUri, SocketIOClientOptions options, SocketIOClientTransports transports, IEngineIOClientHandler handler, ILogger logger);
