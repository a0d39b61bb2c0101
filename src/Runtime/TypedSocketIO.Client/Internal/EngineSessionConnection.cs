using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>The production <see cref="IEngineConnection"/>: the Engine.IO client session.</summary>
internal sealed class EngineSessionConnection : IEngineConnection, IEngineIOClientHandler
{
    private readonly EngineIOClientSession _session;
    private readonly IEngineConnectionHandler _handler;

    private EngineSessionConnection(EngineIOClientOptions options, IEngineConnectionHandler handler, ILogger logger)
    {
        _handler = handler;
        _session = new EngineIOClientSession(options, this, logger);
    }

    public bool IsWritableNow => _session.IsWritableNow;

    public static IEngineConnection Create(Uri serverUri, SocketIOClientOptions options, IEngineConnectionHandler handler, ILogger logger)
    {
        var engineOptions = new EngineIOClientOptions
        {
            ServerUri = serverUri,
            Path = options.Path,
            Query = new Dictionary<string, string>(options.Query, StringComparer.Ordinal),
            ExtraHeaders = new Dictionary<string, string>(options.ExtraHeaders, StringComparer.OrdinalIgnoreCase),
            AllowPolling = (options.Transports & SocketIOClientTransports.Polling) != 0,
            AllowWebSocket = (options.Transports & SocketIOClientTransports.WebSocket) != 0,
            Upgrade = options.Upgrade,
            ConnectTimeout = options.ConnectTimeout,
            HttpMessageHandler = options.HttpMessageHandler,
        };
        return new EngineSessionConnection(engineOptions, handler, logger);
    }

    public Task OpenAsync(CancellationToken cancellationToken) => _session.OpenAsync(cancellationToken);

    public bool TrySend(EngineIOMessage message) => _session.TrySend(message);

    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages) => _session.TrySend(messages);

    public Task CloseAsync() => _session.CloseAsync();

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    void IEngineIOClientHandler.OnText(ReadOnlyMemory<byte> utf8) => _handler.OnText(utf8);

    void IEngineIOClientHandler.OnBinary(ReadOnlyMemory<byte> data) => _handler.OnBinary(data);

    void IEngineIOClientHandler.OnClose(string reason, Exception? error) => _handler.OnClose(reason, error);
}
