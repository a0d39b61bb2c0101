using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests;

public sealed class UriQueryTests
{
    [Fact]
    public async Task QueryStringOfTheUri_ReachesTheHandshake_AndOptionsQueryWins()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(),
            app => app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.On("query", (_, ack) =>
            {
                ack.Send(socket.Handshake.Query["token"].ToString(), socket.Handshake.Query["name"].ToString());
                return ValueTask.CompletedTask;
            }))));
        var options = new SocketIOClientOptions { ForceNew = true };
        options.Query["name"] = "from options";

        await using SocketIOClient client = SocketIOClient.Create(new Uri(server.Url, "/?token=a%20b&name=from+uri"), options);
        await client.ConnectAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        SocketIOArguments answer = await client.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("query");

        Assert.Equal("a b", answer.GetElement(0).GetString());
        Assert.Equal("from options", answer.GetElement(1).GetString());
        Assert.False(options.Query.ContainsKey("token")); // the caller's options are left as they were
    }

    /// <summary>
    /// The copy made when the URI has a query keeps every other option: each settable property is given a value that is
    /// not its default and must come through (a property of a new type fails here until the test knows a sample of it).
    /// </summary>
    [Fact]
    public void QueryStringOfTheUri_TheCopyOfTheOptionsKeepsEveryOtherOption()
    {
        var options = new SocketIOClientOptions();
        options.ExtraHeaders["x-a"] = "1";
        options.Protocols.Add("chat");
        using var handler = new HttpClientHandler();
        var samples = new Dictionary<Type, object>
        {
            [typeof(string)] = "/custom/",
            [typeof(bool)] = !default(bool),
            [typeof(bool?)] = true,
            [typeof(int)] = 3,
            [typeof(double)] = 0.25,
            [typeof(TimeSpan)] = TimeSpan.FromSeconds(7),
            [typeof(TimeSpan?)] = TimeSpan.FromSeconds(7),
            [typeof(SocketIOClientTransports)] = SocketIOClientTransports.WebSocket,
            [typeof(JsonObject)] = new JsonObject { ["a"] = 1 },
            [typeof(Func<CancellationToken, ValueTask<JsonObject?>>)] = (Func<CancellationToken, ValueTask<JsonObject?>>)(_ => ValueTask.FromResult<JsonObject?>(null)),
            [typeof(JsonSerializerOptions)] = new JsonSerializerOptions(),
            [typeof(Microsoft.Extensions.Logging.ILoggerFactory)] = NullLoggerFactory.Instance,
            [typeof(HttpMessageHandler)] = handler,
            [typeof(ISocketIOParser)] = new NoParser(),
        };
        PropertyInfo[] settable = [.. typeof(SocketIOClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)];
        foreach (PropertyInfo property in settable)
        {
            Assert.True(samples.TryGetValue(property.PropertyType, out object? sample), $"No sample value for {property.Name} ({property.PropertyType})");
            object value = property.PropertyType == typeof(bool) ? !(bool)property.GetValue(options)! : sample;
            Assert.NotEqual(property.GetValue(options), value);
            property.SetValue(options, value);
        }

        SocketIOClientOptions copy = options.WithQueryOf(new Uri("http://x.test/?token=1"));
        foreach (PropertyInfo property in settable)
        {
            Assert.True(Equals(property.GetValue(options), property.GetValue(copy)), property.Name + " was not copied");
        }

        Assert.Equal("1", copy.ExtraHeaders["x-a"]);
        Assert.Equal(["chat"], copy.Protocols);
        Assert.Equal("1", copy.Query["token"]);
    }

    private sealed class NoParser : ISocketIOParser
    {
        public string Name => "none";

        public byte[] Encode(ReadOnlySpan<byte> text, IReadOnlyList<ReadOnlyMemory<byte>> attachments) => throw new NotSupportedException();

        public SocketIODecodedMessage Decode(ReadOnlySpan<byte> message, bool isBinary, SocketIOParserOptions options) => throw new NotSupportedException();
    }
}
