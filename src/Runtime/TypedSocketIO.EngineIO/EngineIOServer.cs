using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.EngineIO.Internal;
using TypedSocketIO.EngineIO.Internal.Transports;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// One Engine.IO endpoint: it answers handshakes, polling requests and WebSockets, keeps the sessions, and runs the
/// heartbeat of all of them from a single timer. Created by <c>MapEngineIO</c> (or by the Socket.IO server).
/// </summary>
public sealed class EngineIOServer : IAsyncDisposable
{
    /// <summary>The name of the <see cref="Meter"/> whose instruments report the sessions.</summary>
    public const string MeterName = "TypedSocketIO.EngineIO";

    private readonly ConcurrentDictionary<string, EngineIOConnection> _sessions = new(StringComparer.Ordinal);
    private readonly Timer _ticker;
    private readonly List<DeadlineWheel<EngineIOConnection>.Entry> _due = new();
    private int _ticking;
    private readonly Meter _meter;
    private readonly Counter<long> _dropped;
    private readonly byte[] _upgradesPolling;
    private int _pollingCount;
    private int _webSocketCount;
    private long _upgrades;
    private int _heartbeatStopped;
    private bool _stopping;

    /// <summary>Creates an Engine.IO server.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="handler">The protocol on top (Socket.IO, or the application).</param>
    /// <param name="loggerFactory">Where logs go; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="Meter"/>; a standalone meter when <see langword="null"/>.</param>
    public EngineIOServer(EngineIOOptions options, IEngineIOHandler handler, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        Options = options;
        Handler = handler;
        Logger = (ILogger?)loggerFactory?.CreateLogger("TypedSocketIO.EngineIO") ?? NullLogger.Instance;
        _upgradesPolling = options.AllowUpgrades && options.Transports.HasFlag(EngineIOTransports.WebSocket) ? "[\"websocket\"]"u8.ToArray() : "[]"u8.ToArray();

        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableUpDownCounter(
            "engineio.sessions",
            () => new[]
            {
                new Measurement<int>(Volatile.Read(ref _pollingCount), new KeyValuePair<string, object?>("transport", EngineIOProtocol.PollingTransport)),
                new Measurement<int>(Volatile.Read(ref _webSocketCount), new KeyValuePair<string, object?>("transport", EngineIOProtocol.WebSocketTransport)),
            },
            unit: "{session}",
            description: "Open Engine.IO sessions, by transport.");
        _meter.CreateObservableCounter(
            "engineio.upgrades", () => Interlocked.Read(ref _upgrades), "{upgrade}", "Sessions upgraded from HTTP long-polling to WebSocket.");
        _dropped = _meter.CreateCounter<long>(
            "engineio.outgoing.dropped",
            "{message}",
            "Messages not sent, by reason: volatile_dropped (a volatile message while the transport was busy), overflow_disconnect (the message that would have crossed EngineIOOptions.MaxOutgoingBufferSize and every message still queued for its session, which is closed).");
        _meter.CreateObservableUpDownCounter(
            "engineio.outgoing.buffered", () => SumBuffered(), "By",
            "Bytes waiting to be sent, all sessions: queued or being written (each bounded by EngineIOOptions.MaxOutgoingBufferSize).");
        _meter.CreateObservableGauge(
            "engineio.outgoing.buffered.max", () => MaxBuffered(), "By",
            "Bytes waiting to be sent to the one session with the most (a slow client nears EngineIOOptions.MaxOutgoingBufferSize).");
        _meter.CreateObservableUpDownCounter(
            "engineio.outgoing.queued", () => SumQueued(), "{message}",
            "Messages and packets queued for all sessions and not yet taken by their transport.");

        // One timer for every session's heartbeat, upgrade and closing deadlines (no timer per session), which visits only the
        // sessions with a deadline due (DeadlineWheel). Its period is a fiftieth of the shortest heartbeat delay (2 ms to
        // 250 ms), and requests check their session's deadlines on arrival, so that a ping timeout is never observed late by a client.
        long tick = Math.Clamp((long)Math.Min(options.PingInterval.TotalMilliseconds, options.PingTimeout.TotalMilliseconds) / 50, 2, 250);
        Deadlines = new DeadlineWheel<EngineIOConnection>(tick, Environment.TickCount64);
        _ticker = new Timer(static s => ((EngineIOServer)s!).Tick(), this, tick, tick);
    }

    /// <summary>The settings.</summary>
    public EngineIOOptions Options { get; }

    /// <summary>The number of sessions upgraded from polling to WebSocket since the server started.</summary>
    public long UpgradeCount => Interlocked.Read(ref _upgrades);

    /// <summary>Whether the heartbeat timer runs (from creation until the server is disposed).</summary>
    public bool IsHeartbeatRunning => Volatile.Read(ref _heartbeatStopped) == 0;

    /// <summary>The number of open sessions.</summary>
    public int SessionCount => _sessions.Count;

    internal IEngineIOHandler Handler { get; }

    internal ILogger Logger { get; }

    /// <summary>The meter of this server's instruments (tests listen to this one alone).</summary>
    internal Meter Meter => _meter;

    /// <summary>The number of open sessions whose current transport is <paramref name="transport"/>.</summary>
    /// <param name="transport"><c>polling</c> or <c>websocket</c>.</param>
    /// <returns>The count.</returns>
    public int CountByTransport(string transport) => transport switch
    {
        EngineIOProtocol.PollingTransport => Volatile.Read(ref _pollingCount),
        EngineIOProtocol.WebSocketTransport => Volatile.Read(ref _webSocketCount),
        _ => 0,
    };

    /// <summary>Finds an open session by id.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="connection">The session.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGetConnection(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EngineIOConnection? connection)
        => _sessions.TryGetValue(id, out connection);

    /// <summary>Serves one HTTP request to the endpoint (handshake, poll, post or WebSocket).</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request has been answered (for a WebSocket, when it closes).</returns>
    public async Task HandleRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpRequest request = context.Request;
        bool isWebSocket = context.WebSockets.IsWebSocketRequest;

        // Transports are looked up in a closed set, never in a dictionary keyed by client input (CVE-2023-31125).
        string? transportName = request.Query["transport"];
        EngineIOTransports transport = transportName switch
        {
            EngineIOProtocol.PollingTransport => EngineIOTransports.Polling,
            EngineIOProtocol.WebSocketTransport => EngineIOTransports.WebSocket,
            _ => 0,
        };
        if (transport == 0 || (Options.Transports & transport) == 0)
        {
            await RefuseAsync(context, EngineIOErrorCode.UnknownTransport, null).ConfigureAwait(false);
            return;
        }

        // An Origin with control characters is refused before anything else, as the official server does (its
        // checkInvalidHeaderChar): such a value could otherwise reach a CORS policy or a handler.
        if (HasInvalidHeaderCharacter(request.Headers.Origin))
        {
            await RefuseAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            return;
        }

        // Browsers do not apply CORS to WebSockets, so the endpoint's CORS policy is enforced here for them (cross-site WebSocket
        // hijacking, CVE-2019-13611): a browser's handshake from an origin the policy does not allow is refused.
        if (isWebSocket && !await IsWebSocketOriginAllowedAsync(context).ConfigureAwait(false))
        {
            await RefuseAsync(context, EngineIOErrorCode.Forbidden, "Origin not allowed").ConfigureAwait(false);
            return;
        }

        string? sid = request.Query["sid"];
        if (sid is not null)
        {
            if (_sessions.TryGetValue(sid, out EngineIOConnection? connection))
            {
                connection.OnTick(Environment.TickCount64);
            }

            if (connection is null || connection.IsFinished)
            {
                await RefuseAsync(context, EngineIOErrorCode.UnknownSid, null).ConfigureAwait(false);
                return;
            }

            string current = connection.Transport;
            if (transport == EngineIOTransports.WebSocket)
            {
                if (!isWebSocket || !Options.AllowUpgrades)
                {
                    await RefuseAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                    return;
                }

                WebSocket socket = await AcceptWebSocketAsync(context).ConfigureAwait(false);
                if (current != EngineIOProtocol.PollingTransport)
                {
                    // Already upgraded: as the official server does, the WebSocket is accepted and closed at once.
                    await CloseRefusedWebSocketAsync(socket).ConfigureAwait(false);
                    return;
                }

                WebSocketTransport probe = WebSocketTransport.Create(connection, socket);
                if (!connection.TryBeginUpgrade(probe))
                {
                    socket.Abort();
                    return;
                }

                await RunWebSocketAsync(context, probe, upgrade: true).ConfigureAwait(false);
                return;
            }

            if (current != EngineIOProtocol.PollingTransport)
            {
                await RefuseAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                return;
            }

            if (HttpMethods.IsGet(request.Method))
            {
                await connection.Polling!.HandleGetAsync(context).ConfigureAwait(false);
            }
            else if (HttpMethods.IsPost(request.Method))
            {
                await connection.Polling!.HandlePostAsync(context).ConfigureAwait(false);
            }
            else
            {
                await RefuseAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            }

            return;
        }

        // A handshake: GET only, and a WebSocket handshake must really be a WebSocket request.
        if (!HttpMethods.IsGet(request.Method))
        {
            await RefuseAsync(context, EngineIOErrorCode.BadHandshakeMethod, null).ConfigureAwait(false);
            return;
        }

        if (transport == EngineIOTransports.WebSocket && !isWebSocket)
        {
            await RefuseAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            return;
        }

        if (request.Query["EIO"] != "4")
        {
            await RefuseAsync(context, EngineIOErrorCode.UnsupportedProtocolVersion, null).ConfigureAwait(false);
            return;
        }

        if (Options.AllowRequest is { } allowRequest)
        {
            string? refusal;
            try
            {
                refusal = await allowRequest(context).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                EngineIOLog.HandlerFailed(Logger, ex);
                refusal = "Forbidden";
            }

            if (refusal is not null)
            {
                await RefuseAsync(context, EngineIOErrorCode.Forbidden, refusal).ConfigureAwait(false);
                return;
            }
        }

        if (_stopping)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await OpenAsync(context, transport).ConfigureAwait(false);
    }

    private async Task OpenAsync(HttpContext context, EngineIOTransports transport)
    {
        WebSocket? socket = transport == EngineIOTransports.WebSocket ? await AcceptWebSocketAsync(context).ConfigureAwait(false) : null;
        var connection = new EngineIOConnection(this, NewSessionId(), new EngineIOHandshake(context, DateTimeOffset.UtcNow), polling: socket is null);
        WebSocketTransport? webSocket = socket is null ? null : WebSocketTransport.Create(connection, socket);
        connection.Start(webSocket ?? (IEngineIOTransport)connection.Polling!, WriteHandshake(connection.Id, socket is null ? _upgradesPolling : "[]"u8.ToArray()));
        _sessions[connection.Id] = connection;
        Interlocked.Increment(ref socket is null ? ref _pollingCount : ref _webSocketCount);
        EngineIOLog.SessionOpened(Logger, socket is null ? EngineIOProtocol.PollingTransport : EngineIOProtocol.WebSocketTransport);

        try
        {
            await Handler.OnOpenAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(Logger, ex);
            await connection.CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, "the handler failed"), flush: false).ConfigureAwait(false);
        }

        if (webSocket is null)
        {
            await connection.Polling!.HandleGetAsync(context).ConfigureAwait(false);
        }
        else
        {
            await RunWebSocketAsync(context, webSocket, upgrade: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs an accepted WebSocket. On the lean Kestrel transport the run is handed to the connection (the request ends now and
    /// nothing of it stays referenced while the socket is open); on ASP.NET Core's WebSocket middleware the request lasts as
    /// long as the socket.
    /// </summary>
    private static Task RunWebSocketAsync(HttpContext context, WebSocketTransport transport, bool upgrade)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is PipeWebSocketFeature lean)
        {
            lean.Run = transport.RunAsync(upgrade);
            return Task.CompletedTask;
        }

        return transport.RunAsync(upgrade);
    }

    private byte[] WriteHandshake(string sid, byte[] upgrades)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sid"u8, sid);
            writer.WritePropertyName("upgrades"u8);
            writer.WriteRawValue(upgrades, skipInputValidation: true);
            writer.WriteNumber("pingInterval"u8, (long)Options.PingInterval.TotalMilliseconds);
            writer.WriteNumber("pingTimeout"u8, (long)Options.PingTimeout.TotalMilliseconds);
            writer.WriteNumber("maxPayload"u8, Options.MaxHttpBufferSize);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether a WebSocket handshake's <c>Origin</c> is allowed by the CORS policy of the endpoint (<c>RequireCors</c>), or else by the
    /// application's default CORS policy. Without an <c>Origin</c> (not a browser) or without any policy, it is allowed.
    /// </summary>
    private static async ValueTask<bool> IsWebSocketOriginAllowedAsync(HttpContext context)
    {
        string? origin = context.Request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        Endpoint? endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IDisableCorsAttribute>() is not null)
        {
            return true;
        }

        CorsPolicy? policy = endpoint?.Metadata.GetMetadata<ICorsPolicyMetadata>()?.Policy;
        if (policy is null && context.RequestServices.GetService<ICorsPolicyProvider>() is { } provider)
        {
            string? name = endpoint?.Metadata.GetMetadata<IEnableCorsAttribute>()?.PolicyName;
            policy = await provider.GetPolicyAsync(context, name).ConfigureAwait(false);
        }

        return policy is null || policy.AllowAnyOrigin || policy.IsOriginAllowed(origin);
    }

    /// <summary>Whether a header value holds a character outside HTAB, visible ASCII, space and obs-text (RFC 9110 field-vchar).</summary>
    private static bool HasInvalidHeaderCharacter(string? value)
    {
        if (value is null)
        {
            return false;
        }

        foreach (char c in value)
        {
            if ((c < ' ' && c != '\t') || c == '\u007f')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The one place where a successful Engine.IO response gets its headers, on every transport: the polling handshake and
    /// every poll and POST answered 200 (with <c>Cache-Control: no-store</c>, as the official server), and every WebSocket
    /// handshake or upgrade (the 101); then <see cref="EngineIOOptions.OnResponseHeaders"/>. Call it before the response starts.
    /// </summary>
    /// <param name="context">The request being answered.</param>
    /// <param name="transport">The transport of the response.</param>
    internal void ApplyResponseHeaders(HttpContext context, EngineIOTransports transport)
    {
        if (transport == EngineIOTransports.Polling)
        {
            context.Response.Headers.CacheControl = "no-store";
        }

        if (Options.OnResponseHeaders is { } hook)
        {
            bool isHandshake = !context.Request.Query.ContainsKey("sid");
            string transportName = transport == EngineIOTransports.Polling ? EngineIOProtocol.PollingTransport : EngineIOProtocol.WebSocketTransport;
            try
            {
                hook(new EngineIOResponseHeadersContext(context, isHandshake, transportName));
            }
            catch (Exception ex)
            {
                EngineIOLog.HandlerFailed(Logger, ex);
            }
        }
    }

    private async Task<WebSocket> AcceptWebSocketAsync(HttpContext context)
    {
        ApplyResponseHeaders(context, EngineIOTransports.WebSocket);
        return await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false }).ConfigureAwait(false);
    }

    private static async Task CloseRefusedWebSocketAsync(WebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "session already upgraded", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>A session id: 15 random bytes from a CSPRNG as 20 URL-safe base64 characters, like the official server's.</summary>
    internal static string NewSessionId()
    {
        Span<byte> random = stackalloc byte[15];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    /// <summary>The <c>reason</c> tag of <c>engineio.outgoing.dropped</c> for a volatile message dropped while the transport was busy.</summary>
    internal const string DropReasonVolatile = "volatile_dropped";

    /// <summary>The <c>reason</c> tag of <c>engineio.outgoing.dropped</c> for the messages of a session closed at the outgoing bound.</summary>
    internal const string DropReasonOverflow = "overflow_disconnect";

    /// <summary>Counts messages not sent (a flag read when nobody collects the counter).</summary>
    internal void CountDropped(int messages, string reason)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(messages, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    private long SumBuffered()
    {
        long sum = 0;
        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            sum += entry.Value.BufferedAmount;
        }

        return sum;
    }

    private int MaxBuffered()
    {
        int max = 0;
        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            max = Math.Max(max, entry.Value.BufferedAmount);
        }

        return max;
    }

    private long SumQueued()
    {
        long sum = 0;
        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            sum += entry.Value.QueuedCount;
        }

        return sum;
    }

    internal void OnUpgraded(EngineIOConnection connection)
    {
        _ = connection;
        Interlocked.Decrement(ref _pollingCount);
        Interlocked.Increment(ref _webSocketCount);
        Interlocked.Increment(ref _upgrades);
    }

    internal void Remove(EngineIOConnection connection)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, EngineIOConnection>(connection.Id, connection)))
        {
            Interlocked.Decrement(ref connection.Transport == EngineIOProtocol.PollingTransport ? ref _pollingCount : ref _webSocketCount);
        }
    }

    internal async ValueTask NotifyClosedAsync(EngineIOConnection connection, EngineIOCloseReason reason)
    {
        EngineIOLog.SessionClosed(Logger, reason.ToString());
        try
        {
            await Handler.OnCloseAsync(connection, reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(Logger, ex);
        }
    }

    /// <summary>The sessions' deadlines, visited by the ticker.</summary>
    internal DeadlineWheel<EngineIOConnection> Deadlines { get; }

    private void Tick()
    {
        // A tick that finds the previous one still running leaves the work to it (or to the next tick: the wheel is emptied up
        // to "now" whenever it runs).
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            long now = Environment.TickCount64;
            Deadlines.TakeDue(now, _due);
            foreach (DeadlineWheel<EngineIOConnection>.Entry entry in _due)
            {
                try
                {
                    entry.Item.OnDeadline(entry.At, now);
                }
                catch (Exception ex)
                {
                    // One session's failure must not stop the heartbeat of the others (nor reach the timer's thread).
                    EngineIOLog.HandlerFailed(Logger, ex);
                }
            }
        }
        finally
        {
            _due.Clear();
            if (_due.Capacity > 1024)
            {
                _due.Capacity = 1024; // a burst's worth is not kept for ever
            }

            Volatile.Write(ref _ticking, 0);
        }
    }

    internal static Task RefuseAsync(HttpContext context, EngineIOErrorCode code, string? message)
    {
        return WriteErrorAsync(context, code, message);
    }

    internal static async Task WriteErrorAsync(HttpContext context, EngineIOErrorCode code, string? message)
    {
        message ??= code switch
        {
            EngineIOErrorCode.UnknownTransport => "Transport unknown",
            EngineIOErrorCode.UnknownSid => "Session ID unknown",
            EngineIOErrorCode.BadHandshakeMethod => "Bad handshake method",
            EngineIOErrorCode.BadRequest => "Bad request",
            EngineIOErrorCode.Forbidden => "Forbidden",
            EngineIOErrorCode.UnsupportedProtocolVersion => "Unsupported protocol version",
            _ => "Bad request",
        };
        if (context.Response.HasStarted)
        {
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code"u8, (int)code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = code == EngineIOErrorCode.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        try
        {
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client is gone; nothing to answer.
        }
    }

    /// <summary>
    /// Stops accepting sessions and closes every open one with <c>server shutting down</c>, letting each flush what it has
    /// queued for at most <paramref name="drainTimeout"/>.
    /// </summary>
    /// <param name="drainTimeout">How long queued messages may take to leave before the sessions are dropped.</param>
    /// <returns>A task that completes when every session is closed.</returns>
    public async Task ShutdownAsync(TimeSpan drainTimeout)
    {
        _stopping = true;
        List<Task> closing = new();
        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            closing.Add(entry.Value.CloseCoreAsync(EngineIOCloseReason.ServerShuttingDown, flush: true).AsTask());
        }

        await Task.WhenAll(closing).ConfigureAwait(false);

        long deadline = Environment.TickCount64 + (long)drainTimeout.TotalMilliseconds;
        while (!_sessions.IsEmpty && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            entry.Value.Abandon();
        }
    }

    /// <summary>Closes every session at once and stops the heartbeat timer.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(TimeSpan.Zero).ConfigureAwait(false);
        Volatile.Write(ref _heartbeatStopped, 1);
        await _ticker.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
    }

    /// <summary>Drops every session and stops the heartbeat timer without waiting (a container disposed synchronously).</summary>
    internal void Close()
    {
        _stopping = true;
        foreach (KeyValuePair<string, EngineIOConnection> entry in _sessions)
        {
            entry.Value.Abandon();
        }

        Volatile.Write(ref _heartbeatStopped, 1);
        _ticker.Dispose();
        _meter.Dispose();
    }
}
