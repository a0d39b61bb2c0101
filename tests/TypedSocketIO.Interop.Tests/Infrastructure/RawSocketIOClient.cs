using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>
/// A raw Engine.IO v4 client over WebSocket or long-polling that sends Socket.IO packets as text and returns the text
/// packets the server sends (pings answered, noops skipped), or <see langword="null"/> once the server closed the session.
/// Used to play the same frames against the official server and ours.
/// </summary>
public sealed class RawSocketIOClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private ClientWebSocket? _ws;
    private HttpClient? _http;
    private string? _pollUrl;
    private readonly Queue<string> _received = new();
    private bool _closed;

    private RawSocketIOClient(ClientWebSocket ws) => _ws = ws;

    private RawSocketIOClient(HttpClient http, string pollUrl)
    {
        _http = http;
        _pollUrl = pollUrl;
    }

    /// <summary>
    /// Opens an Engine.IO session on <c>/socket.io/</c> over <paramref name="transport"/> (<c>websocket</c> or <c>polling</c>),
    /// with <paramref name="query"/> appended to the handshake URL and <paramref name="headers"/> on the handshake request.
    /// </summary>
    public static async Task<RawSocketIOClient> OpenAsync(
        string baseAddress, string transport, string query = "", IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var path = $"/socket.io/?EIO=4&transport={transport}{query}";
        if (transport == "websocket")
        {
            var ws = new ClientWebSocket();
            foreach (var (name, value) in headers ?? [])
            {
                ws.Options.SetRequestHeader(name, value);
            }
            await ws.ConnectAsync(new Uri(baseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + path), timeout.Token);
            var client = new RawSocketIOClient(ws);
            var open = await client.ReceiveEngineIOAsync(timeout.Token);
            if (open is null || !open.StartsWith('0'))
            {
                throw new InvalidOperationException("no open packet: " + open);
            }
            return client;
        }

        var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, baseAddress + path);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.SendAsync(request, timeout.Token);
        var handshake = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode || !handshake.StartsWith('0'))
        {
            http.Dispose();
            throw new InvalidOperationException($"handshake failed: {(int)response.StatusCode} {handshake}");
        }
        var sid = JsonDocument.Parse(handshake.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;
        return new RawSocketIOClient(http, $"{baseAddress}/socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(sid)}");
    }

    /// <summary>
    /// Upgrades a polling session to WebSocket (<c>2probe</c>, <c>3probe</c>, <c>5</c>, with <paramref name="headers"/> on the
    /// WebSocket request); the session then goes on over the WebSocket (packets already polled are read first).
    /// </summary>
    public async Task UpgradeAsync(IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        if (_http is null)
        {
            throw new InvalidOperationException("only a polling session upgrades");
        }
        using var timeout = new CancellationTokenSource(Timeout);
        var ws = new ClientWebSocket();
        foreach (var (name, value) in headers ?? [])
        {
            ws.Options.SetRequestHeader(name, value);
        }
        await ws.ConnectAsync(new Uri(_pollUrl!.Replace("http://", "ws://", StringComparison.Ordinal).Replace("transport=polling", "transport=websocket", StringComparison.Ordinal)), timeout.Token);
        await ws.SendAsync("2probe"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64];
        var answer = await ws.ReceiveAsync(buffer, timeout.Token);
        if (Encoding.UTF8.GetString(buffer, 0, answer.Count) != "3probe")
        {
            throw new InvalidOperationException("no 3probe: " + Encoding.UTF8.GetString(buffer, 0, answer.Count));
        }
        await ws.SendAsync("5"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        _ws = ws;
        _http.Dispose();
        _http = null;
        _pollUrl = null;
    }

    /// <summary>Sends one Socket.IO packet (the text after the Engine.IO <c>4</c>).</summary>
    public async Task SendAsync(string packet)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await SendEngineIOAsync("4" + packet, timeout.Token);
    }

    /// <summary>The next Socket.IO text packet from the server, or <see langword="null"/> when the server closed the session.</summary>
    public async Task<string?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var packet = await ReceiveEngineIOAsync(timeout.Token);
            switch (packet?[0])
            {
                case null or '1':
                    _closed = true;
                    return null;
                case '2':
                    await SendEngineIOAsync("3", timeout.Token);
                    break;
                case '4':
                    return packet[1..];
                default:
                    break;
            }
        }
    }

    /// <summary>Connects to the namespace <c>/</c> (with <paramref name="auth"/> when given) and returns the server's answer.</summary>
    public async Task<string?> ConnectAsync(string? auth = null)
    {
        await SendAsync("0" + auth);
        return await ReceiveAsync();
    }

    private async Task<string?> ReceiveEngineIOAsync(CancellationToken cancellationToken)
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
            return result.MessageType == WebSocketMessageType.Binary ? "b" : Encoding.UTF8.GetString(message.ToArray());
        }

        while (_received.Count == 0)
        {
            using var response = await _http!.GetAsync(_pollUrl, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null; // 400 "Session ID unknown": the session is gone
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            foreach (var packet in body.Split('\u001e'))
            {
                _received.Enqueue(packet);
            }
        }
        return _received.Dequeue();
    }

    private async Task SendEngineIOAsync(string packet, CancellationToken cancellationToken)
    {
        if (_ws is not null)
        {
            if (_ws.State == WebSocketState.Open)
            {
                try
                {
                    await _ws.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, true, cancellationToken);
                }
                catch (WebSocketException)
                {
                    // closed meanwhile: the next receive says so
                }
            }
            return;
        }
        using var content = new StringContent(packet, Encoding.UTF8, "text/plain");
        try
        {
            using var response = await _http!.PostAsync(_pollUrl, content, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // closed meanwhile: the next receive says so
        }
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
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await SendEngineIOAsync("1", timeout.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            _http.Dispose();
        }
    }
}
