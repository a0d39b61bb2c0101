using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// The attacker's Engine.IO v4 session over WebSocket (<see cref="ClientWebSocket"/>) or HTTP long-polling: it sends whatever
/// Engine.IO packets (text or binary) a case gives, polling payloads and requests as they are, and tells what the server does
/// about it (<see cref="ProbeAsync"/>: does the session still answer an acknowledgement, or is it closed).
/// </summary>
public sealed class HostileSession : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a case waits in silence before it calls the outcome <c>no answer</c> where the official server is known never to
    /// answer (it would act only after a much longer timer): shorter than <see cref="Timeout"/>, to keep the differential fast.
    /// </summary>
    public static readonly TimeSpan SilenceTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The acknowledgement id of the probe: no case uses it.</summary>
    public const int ProbeAckId = 987654;

    private readonly Queue<string?> _received = new();
    private ClientWebSocket? _ws;
    private HttpClient? _http;
    private bool _closed;

    private HostileSession(string baseAddress, string transport)
    {
        BaseAddress = baseAddress;
        Transport = transport;
    }

    public string BaseAddress { get; }

    public string Transport { get; }

    /// <summary>The session id of the handshake.</summary>
    public string Sid { get; private set; } = "";

    /// <summary>The id of the socket on <c>/</c> (or the namespace of <see cref="OpenConnectedAsync"/>), once connected.</summary>
    public string? SocketId { get; private set; }

    /// <summary>The polling URL of the session (with its sid).</summary>
    public string PollUrl => $"{BaseAddress}/socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(Sid)}";

    /// <summary>The WebSocket, once open (for the cases that abuse the client side of it).</summary>
    public ClientWebSocket? WebSocket => _ws;

    /// <summary>The HTTP client of a polling session (no overall timeout: each call has its own).</summary>
    public HttpClient? Http => _http;

    /// <summary>Every Engine.IO packet received, in order (binary ones as <c>b</c> + their length).</summary>
    public List<string> Seen { get; } = [];

    /// <summary>Opens a session over <paramref name="transport"/> (<c>websocket</c> or <c>polling</c>), <paramref name="query"/> appended to the handshake URL.</summary>
    public static async Task<HostileSession> OpenAsync(string baseAddress, string transport, string query = "")
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var session = new HostileSession(baseAddress, transport);
        string path = $"/socket.io/?EIO=4&transport={transport}{query}";
        if (transport == "websocket")
        {
            session._ws = new ClientWebSocket();
            await session._ws.ConnectAsync(new Uri(baseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + path), timeout.Token);
        }
        else
        {
            session._http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            using HttpResponseMessage response = await session._http.GetAsync(baseAddress + path, timeout.Token);
            string body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"handshake refused: {(int)response.StatusCode} {body}");
            }

            foreach (string packet in body.Split('\u001e'))
            {
                session._received.Enqueue(packet);
            }
        }

        string? open = await session.ReceiveAsync();
        if (open is null || !open.StartsWith('0'))
        {
            throw new InvalidOperationException("no open packet: " + open);
        }

        session.Sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;
        return session;
    }

    /// <summary>Opens a session and connects it to <paramref name="ns"/>; fails unless the server answers CONNECT.</summary>
    public static async Task<HostileSession> OpenConnectedAsync(string baseAddress, string transport, string ns = "/")
    {
        HostileSession session = await OpenAsync(baseAddress, transport);
        string prefix = ns == "/" ? "" : ns + ",";
        await session.SendAsync("40" + prefix);
        string? answer = await session.ReceiveMessageAsync();
        if (answer is null || !answer.StartsWith("0" + prefix + "{", StringComparison.Ordinal))
        {
            await session.DisposeAsync();
            throw new InvalidOperationException("CONNECT not accepted: " + answer);
        }

        session.SocketId = JsonDocument.Parse(answer.AsMemory(answer.IndexOf('{', StringComparison.Ordinal))).RootElement.GetProperty("sid").GetString();

        return session;
    }

    /// <summary>
    /// Sends one Engine.IO text packet (with its type digit, e.g. <c>42["x"]</c>) as a WebSocket text message or as the whole
    /// body of a polling POST; returns the POST's status (200 over WebSocket, or 0 when the request failed).
    /// </summary>
    public Task<int> SendAsync(string packet) =>
        _ws is not null ? SendWebSocketAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text) : PostAsync(packet);

    /// <summary>Sends one binary Engine.IO message: a WebSocket binary message, or <c>b</c> + base64 in a polling POST.</summary>
    public Task<int> SendBinaryAsync(byte[] data) =>
        _ws is not null ? SendWebSocketAsync(data, WebSocketMessageType.Binary) : PostAsync("b" + Convert.ToBase64String(data));

    /// <summary>Sends several Engine.IO packets: over polling in one payload (separated by U+001E), over WebSocket one message each.</summary>
    public async Task<int> SendManyAsync(IEnumerable<string> packets)
    {
        if (_ws is null)
        {
            return await PostAsync(string.Join('\u001e', packets));
        }

        foreach (string packet in packets)
        {
            await SendAsync(packet);
        }

        return 200;
    }

    /// <summary>POSTs <paramref name="body"/> as it is to the session's polling URL; returns the status (0: the request failed).</summary>
    public async Task<int> PostAsync(string body, string contentType = "text/plain;charset=UTF-8")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await PostAsync(content);
    }

    /// <summary>POSTs <paramref name="content"/> to the session's polling URL; returns the status (0: the request failed).</summary>
    public async Task<int> PostAsync(HttpContent content)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using HttpResponseMessage response = await _http!.PostAsync(PollUrl, content, timeout.Token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private async Task<int> SendWebSocketAsync(byte[] data, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            if (_ws!.State == WebSocketState.Open)
            {
                await _ws.SendAsync(data, type, true, timeout.Token);
            }
        }
        catch (WebSocketException)
        {
            // closed meanwhile: the next receive says so
        }

        return 200;
    }

    /// <summary>The next Engine.IO packet (pings answered and returned too), or <see langword="null"/> once the server closed the session.</summary>
    /// <summary>Whether a ping received is answered with a pong (true unless a case plays a peer that stops answering).</summary>
    public bool AnswerPings { get; set; } = true;

    /// <summary>How long one receive waits (<see cref="Timeout"/> unless a case changes it).</summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout;

    public async Task<string?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        string? packet = await ReceiveCoreAsync(timeout.Token);
        Seen.Add(packet ?? "(closed)");
        if (packet == "2" && AnswerPings)
        {
            await SendAsync("3");
        }

        if (packet is null || packet.StartsWith('1'))
        {
            _closed = true;
            return null;
        }

        return packet;
    }

    /// <summary>The next Socket.IO packet (Engine.IO message, without its <c>4</c>), pings and noops skipped; <see langword="null"/> once closed.</summary>
    public async Task<string?> ReceiveMessageAsync()
    {
        while (true)
        {
            string? packet = await ReceiveAsync();
            if (packet is null)
            {
                return null;
            }

            if (packet.StartsWith('4'))
            {
                return packet[1..];
            }

            if (packet.StartsWith('b'))
            {
                return packet;
            }
        }
    }

    /// <summary>
    /// Whether the session is still usable after what the case sent: <c>open</c> when an <c>echo</c> with an acknowledgement on
    /// <c>/</c> is answered, <c>closed</c> when the server closes the session, <c>no answer</c> when neither happens in time.
    /// Other packets on the way are skipped (they stay in <see cref="Seen"/>).
    /// </summary>
    public async Task<string> ProbeAsync()
    {
        await SendAsync($"42{ProbeAckId}[\"echo\",\"probe\"]");
        try
        {
            while (true)
            {
                string? packet = await ReceiveMessageAsync();
                if (packet is null)
                {
                    return "closed";
                }

                if (packet == $"3{ProbeAckId}[\"probe\"]")
                {
                    return "open";
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    /// <summary>Waits until the server closes the session: <c>closed</c>, or <c>no answer</c> when it has not within the timeout.</summary>
    public async Task<string> WaitClosedAsync()
    {
        try
        {
            while (await ReceiveAsync() is not null)
            {
            }

            return "closed";
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    /// <summary>The WebSocket's close status as the server gave it (after <see cref="WaitClosedAsync"/>), e.g. <c>1009</c>, or <c>none</c>.</summary>
    public string CloseStatus => _ws?.CloseStatus is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private async Task<string?> ReceiveCoreAsync(CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return null;
        }

        if (_received.Count > 0)
        {
            return _received.Dequeue();
        }

        if (_ws is not null)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                try
                {
                    result = await _ws.ReceiveAsync(buffer, cancellationToken);
                }
                catch (WebSocketException)
                {
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            return result.MessageType == WebSocketMessageType.Binary
                ? "b" + message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : Encoding.UTF8.GetString(message.ToArray());
        }

        while (_received.Count == 0)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http!.GetAsync(PollUrl, cancellationToken);
            }
            catch (HttpRequestException)
            {
                return null;
            }

            using (response)
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return null; // 400 "Session ID unknown": the session is gone
                }

                string body = await response.Content.ReadAsStringAsync(cancellationToken);
                foreach (string packet in body.Split('\u001e'))
                {
                    _received.Enqueue(packet);
                }
            }
        }

        return _received.Dequeue();
    }

    public async ValueTask DisposeAsync()
    {
        if (_ws is not null)
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException)
                {
                }
            }

            _ws.Dispose();
        }

        if (_http is not null)
        {
            if (!_closed)
            {
                await PostAsync("1");
            }

            _http.Dispose();
        }
    }
}
