using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>The production <see cref="IEngineConnection"/>: the Engine.IO client session, reporting to the manager's handler.</summary>
internal sealed class EngineSessionConnection : IEngineConnection
{
    private readonly EngineIOClientSession _session;

    private EngineSessionConnection(EngineIOClientOptions options, IEngineIOClientHandler handler, ILogger logger) =>
        _session = new EngineIOClientSession(options, handler, logger);

    public string? Id => _session.Sid;

    public string Transport => _session.Transport;

    public int WriteBufferLength => _session.WriteBufferLength;

    public bool IsWritableNow => _session.IsWritableNow;

    public static IEngineConnection Create(
        Uri serverUri, SocketIOClientOptions options, SocketIOClientTransports transports, IEngineIOClientHandler handler, ILogger logger)
    {
        var engineOptions = new EngineIOClientOptions
        {
            ServerUri = serverUri,
            Path = options.Path,
            AddTrailingSlash = options.AddTrailingSlash,
            TimestampRequests = options.TimestampRequests,
            TimestampParam = options.TimestampParam,
            Protocols = [.. options.Protocols],
            Query = new Dictionary<string, string>(options.Query, StringComparer.Ordinal),
            ExtraHeaders = new Dictionary<string, string>(options.ExtraHeaders, StringComparer.OrdinalIgnoreCase),
            AllowPolling = (transports & SocketIOClientTransports.Polling) != 0,
            AllowWebSocket = (transports & SocketIOClientTransports.WebSocket) != 0,
            Upgrade = options.Upgrade,

            // One connect timer only, the manager's (SocketIOClientOptions.ConnectTimeout, the official client's
            // "timeout"): two timers of the same length raced and gave different errors from run to run.
            ConnectTimeout = Timeout.InfiniteTimeSpan,
            HttpMessageHandler = options.HttpMessageHandler,
        };
        return new EngineSessionConnection(engineOptions, handler, logger);
    }

    public Task OpenAsync(CancellationToken cancellationToken) => _session.OpenAsync(cancellationToken);

    public bool TrySend(EngineIOMessage message) => _session.TrySend(message);

    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages) => _session.TrySend(messages);

    public Task CloseAsync() => _session.CloseAsync();

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
