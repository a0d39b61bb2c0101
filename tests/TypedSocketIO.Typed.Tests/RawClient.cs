using System.Net.WebSockets;
using System.Text;

namespace TypedSocketIO.Typed.Tests;

/// <summary>
/// A minimal Socket.IO client over a raw WebSocket, so that the tests see the exact frames the server writes. Engine.IO pings are
/// answered; every other frame is returned as it is (text without the Engine.IO '4', binary as bytes).
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    /// <summary>The socket id the server gave in its CONNECT answer.</summary>
    public string Sid { get; private set; } = "";

    public static async Task<RawClient> ConnectAsync(Uri server, string connectPacket = "0")
    {
        var client = new RawClient();
        await client._socket.ConnectAsync(new Uri($"ws://{server.Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        string open = await client.ReceiveEngineTextAsync();
        Assert.StartsWith("0{", open, StringComparison.Ordinal);
        await client.SendAsync(connectPacket);
        string connected = await client.ReceiveTextAsync();
        int json = connected.IndexOf("{\"sid\":", StringComparison.Ordinal);
        Assert.True(connected.StartsWith('0') && json > 0, connected);
        using (var doc = System.Text.Json.JsonDocument.Parse(connected[json..]))
        {
            client.Sid = doc.RootElement.GetProperty("sid").GetString()!;
        }

        return client;
    }

    /// <summary>Sends a Socket.IO packet as an Engine.IO message.</summary>
    public Task SendAsync(string socketIOPacket) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes("4" + socketIOPacket), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) => _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next Socket.IO packet (text), pings answered on the way.</summary>
    public async Task<string> ReceiveTextAsync()
    {
        while (true)
        {
            string text = await ReceiveEngineTextAsync();
            if (text == "2")
            {
                await _socket.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                continue;
            }

            Assert.Equal('4', text[0]);
            return text[1..];
        }
    }

    public async Task<byte[]> ReceiveBinaryAsync()
    {
        (WebSocketMessageType type, byte[] data) = await ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        return data;
    }

    private async Task<string> ReceiveEngineTextAsync()
    {
        (WebSocketMessageType type, byte[] data) = await ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    private async Task<(WebSocketMessageType, byte[])> ReceiveFrameAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the WebSocket ({result.CloseStatus} {result.CloseStatusDescription}).");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
    }
}
