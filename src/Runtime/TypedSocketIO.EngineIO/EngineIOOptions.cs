using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.EngineIO;

/// <summary>Settings of an Engine.IO endpoint. Defaults are those of the official <c>engine.io</c> server, plus the limits of this project.</summary>
public sealed class EngineIOOptions
{
    /// <summary>The default of <see cref="PingInterval"/>: 25 seconds.</summary>
    public static readonly TimeSpan DefaultPingInterval = TimeSpan.FromMilliseconds(25_000);

    /// <summary>The default of <see cref="PingTimeout"/>: 20 seconds.</summary>
    public static readonly TimeSpan DefaultPingTimeout = TimeSpan.FromMilliseconds(20_000);

    /// <summary>The default of <see cref="UpgradeTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultUpgradeTimeout = TimeSpan.FromMilliseconds(10_000);

    /// <summary>The default of <see cref="SendTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultSendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="MaxHttpBufferSize"/>: 1 000 000 bytes.</summary>
    public const int DefaultMaxHttpBufferSize = 1_000_000;

    /// <summary>The default of <see cref="MaxOutgoingBufferSize"/>: 1 MiB.</summary>
    public const int DefaultMaxOutgoingBufferSize = 1024 * 1024;

    /// <summary>The default of <see cref="MaxWebSocketFragments"/>: 131 072.</summary>
    public const int DefaultMaxWebSocketFragments = 131_072;

    /// <summary>
    /// How often the server sends a ping. Sent to the client in the handshake as <c>pingInterval</c>.
    /// Defaults to 25 seconds.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = DefaultPingInterval;

    /// <summary>
    /// How long the server waits for a pong after a ping before it closes the session with <c>ping timeout</c>.
    /// Sent to the client in the handshake as <c>pingTimeout</c>. Defaults to 20 seconds.
    /// </summary>
    public TimeSpan PingTimeout { get; set; } = DefaultPingTimeout;

    /// <summary>How long a polling→WebSocket upgrade may take before the WebSocket is dropped (the session stays on polling). Defaults to 10 seconds.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = DefaultUpgradeTimeout;

    /// <summary>
    /// The largest HTTP long-polling request body, and the largest WebSocket message, in bytes; sent to the client as
    /// <c>maxPayload</c>. A larger POST is answered 413 and closes the session with <c>transport error</c> (the official server leaves
    /// that to its client, which closes on the 413), and a larger WebSocket message closes the session.
    /// Defaults to 1 000 000 bytes.
    /// </summary>
    public int MaxHttpBufferSize { get; set; } = DefaultMaxHttpBufferSize;

    /// <summary>
    /// The most bytes waiting to be sent to one session: queued, or taken by its transport and not yet written (a WebSocket burst
    /// whose flush the client has not absorbed, a poll's response); each message counts its data plus one byte. The policy when a
    /// client reads too slowly: first, a volatile message is dropped whenever anything else waits or the transport cannot write at
    /// once (so at most one volatile message is ever queued, and none is evicted later: that could not make room for a client that
    /// stopped reading); then a message that would cross this bound is refused and closes the session with
    /// <see cref="EngineIOCloseReason.OutgoingBufferOverflow"/> (<c>outgoing buffer overflow</c>, logged at Information), and what
    /// was queued is dropped. The client sees its connection closed. A single message (or a binary packet's messages) larger than
    /// the bound is taken when nothing else waits, so that it can be sent at all; anything behind it then crosses the bound. To send at the client's pace instead, await
    /// <see cref="EngineIOConnection.WaitForCapacityAsync(int, CancellationToken)"/> before sending; drops are counted by the
    /// <c>engineio.outgoing.dropped</c> counter. Defaults to 1 MiB (<see cref="DefaultMaxOutgoingBufferSize"/>).
    /// </summary>
    public int MaxOutgoingBufferSize { get; set; } = DefaultMaxOutgoingBufferSize;

    /// <summary>How long one write to a WebSocket may take before the session is closed with <c>transport error</c>. Defaults to 10 seconds.</summary>
    public TimeSpan SendTimeout { get; set; } = DefaultSendTimeout;

    /// <summary>
    /// The most frames one WebSocket message may be split into (CVE-2026-48779); one more closes the connection with 1008
    /// (policy violation), as ws does. Defaults to 131 072.
    /// </summary>
    public int MaxWebSocketFragments { get; set; } = DefaultMaxWebSocketFragments;

    /// <summary>The transports accepted. Defaults to <see cref="EngineIOTransports.All"/>.</summary>
    public EngineIOTransports Transports { get; set; } = EngineIOTransports.All;

    /// <summary>
    /// Whether WebSocket handshakes that arrive first on a Kestrel HTTP/1.1 connection are served by the lean transport: a
    /// Kestrel connection middleware (installed by <c>AddEngineIO</c> or <c>AddSocketIO</c>) that reads and writes frames on the
    /// connection's own pipes, with no <c>HttpContext</c> kept and no buffer held while the socket is idle. The same checks
    /// apply (path, <c>EIO</c>, <c>sid</c>, <see cref="AllowRequest"/>, the endpoint's CORS policy, or the application's default
    /// one, for the <c>Origin</c>), but the application's HTTP middleware and routing do not run for these handshakes: custom
    /// middleware (<c>app.Use</c>: IP filters, request logging), forwarded headers (the handshake's remote address is the
    /// peer's), HTTPS redirection, request timeouts and endpoint metadata other than CORS, authorization, rate limiting and
    /// host are not applied. So that no protection is skipped, an endpoint that requires authorization (<c>[Authorize]</c>, a
    /// policy or requirements in its metadata), rate limiting or a host (<c>RequireHost</c>), and every endpoint of an
    /// application that registers an authentication scheme (so that the handshake's <c>User</c> is the authenticated one), a
    /// fallback authorization policy, a global rate limiter or host filtering (<c>AllowedHosts</c> other than <c>*</c>), is
    /// always served by the HTTP pipeline. <see langword="false"/> serves every WebSocket through the ASP.NET Core WebSocket
    /// middleware (turn it off when HTTP middleware of the application must see WebSocket handshakes). Polling, HTTPS, HTTP/2
    /// and keep-alive connections whose first request was something else always go through the HTTP pipeline. Defaults to
    /// <see langword="true"/>.
    /// </summary>
    public bool KestrelWebSocketTransport { get; set; } = true;

    /// <summary>Whether polling sessions may upgrade to WebSocket. Defaults to <see langword="true"/>.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>
    /// Decides whether a handshake request may open a session: return <see langword="null"/> to accept it, or a message to
    /// refuse it with status 403 and <c>{"code":4,"message":…}</c>. Defaults to <see langword="null"/> (all accepted).
    /// </summary>
    public Func<HttpContext, ValueTask<string?>>? AllowRequest { get; set; }

    /// <summary>
    /// Adds headers or cookies to the responses of the endpoint, as the official server's <c>initial_headers</c> and
    /// <c>headers</c> events: called for the handshake response (<see cref="EngineIOResponseHeadersContext.IsHandshake"/>) and
    /// for every successful response after it, on polling (each poll and POST) and on WebSocket (the 101 of the handshake
    /// or of the upgrade), before the response starts. Use it for a sticky-session cookie behind a load balancer, for
    /// example. An exception it throws is logged and the response goes on without it. Defaults to <see langword="null"/>.
    /// </summary>
    public Action<EngineIOResponseHeadersContext>? OnResponseHeaders { get; set; }

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            {
                throw new InvalidOperationException($"EngineIOOptions.{name} must be positive and at most {int.MaxValue} ms; it is {value}.");
            }
        }

        Positive(PingInterval, nameof(PingInterval));
        Positive(PingTimeout, nameof(PingTimeout));
        Positive(UpgradeTimeout, nameof(UpgradeTimeout));
        Positive(SendTimeout, nameof(SendTimeout));
        if (MaxHttpBufferSize < 16)
        {
            throw new InvalidOperationException($"EngineIOOptions.MaxHttpBufferSize must be at least 16 bytes; it is {MaxHttpBufferSize}.");
        }

        if (MaxOutgoingBufferSize < 16)
        {
            throw new InvalidOperationException($"EngineIOOptions.MaxOutgoingBufferSize must be at least 16 bytes; it is {MaxOutgoingBufferSize}.");
        }

        if (MaxWebSocketFragments < 1)
        {
            throw new InvalidOperationException($"EngineIOOptions.MaxWebSocketFragments must be at least 1; it is {MaxWebSocketFragments}.");
        }

        if ((Transports & EngineIOTransports.All) == 0)
        {
            throw new InvalidOperationException("EngineIOOptions.Transports must allow polling, WebSocket or both.");
        }
    }
}
