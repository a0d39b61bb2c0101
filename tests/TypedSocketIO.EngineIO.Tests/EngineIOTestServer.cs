using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.EngineIO;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>An echo handler that also records what happened, for assertions.</summary>
public sealed class RecordingEchoHandler : IEngineIOHandler
{
    public ConcurrentQueue<string> Events { get; } = new();

    public Channel<(EngineIOConnection Connection, EngineIOCloseReason Reason)> Closed { get; } = Channel.CreateUnbounded<(EngineIOConnection, EngineIOCloseReason)>();

    public ValueTask OnOpenAsync(EngineIOConnection connection)
    {
        Events.Enqueue("open " + connection.Transport);
        return ValueTask.CompletedTask;
    }

    /// <summary>Released by a test: "hold" answers "held", waits for it, then answers "released".</summary>
    public TaskCompletionSource Hold { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
    {
        Events.Enqueue("text " + Encoding.UTF8.GetString(utf8.Span));
        if (utf8.Span.SequenceEqual("hold"u8))
        {
            return HoldAsync(connection);
        }

        connection.TrySend(EngineIOMessage.Text(utf8.Span.SequenceEqual("handshake"u8) ? DescribeHandshake(connection.Handshake) : utf8.ToArray()));
        return ValueTask.CompletedTask;
    }

    private async ValueTask HoldAsync(EngineIOConnection connection)
    {
        connection.TrySend(EngineIOMessage.Text("held"u8.ToArray()));
        await Hold.Task;
        connection.TrySend(EngineIOMessage.Text("released"u8.ToArray()));
    }

    /// <summary>
    /// The handshake in the shape eio-exact-server.mjs sends for "handshake" (Node's socket.request): header names in lower
    /// case, a repeated query parameter as its last value (Node's Object.fromEntries of the search parameters).
    /// </summary>
    private static byte[] DescribeHandshake(EngineIOHandshake handshake)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("headers");
            foreach (var header in handshake.Headers)
            {
                json.WriteString(header.Key.ToLowerInvariant(), string.Join(", ", header.Value.ToArray()));
            }

            json.WriteEndObject();
            json.WriteString("url", handshake.Url);
            json.WriteStartObject("query");
            foreach (var parameter in handshake.Query)
            {
                json.WriteString(parameter.Key, parameter.Value[^1]);
            }

            json.WriteEndObject();
            json.WriteString("address", handshake.RemoteAddress?.ToString());
            json.WriteBoolean("secure", handshake.IsSecure);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
    {
        Events.Enqueue("binary " + Convert.ToHexString(data.Span));
        connection.TrySend(EngineIOMessage.Binary(data.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason)
    {
        Closed.Writer.TryWrite((connection, reason));
        return ValueTask.CompletedTask;
    }

    public async Task<EngineIOCloseReason> WaitClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await Closed.Reader.ReadAsync(timeout.Token)).Reason;
    }
}

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port (<see cref="LoopbackServer"/>), serving one Engine.IO endpoint.</summary>
public sealed class EngineIOTestServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private EngineIOTestServer(LoopbackServer server, RecordingEchoHandler handler, EngineIOServer engine)
    {
        _server = server;
        Handler = handler;
        Engine = engine;
        BaseUri = server.Url;
        Http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(15) };
    }

    public RecordingEchoHandler Handler { get; }

    public EngineIOServer Engine { get; }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    /// <param name="configure">Adjusts the options.</param>
    /// <param name="corsOrigin">When set, ASP.NET Core CORS with an endpoint policy allowing this origin with credentials (as the README shows).</param>
    public static async Task<EngineIOTestServer> StartAsync(Action<EngineIOOptions>? configure = null, string? corsOrigin = null)
    {
        var handler = new RecordingEchoHandler();
        var options = new EngineIOOptions();
        configure?.Invoke(options);
        EngineIOServer? engine = null;
        LoopbackServer server = await LoopbackServer.StartAsync(
            services =>
            {
                services.AddEngineIO();
                if (corsOrigin is not null)
                {
                    services.AddCors();
                }
            },
            app =>
            {
                if (corsOrigin is not null)
                {
                    app.UseCors();
                }

                IEndpointConventionBuilder endpoint = EngineIOEndpointRouteBuilderExtensions.MapEngineIO(app, "/engine.io/", handler, options, out EngineIOServer mapped);
                if (corsOrigin is not null)
                {
                    endpoint.RequireCors(policy => policy.WithOrigins(corsOrigin).AllowCredentials());
                }

                engine = mapped;
            });
        return new EngineIOTestServer(server, handler, engine!);
    }

    /// <summary>How many WebSocket handshakes the lean Kestrel transport accepted (the others went through ASP.NET Core's middleware).</summary>
    public int KestrelWebSocketsAccepted => _server.Services.GetRequiredService<KestrelWebSocketEndpoints>().Find("/engine.io")?.Accepted ?? 0;

    public Uri WebSocketUri(string query) => new($"ws://{BaseUri.Authority}/engine.io/?{query}");

    /// <summary>Opens a polling session and returns its sid.</summary>
    public async Task<string> HandshakePollingAsync()
    {
        string body = await Http.GetStringAsync("/engine.io/?EIO=4&transport=polling");
        Assert.StartsWith("0{", body, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(body[1..]);
        return doc.RootElement.GetProperty("sid").GetString()!;
    }

    public async Task<string> PollAsync(string sid)
    {
        using HttpResponseMessage response = await Http.GetAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<HttpResponseMessage> PostAsync(string sid, string payload)
    {
        using var content = new StringContent(payload, Encoding.UTF8, "text/plain");
        return await Http.PostAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}", content);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Http.Dispose();
    }
}

public static class WebSocketTestExtensions
{
    public static async Task SendTextAsync(this WebSocket socket, string text)
        => await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, timeout.Token);
            ms.Write(buffer, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, ms.ToArray());
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(this WebSocket socket)
    {
        (WebSocketMessageType type, byte[] data) = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }
}
