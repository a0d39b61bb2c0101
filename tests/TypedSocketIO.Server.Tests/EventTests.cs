using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

public sealed class EventTests
{
    [Fact]
    public async Task On_ReceivesArgumentsOfItsEventOnly()
    {
        using var fixture = new ServerFixture();
        var seen = new List<string>();
        fixture.Server.OnConnection(socket =>
        {
            socket.On("a", args => seen.Add("a:" + args.GetElement(0).GetInt32()));
            socket.On("b", args => seen.Add("b:" + args.Count));
        });
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[\"a\",1]");
        await client.SendAsync("42[\"b\",{},[],null]");
        await client.SendAsync("42[\"c\"]");

        Assert.Equal(["a:1", "b:3"], seen);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(12)] // past the few events a socket keeps in an array: a dictionary then
    public async Task On_ManyEvents_SeveralHandlersInOrder_AndOffRemovesOnlyItsEvent(int events)
    {
        using var fixture = new ServerFixture();
        var seen = new List<string>();
        fixture.Server.OnConnection(socket =>
        {
            for (int i = 0; i < events; i++)
            {
                string name = "e" + i;
                socket.On(name, _ => seen.Add(name + ":first"));
            }

            socket.On("e1", _ => seen.Add("e1:second"));
            Assert.True(socket.Off("e0"));
            Assert.False(socket.Off("never"));
        });
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        for (int i = 0; i < events; i++)
        {
            await client.SendAsync($"42[\"e{i}\"]");
        }

        List<string> expected = ["e1:first", "e1:second", .. Enumerable.Range(2, events - 2).Select(i => $"e{i}:first")];
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task NumericEventName_GoesToTheListenerOfItsJavaScriptString_AndKeepsTheConnection()
    {
        // socket.io 4.8.4 dispatches 42[1,"x"] to socket.on("1") (SocketIONodeExactnessTests compares with Node).
        using var fixture = new ServerFixture();
        var seen = new List<string>();
        fixture.Server.OnConnection(socket =>
        {
            socket.OnAny((name, args) => seen.Add("any:" + name + ":" + args.Count));
            socket.On("1", args => seen.Add("1:" + args.GetElement(0).GetString()));
            socket.On("1e+21", (args, ack) =>
            {
                ack.Send("big");
                return ValueTask.CompletedTask;
            });
        });
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[1,\"x\"]");
        await client.SendAsync("42[1.0,\"y\"]");
        await client.SendAsync("427[1e21]");

        Assert.Equal("437[\"big\"]", await client.ReceiveAsync());
        Assert.Equal(["any:1:1", "1:x", "any:1:1", "1:y", "any:1e+21:0"], seen);
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task OnAny_SeesEveryIncomingEventBeforeHandlers()
    {
        using var fixture = new ServerFixture();
        var seen = new List<string>();
        fixture.Server.OnConnection(socket =>
        {
            socket.OnAny((name, args) => seen.Add("any:" + name + ":" + args.Count));
            socket.On("x", _ => seen.Add("x"));
        });
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[\"x\",1,2]");
        await client.SendAsync("42[\"y\"]");

        Assert.Equal(["any:x:2", "x", "any:y:0"], seen);
    }

    [Fact]
    public async Task OnAnyOutgoing_SeesEmitsAndBroadcasts()
    {
        using var fixture = new ServerFixture();
        var (_, socket) = await fixture.ConnectAsync();
        var seen = new List<string>();
        socket.OnAnyOutgoing((name, args) => seen.Add(name + ":" + args.GetElement(0).GetString()));

        socket.Emit("direct", "1");
        fixture.Server.Emit("all", "2");

        Assert.Equal(["direct:1", "all:2"], seen);
    }

    [Fact]
    public async Task Emit_UntypedArguments_WritesJsonAndBinary()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        Assert.True(socket.Emit("mixed", 1, "two", null, true, 2.5));
        socket.Emit("bin", new byte[] { 7 });

        Assert.Equal("42[\"mixed\",1,\"two\",null,true,2.5]", await client.ReceiveAsync());
        Assert.Equal("451-[\"bin\",{\"_placeholder\":true,\"num\":0}]", await client.ReceiveAsync());
        Assert.Equal(new byte[] { 7 }, await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Emit_WithWriterCallback_AndPrebuiltPacket()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("pre");
        writer.WriteArgument(42);
        SocketIOEncodedPacket packet = writer.Build("/");

        socket.Emit("cb", 5, static (w, n) => w.WriteArgument(n * 2));
        socket.EmitPacket(packet);

        Assert.Equal("42[\"cb\",10]", await client.ReceiveAsync());
        Assert.Equal("42[\"pre\",42]", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("connect_error")]
    [InlineData("disconnect")]
    [InlineData("disconnecting")]
    [InlineData("newListener")]
    [InlineData("removeListener")]
    public async Task ReservedEventNames_AreRefusedForListenersAndEmits(string name)
    {
        using var fixture = new ServerFixture();
        var (_, socket) = await fixture.ConnectAsync();

        Assert.Throws<ArgumentException>(() => socket.On(name, _ => { }));
        Assert.Throws<ArgumentException>(() => socket.Emit(name));
        Assert.Throws<ArgumentException>(() => fixture.Server.Emit(name));
    }

    [Fact]
    public async Task HandlerThrows_IsLogged_AndTheSocketKeepsWorking()
    {
        using var fixture = new ServerFixture();
        int calls = 0;
        fixture.Server.OnConnection(socket => socket.On("boom", _ =>
        {
            calls++;
            throw new InvalidOperationException("handler bug");
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[\"boom\"]");
        await client.SendAsync("42[\"boom\"]");

        Assert.Equal(2, calls);
        Assert.True(client.IsOpen);
        Assert.Equal(2, fixture.Logs.Count("HandlerFailed"));
    }

    [Fact]
    public async Task ErrorEventFromClient_ReachesOnlyTheUsersListener()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        // No listener: nothing happens, nothing is thrown (CVE-2024-38355).
        await client.SendAsync("42[\"error\",\"x\"]");
        Assert.True(socket.Connected);

        string? got = null;
        socket.On("error", args => got = args.GetElement(0).GetString());
        await client.SendAsync("42[\"error\",\"y\"]");
        Assert.Equal("y", got);
        Assert.True(socket.Connected);
    }

    [Fact]
    public async Task PendingHandlers_OverLimit_PauseReadingUntilOneCompletes()
    {
        using var fixture = new ServerFixture(o => o.MaxPendingEventsPerSocket = 1);
        var release = new TaskCompletionSource();
        int started = 0;
        fixture.Server.OnConnection(socket => socket.On("work", async (_, _) =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[\"work\"]");
        Task second = client.SendAsync("42[\"work\"]");

        Assert.False(second.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref started));
        release.SetResult();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Volatile.Read(ref started));
    }
}
