using Microsoft.Extensions.Logging;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TypedSocketIO.Server;

namespace TypedSocketIO.Server.Tests.Harness;

/// <summary>A Socket.IO server with no HTTP under it, and a factory of in-memory clients.</summary>
internal sealed class ServerFixture : IDisposable
{
    public ServerFixture(Action<SocketIOServerOptions>? configure = null, ISocketIOAdapterFactory? adapterFactory = null, TimeProvider? timeProvider = null)
    {
        var options = new SocketIOServerOptions();
        configure?.Invoke(options);
        Logs = new TestLoggerProvider();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        Server = new SocketIOServer(options, LoggerFactory, adapterFactory, timeProvider: timeProvider);
    }

    public SocketIOServer Server { get; }

    public TestLoggerProvider Logs { get; }

    public Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; }

    public TestClient CreateClient(Dictionary<string, StringValues>? headers = null, string query = "?EIO=4&transport=polling", ClaimsPrincipal? user = null)
    {
        var info = new SocketIOConnectionInfo(
            new HeaderDictionary(headers ?? new Dictionary<string, StringValues> { ["User-Agent"] = "test" }),
            new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)),
            "/socket.io/" + query,
            IPAddress.Loopback,
            new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero),
            false,
            user ?? new ClaimsPrincipal(new ClaimsIdentity()));
        return new TestClient(Server, info);
    }

    public async Task<(TestClient Client, SocketIOSocket Socket)> ConnectAsync(string ns = "/")
    {
        TestClient client = CreateClient();
        string sid = await client.ConnectAsync(ns);
        return (client, Server.Of(ns).Sockets[sid]);
    }

    public void Dispose()
    {
        Server.Dispose();
        LoggerFactory.Dispose();
    }
}
