using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>Our own Engine.IO server (in-process Kestrel on 127.0.0.1, ephemeral port) with an echo handler at /engine.io/.</summary>
internal sealed class EngineIOEchoServer : IAsyncDisposable, IEngineIOHandler
{
    private LoopbackServer? _server;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every text and binary message received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public Channel<EngineIOConnection> Opened { get; } = Channel.CreateUnbounded<EngineIOConnection>();

    public Channel<EngineIOCloseReason> ClosedReasons { get; } = Channel.CreateUnbounded<EngineIOCloseReason>();

    public static async Task<EngineIOEchoServer> StartAsync(Action<EngineIOOptions>? configure = null)
    {
        var server = new EngineIOEchoServer();
        server._server = await LoopbackServer.StartAsync(_ => { }, app => app.MapEngineIO("/engine.io/", server, configure));
        server.BaseUri = server._server.Url;
        return server;
    }

    public async Task<EngineIOConnection> WaitOpenedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await Opened.Reader.ReadAsync(timeout.Token);
    }

    public async Task<EngineIOCloseReason> WaitClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await ClosedReasons.Reader.ReadAsync(timeout.Token);
    }

    public ValueTask OnOpenAsync(EngineIOConnection connection)
    {
        Opened.Writer.TryWrite(connection);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
    {
        Received.Enqueue("text " + Encoding.UTF8.GetString(utf8.Span));
        connection.TrySend(EngineIOMessage.Text(utf8.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
    {
        Received.Enqueue("binary " + Convert.ToHexString(data.Span));
        connection.TrySend(EngineIOMessage.Binary(data.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason)
    {
        ClosedReasons.Writer.TryWrite(reason);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
