using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Client;

/// <summary>
/// Options of a Socket.IO client, named after the JavaScript client's (<c>io(uri, options)</c>). Read when the client
/// (and its manager) is created; later changes are not seen.
/// </summary>
/// <remarks>
/// Several clients share a manager (and one Engine.IO connection) when they are created for the same origin and
/// <see cref="Path"/> with <see cref="Multiplex"/> on: then the connection-level options (path, trailing slash, query, timestamps, headers, subprotocols,
/// transports, timeouts, reconnection, HTTP handler) are those of the first client, as in the JavaScript client;
/// <see cref="Auth"/>, <see cref="AuthProvider"/>, <see cref="AckTimeout"/>, <see cref="Retries"/> and
/// <see cref="JsonSerializerOptions"/> are each client's own.
/// </remarks>
public sealed class SocketIOClientOptions
{
    /// <summary>The default of <see cref="Path"/>.</summary>
    public const string DefaultPath = "/socket.io/";

    /// <summary>The default of <see cref="ConnectTimeout"/>: 20 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The default of <see cref="ReconnectionDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultReconnectionDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="ReconnectionDelayMax"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultReconnectionDelayMax = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="RandomizationFactor"/>: 0.5.</summary>
    public const double DefaultRandomizationFactor = 0.5;

    /// <summary>The default of <see cref="TimestampParam"/>: <c>t</c>.</summary>
    public const string DefaultTimestampParam = "t";

    /// <summary>
    /// The path the server is mounted on (the JavaScript client's <c>path</c>); a slash is added at its end unless
    /// <see cref="AddTrailingSlash"/> is off. Defaults to <c>/socket.io/</c>.
    /// </summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// Whether the request path ends with a slash (<c>/socket.io/?EIO=4…</c>); when off, a trailing slash of
    /// <see cref="Path"/> is removed (<c>/socket.io?EIO=4…</c>), for a server started with <c>addTrailingSlash: false</c>
    /// (the JavaScript client's <c>addTrailingSlash</c>). Defaults to <see langword="true"/>.
    /// </summary>
    public bool AddTrailingSlash { get; set; } = true;

    /// <summary>
    /// Whether requests carry a random <see cref="TimestampParam"/> query parameter so that no cache answers them (the
    /// JavaScript client's <c>timestampRequests</c>): <see langword="null"/> for the polling requests only, as the
    /// JavaScript client by default; <see langword="true"/> for the WebSocket handshake as well; <see langword="false"/>
    /// for none. Defaults to <see langword="null"/>.
    /// </summary>
    public bool? TimestampRequests { get; set; }

    /// <summary>The name of the cache-busting query parameter of <see cref="TimestampRequests"/> (the JavaScript client's <c>timestampParam</c>). Defaults to <c>t</c>.</summary>
    public string TimestampParam { get; set; } = DefaultTimestampParam;

    /// <summary>
    /// The WebSocket subprotocols offered in the WebSocket handshake (<c>Sec-WebSocket-Protocol</c>; the JavaScript
    /// client's <c>protocols</c>), each a token such as <c>chat</c>. Defaults to empty (no header).
    /// </summary>
    public IList<string> Protocols { get; } = new List<string>();

    /// <summary>Query parameters added to every Engine.IO request (the server sees them in the handshake). Defaults to empty.</summary>
    public IDictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>HTTP headers added to every request and to the WebSocket handshake. Defaults to empty.</summary>
    public IDictionary<string, string> ExtraHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The payload of the CONNECT packet (the server's <c>socket.handshake.auth</c>), sent on every (re)connection.
    /// Ignored when <see cref="AuthProvider"/> is set. Defaults to <see langword="null"/> (no payload).
    /// </summary>
    public JsonObject? Auth { get; set; }

    /// <summary>
    /// Called before every CONNECT packet (the first connection and each reconnection) for its payload, e.g. to fetch
    /// a fresh token; the JavaScript client's <c>auth</c> callback. Defaults to <see langword="null"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<JsonObject?>>? AuthProvider { get; set; }

    /// <summary>
    /// The transports to use. With both (the default), the session opens over HTTP long-polling and upgrades to
    /// WebSocket when the server offers it and <see cref="Upgrade"/> is on; with one, only that one is used.
    /// Defaults to <see cref="SocketIOClientTransports.All"/>.
    /// </summary>
    public SocketIOClientTransports Transports { get; set; } = SocketIOClientTransports.All;

    /// <summary>Whether a polling session upgrades to WebSocket when the server offers it. Defaults to <see langword="true"/>.</summary>
    public bool Upgrade { get; set; } = true;

    /// <summary>
    /// Whether, after a connection that ran over WebSocket (directly or upgraded), the next connection of the manager
    /// skips long-polling and opens over WebSocket at once; a transport error forgets it (the JavaScript client's
    /// <c>rememberUpgrade</c>, which remembers it process-wide, this per manager). Defaults to <see langword="false"/>.
    /// </summary>
    public bool RememberUpgrade { get; set; }

    /// <summary>
    /// How long one connection attempt (the Engine.IO handshake) may take before it fails with the error message
    /// <c>timeout</c> (the JavaScript client's <c>timeout</c>; one timer per attempt). Defaults to 20 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>Whether a lost connection is re-established automatically (with back-off). Defaults to <see langword="true"/>.</summary>
    public bool Reconnection { get; set; } = true;

    /// <summary>How many reconnection attempts are made before giving up (the manager's <c>ReconnectFailed</c>). Defaults to <see cref="int.MaxValue"/>.</summary>
    public int ReconnectionAttempts { get; set; } = int.MaxValue;

    /// <summary>The first reconnection delay; each next one doubles, up to <see cref="ReconnectionDelayMax"/>. Defaults to 1 second.</summary>
    public TimeSpan ReconnectionDelay { get; set; } = DefaultReconnectionDelay;

    /// <summary>The longest reconnection delay. Defaults to 5 seconds.</summary>
    public TimeSpan ReconnectionDelayMax { get; set; } = DefaultReconnectionDelayMax;

    /// <summary>
    /// The jitter of the reconnection delays, from 0 (none) to 1: each delay moves randomly by up to this fraction of
    /// itself, so that many clients do not reconnect at the same instant. Defaults to 0.5.
    /// </summary>
    public double RandomizationFactor { get; set; } = DefaultRandomizationFactor;

    /// <summary>
    /// The acknowledgement timeout of every emit that expects one, unless <c>Timeout(…)</c> gives another; also the
    /// timeout of each try when <see cref="Retries"/> is set. Defaults to <see langword="null"/> (wait indefinitely).
    /// </summary>
    public TimeSpan? AckTimeout { get; set; }

    /// <summary>
    /// When above 0, every non-volatile emit is delivered at least once: it asks the server for an acknowledgement
    /// (the server's handler must acknowledge it), is sent again after each timeout, up to this many extra tries, and
    /// the queue sends one packet at a time in order (the JavaScript client's <c>retries</c>). Defaults to 0.
    /// </summary>
    public int Retries { get; set; }

    /// <summary>
    /// Whether to create a new manager (and Engine.IO connection) instead of reusing the cached one for the same
    /// origin and path. Defaults to <see langword="false"/>.
    /// </summary>
    public bool ForceNew { get; set; }

    /// <summary>
    /// Whether clients of several namespaces of one server share a manager and one Engine.IO connection; when off, as
    /// <see cref="ForceNew"/>. Defaults to <see langword="true"/>.
    /// </summary>
    public bool Multiplex { get; set; } = true;

    /// <summary>
    /// The serializer options for arguments given as <see cref="object"/> (<c>Emit("x", value)</c>) whose types are not
    /// primitives: they must carry a resolver, typically a <c>JsonSerializerContext</c>'s. Typed emitters do not need
    /// it. Defaults to <see langword="null"/> (primitives, <c>byte[]</c>, <see cref="JsonElement"/> and <see cref="JsonNode"/> only).
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <summary>
    /// The Socket.IO parser on the wire (the official <c>parser</c> option): <see langword="null"/> (the default) for the default JSON
    /// parser; <c>TypedSocketIO.MessagePack.SocketIOMessagePackParser.Instance</c> for the official <c>socket.io-msgpack-parser</c>.
    /// The server must use the same one. The manager's options decide it for every client it multiplexes.
    /// </summary>
    public TypedSocketIO.SocketIO.ISocketIOParser? Parser { get; set; }

    /// <summary>Where the client logs. Defaults to <see langword="null"/> (no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The HTTP handler of the polling requests (e.g. a <c>SocketsHttpHandler</c> with a proxy or client
    /// certificates). TLS validation stays on unless the handler turns it off. Defaults to <see langword="null"/> (a new handler).
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Path, nameof(Path));
        ArgumentException.ThrowIfNullOrEmpty(TimestampParam, nameof(TimestampParam));
        foreach (string protocol in Protocols)
        {
            if (string.IsNullOrEmpty(protocol) || !protocol.All(IsTokenChar))
            {
                throw new ArgumentException($"The WebSocket subprotocol '{protocol}' is not a token (letters, digits and !#$%&'*+-.^_`|~ only).", nameof(Protocols));
            }
        }
        if ((Transports & SocketIOClientTransports.All) == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Transports), Transports, "Transports must name Polling, WebSocket or both.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(ReconnectionAttempts, nameof(ReconnectionAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectionDelay, TimeSpan.Zero, nameof(ReconnectionDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectionDelayMax, ReconnectionDelay, nameof(ReconnectionDelayMax));
        if (RandomizationFactor is < 0 or > 1 || double.IsNaN(RandomizationFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(RandomizationFactor), RandomizationFactor, "RandomizationFactor must be in 0 … 1.");
        }

        if (AckTimeout is { } ackTimeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ackTimeout, TimeSpan.Zero, nameof(AckTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Retries, nameof(Retries));
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    /// <summary>A copy of these options whose <see cref="Query"/> also holds the query string of <paramref name="uri"/> (keys already set win).</summary>
    internal SocketIOClientOptions WithQueryOf(Uri uri)
    {
        var copy = new SocketIOClientOptions
        {
            Path = Path,
            AddTrailingSlash = AddTrailingSlash,
            TimestampRequests = TimestampRequests,
            TimestampParam = TimestampParam,
            Auth = Auth,
            AuthProvider = AuthProvider,
            Transports = Transports,
            Upgrade = Upgrade,
            RememberUpgrade = RememberUpgrade,
            ConnectTimeout = ConnectTimeout,
            Reconnection = Reconnection,
            ReconnectionAttempts = ReconnectionAttempts,
            ReconnectionDelay = ReconnectionDelay,
            ReconnectionDelayMax = ReconnectionDelayMax,
            RandomizationFactor = RandomizationFactor,
            AckTimeout = AckTimeout,
            Retries = Retries,
            ForceNew = ForceNew,
            Multiplex = Multiplex,
            JsonSerializerOptions = JsonSerializerOptions,
            LoggerFactory = LoggerFactory,
            HttpMessageHandler = HttpMessageHandler,
            Parser = Parser,
        };
        foreach (KeyValuePair<string, string> header in ExtraHeaders)
        {
            copy.ExtraHeaders[header.Key] = header.Value;
        }

        foreach (string protocol in Protocols)
        {
            copy.Protocols.Add(protocol);
        }

        foreach (KeyValuePair<string, string> parameter in Query)
        {
            copy.Query[parameter.Key] = parameter.Value;
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            copy.Query.TryAdd(key, value);
        }

        return copy;
    }
}
