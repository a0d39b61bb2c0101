namespace TypedSocketIO.Client.EngineIO;

/// <summary>Settings of one Engine.IO client session.</summary>
internal sealed class EngineIOClientOptions
{
    /// <summary>The default <see cref="Path"/>: <c>/socket.io/</c>.</summary>
    public const string DefaultPath = "/socket.io/";

    /// <summary>The default <see cref="MaxReceiveSize"/>: 16 MiB.</summary>
    public const int DefaultMaxReceiveSize = 16 * 1024 * 1024;

    /// <summary>The default <see cref="MaxOutgoingBufferSize"/>: 16 MiB.</summary>
    public const int DefaultMaxOutgoingBufferSize = 16 * 1024 * 1024;

    /// <summary>The default <see cref="MaxWebSocketFragments"/>: 131 072 (as <c>ws</c> 8.21, CVE-2026-48779).</summary>
    public const int DefaultMaxWebSocketFragments = 131_072;

    /// <summary>The default <see cref="ConnectTimeout"/>: 20 seconds (the official client's <c>timeout</c>).</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The default <see cref="UpgradeTimeout"/>: 10 seconds (the official server's <c>upgradeTimeout</c>).</summary>
    public static readonly TimeSpan DefaultUpgradeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="CloseTimeout"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(2);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The server: scheme <c>http</c>, <c>https</c>, <c>ws</c> or <c>wss</c> and the authority. Its path and query are ignored.</summary>
    public required Uri ServerUri { get; init; }

    /// <summary>The Engine.IO endpoint path; a trailing slash is added when missing, unless <see cref="AddTrailingSlash"/> is off. Defaults to <c>/socket.io/</c>.</summary>
    public string Path { get; init; } = DefaultPath;

    /// <summary>Whether the path ends with a slash (one is added when missing); when off, a trailing slash is removed. Defaults to <see langword="true"/>.</summary>
    public bool AddTrailingSlash { get; init; } = true;

    /// <summary>
    /// Whether requests carry a random <see cref="TimestampParam"/> query parameter (cache busting): <see langword="null"/>
    /// for polling requests only, as the official client; <see langword="true"/> for the WebSocket handshake too;
    /// <see langword="false"/> for none. Defaults to <see langword="null"/>.
    /// </summary>
    public bool? TimestampRequests { get; init; }

    /// <summary>The name of the cache-busting query parameter. Defaults to <c>t</c>.</summary>
    public string TimestampParam { get; init; } = "t";

    /// <summary>The WebSocket subprotocols offered in the handshake (<c>Sec-WebSocket-Protocol</c>). Defaults to none.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>Query parameters added to every request, after <c>EIO</c>, <c>transport</c> and <c>sid</c> (which cannot be overridden). Defaults to none.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = Empty;

    /// <summary>Headers added to every HTTP request and to the WebSocket handshake. Defaults to none.</summary>
    public IReadOnlyDictionary<string, string> ExtraHeaders { get; init; } = Empty;

    /// <summary>Whether HTTP long-polling may be used. When <see langword="false"/>, the session handshakes directly over WebSocket. Defaults to <see langword="true"/>.</summary>
    public bool AllowPolling { get; init; } = true;

    /// <summary>Whether WebSocket may be used. Defaults to <see langword="true"/>.</summary>
    public bool AllowWebSocket { get; init; } = true;

    /// <summary>Whether a polling session upgrades to WebSocket when the server offers it. Defaults to <see langword="true"/>.</summary>
    public bool Upgrade { get; init; } = true;

    /// <summary>How long the handshake may take; <see cref="Timeout.InfiniteTimeSpan"/> when the caller times it (the Socket.IO manager does). Defaults to 20 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>How long the WebSocket probe of an upgrade may take before the session stays on polling. Defaults to 10 seconds.</summary>
    public TimeSpan UpgradeTimeout { get; init; } = DefaultUpgradeTimeout;

    /// <summary>How long <see cref="EngineIOClientSession.CloseAsync"/> waits for queued packets and the close packet to be written. Defaults to 2 seconds.</summary>
    public TimeSpan CloseTimeout { get; init; } = DefaultCloseTimeout;

    /// <summary>
    /// The largest polling response body or WebSocket message accepted; a larger one closes the session with
    /// <c>parse error</c>. Defaults to 16 MiB.
    /// </summary>
    public int MaxReceiveSize { get; init; } = DefaultMaxReceiveSize;

    /// <summary>The most frames one received WebSocket message may be split into; more closes the session with <c>parse error</c>. Defaults to 131 072.</summary>
    public int MaxWebSocketFragments { get; init; } = DefaultMaxWebSocketFragments;

    /// <summary>
    /// The most bytes of messages queued and not yet written; a send beyond it fails and closes the session with
    /// <c>transport error</c> (the server cannot keep up). Defaults to 16 MiB.
    /// </summary>
    public int MaxOutgoingBufferSize { get; init; } = DefaultMaxOutgoingBufferSize;

    /// <summary>
    /// The handler of every HTTP request and of the WebSocket handshake (proxies, tests), or <see langword="null"/> for
    /// a default one. TLS certificate validation stays on unless this handler turns it off. Not disposed by the session.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; init; }
}
