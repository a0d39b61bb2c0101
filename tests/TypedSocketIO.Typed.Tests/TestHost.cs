using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Typed.Tests;

/// <summary>A Socket.IO server on a loopback port (<see cref="LoopbackServer"/>), with AddSocketIO and what the test maps.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private TestHost(LoopbackServer server)
    {
        _server = server;
    }

    public Uri Address => _server.Url;

    public IServiceProvider Services => _server.Services;

    public SocketIOServer IO => _server.Services.GetRequiredService<SocketIOServer>();

    public static async Task<TestHost> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null) =>
        new(await LoopbackServer.StartAsync(
            s =>
            {
                s.AddSocketIO();
                services?.Invoke(s);
            },
            map));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
