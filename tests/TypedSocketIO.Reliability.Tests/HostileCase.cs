namespace TypedSocketIO.Reliability.Tests;

/// <summary>Where a case is played.</summary>
public enum CaseScope
{
    /// <summary>Transport-agnostic: played over WebSocket and over polling.</summary>
    BothTransports,

    /// <summary>Over WebSocket only (framing, upgrade).</summary>
    WebSocket,

    /// <summary>Over HTTP long-polling only (POST/GET abuse).</summary>
    Polling,

    /// <summary>Plain HTTP requests or raw TCP, no transport of ours in particular (handshake abuse).</summary>
    Http,
}

/// <summary>Why the official server's outcome is not ours (only these reasons are allowed).</summary>
public enum NodeDifference
{
    /// <summary>The same outcome.</summary>
    None,

    /// <summary>RELIABILITY-ADVISORIES.md, "Decisions where we are stricter than the official server, on purpose".</summary>
    StricterOnPurpose,

    /// <summary>The official server's process dies: the advisory's point.</summary>
    NodeCrashes,

    /// <summary>The official server still shows the advisory's effect (we apply the advisory's fix or lesson).</summary>
    NodeStillVulnerable,

    /// <summary>
    /// The same outcome for the attacker, but another server-side disconnect reason. Mostly: Node 4.8.4 closes the engine itself on an
    /// invalid Socket.IO packet (<c>forced close</c>, <c>forced server close</c> over polling for namespace errors) where we
    /// report <c>parse error</c> (the reason the Socket.IO documentation gives for an invalid packet; BadInputTests pins it).
    /// </summary>
    ReasonName,

    /// <summary>
    /// The HTTP or WebSocket handshake layer differs (Kestrel or our Engine.IO error JSON vs Node's http module, ws and the
    /// engine.io upgrade path): header limits, handshake validation, error bodies.
    /// </summary>
    HttpLayer,

    /// <summary>A quirk of the official server (RELIABILITY-ADVISORIES.md's "Quirk observed here", or found by this corpus), not copied.</summary>
    NodeQuirk,

    /// <summary>A bound of RELIABILITY-ADVISORIES.md's "Limits and their defaults (decided)" that the official server does not have.</summary>
    DecidedLimit,
}

/// <summary>
/// One named hostile input. <see cref="Id"/> names its advisory or group (<c>CVE-2022-2421_placeholder_num_not_integer</c>);
/// <see cref="Play"/> sends it to a server and returns what the attacker observed (<c>closed</c>, <c>open</c>,
/// <c>http 400 {…}</c>, <c>ws close 1009</c>…); <see cref="Expected"/> is our outcome and <see cref="NodeExpected"/> the official
/// server's when it differs (then <see cref="Difference"/> and <see cref="Why"/> say why).
/// </summary>
public sealed record HostileCase(string Id, CaseScope Scope, Func<CaseContext, Task<string>> Play, string Expected)
{
    /// <summary>Our outcome over polling when it differs from <see cref="Expected"/> (e.g. an HTTP status of the POST).</summary>
    public string? ExpectedPolling { get; init; }

    /// <summary>The official server's outcome when it is not ours (over every transport of the case).</summary>
    public string? NodeExpected { get; init; }

    /// <summary>The official server's outcome over polling, when it differs from its outcome over WebSocket.</summary>
    public string? NodeExpectedPolling { get; init; }

    public NodeDifference Difference { get; init; }

    /// <summary>Why Node differs (the advisory, the decision).</summary>
    public string? Why { get; init; }

    /// <summary>Replayed against the official server (false only where Node has no such setting to compare with).</summary>
    public bool Differential { get; init; } = true;

    /// <summary>The transports the case is played over (<c>websocket</c>, <c>polling</c>, or <c>http</c>).</summary>
    public IEnumerable<string> Transports => Scope switch
    {
        CaseScope.BothTransports => ["websocket", "polling"],
        CaseScope.WebSocket => ["websocket"],
        CaseScope.Polling => ["polling"],
        _ => ["http"],
    };

    /// <summary>
    /// Our outcome when the WebSocket is served by ASP.NET Core's WebSocket middleware (<c>KestrelWebSocketTransport = false</c>),
    /// where it differs from the lean transport's (that path cannot see frame headers: <see cref="System.Net.WebSockets.WebSocket"/> hides them).
    /// </summary>
    public string? ExpectedMiddleware { get; init; }

    public string OursFor(string transport) => transport == "polling" && ExpectedPolling is not null ? ExpectedPolling : Expected;

    public string NodeFor(string transport) =>
        transport == "polling" && NodeExpectedPolling is not null ? NodeExpectedPolling : NodeExpected ?? OursFor(transport);

    public override string ToString() => Id;
}

/// <summary>What a case plays against: one server's address, over one transport.</summary>
public sealed class CaseContext(string baseAddress, string transport)
{
    public string BaseAddress { get; } = baseAddress;

    /// <summary><c>websocket</c>, <c>polling</c> or <c>http</c>.</summary>
    public string Transport { get; } = transport;

    public Uri Uri => new(BaseAddress);

    /// <summary>
    /// The socket (on <c>/</c>) of the attacker whose server-side disconnect reason completes a <c>closed</c> outcome: the first
    /// one a case connected, or the one it names.
    /// </summary>
    public string? SocketId { get; set; }

    /// <summary>Waits for the server-side disconnect reason of a socket (for cases that must stay silent until the server acts).</summary>
    public Func<string, Task<string?>> DisconnectReason { get; init; } = _ => Task.FromResult<string?>(null);

    public Task<HostileSession> OpenAsync(string query = "") =>
        HostileSession.OpenAsync(BaseAddress, Transport == "http" ? "polling" : Transport, query);

    public async Task<HostileSession> OpenConnectedAsync(string ns = "/")
    {
        HostileSession session = await HostileSession.OpenConnectedAsync(BaseAddress, Transport == "http" ? "polling" : Transport, ns);
        SocketId ??= session.SocketId;
        return session;
    }

    public async Task<RawTcp> OpenConnectedRawWebSocketAsync()
    {
        RawTcp raw = await RawTcp.OpenConnectedWebSocketAsync(Uri);
        SocketId ??= raw.SocketId;
        return raw;
    }
}
