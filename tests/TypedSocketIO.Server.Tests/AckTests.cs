using System.Text;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

public sealed class AckTests
{
    [Fact]
    public async Task ClientEventWithAck_HandlerAcks_ClientReceivesAckPacket()
    {
        using var fixture = new ServerFixture();
        fixture.Server.OnConnection(socket => socket.On("join", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetString(), true);
            return ValueTask.CompletedTask;
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("421[\"join\",\"lobby\"]");

        Assert.Equal("431[\"lobby\",true]", await client.ReceiveAsync());
    }

    [Fact]
    public async Task AckSendNull_SendsOneNullArgument_AsJavaScriptAckNull()
    {
        // Send(null) binds to the params overload with a null array: one null argument, as ack(null) in Node
        // (SocketIONodeExactnessTests compares the bytes with socket.io 4.8.4); Send() sends none.
        using var fixture = new ServerFixture();
        fixture.Server.OnConnection(socket =>
        {
            socket.On("null", (_, ack) =>
            {
                ack.Send(null);
                return ValueTask.CompletedTask;
            });
            socket.On("none", (_, ack) =>
            {
                ack.Send();
                return ValueTask.CompletedTask;
            });
            socket.On("nulls", (_, ack) =>
            {
                ack.Send(null, null);
                return ValueTask.CompletedTask;
            });
        });
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("421[\"null\"]");
        Assert.Equal("431[null]", await client.ReceiveAsync());
        await client.SendAsync("422[\"none\"]");
        Assert.Equal("432[]", await client.ReceiveAsync());
        await client.SendAsync("423[\"nulls\"]");
        Assert.Equal("433[null,null]", await client.ReceiveAsync());
    }

    [Fact]
    public async Task EmitNull_SendsOneNullArgument_FromEverySurface()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        Assert.True(socket.Emit("x", null));
        Assert.Equal("42[\"x\",null]", await client.ReceiveAsync());
        socket.Volatile.Emit("v", null);
        Assert.Equal("42[\"v\",null]", await client.ReceiveAsync());
        fixture.Server.Emit("all", null);
        Assert.Equal("42[\"all\",null]", await client.ReceiveAsync());
        fixture.Server.To(socket.Id).Emit("room", null);
        Assert.Equal("42[\"room\",null]", await client.ReceiveAsync());

        Task<SocketIOArguments> answer = socket.EmitWithAckAsync("ask", null);
        Assert.Equal("420[\"ask\",null]", await client.ReceiveAsync());
        await client.SendAsync("430[null]");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await answer).GetElement(0).ValueKind);
    }

    [Fact]
    public async Task ClientEventWithAck_InNamespace_AckCarriesNamespace()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat", ns => ns.OnConnection(socket => socket.On("ping", (_, ack) =>
        {
            ack.Send("pong");
            return ValueTask.CompletedTask;
        })));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync("/chat");

        await client.SendAsync("42/chat,7[\"ping\"]");

        Assert.Equal("43/chat,7[\"pong\"]", await client.ReceiveAsync());
    }

    [Fact]
    public async Task AsyncHandler_AcksLater_AndOnlyTheFirstAckIsSent()
    {
        using var fixture = new ServerFixture();
        var release = new TaskCompletionSource();
        bool? second = null;
        fixture.Server.OnConnection(socket => socket.On("slow", async (_, ack) =>
        {
            await release.Task;
            ack.Send(1);
            second = ack.Send(2);
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("425[\"slow\"]");
        release.SetResult();

        Assert.Equal("435[1]", await client.ReceiveAsync());
        Assert.False(second);
    }

    [Fact]
    public async Task EventWithoutAck_HandlerGetsNoneResponder()
    {
        using var fixture = new ServerFixture();
        SocketIOAck? seen = null;
        fixture.Server.OnConnection(socket => socket.On("x", (_, ack) =>
        {
            seen = ack;
            return ValueTask.CompletedTask;
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("42[\"x\"]");

        Assert.NotNull(seen);
        Assert.False(seen.IsRequested);
        Assert.False(seen.Send("ignored"));
        Assert.True(client.HasNothingToReceive());
    }

    [Fact]
    public async Task EmitWithAck_ClientAnswers_TaskCompletesWithArguments()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        Task<SocketIOArguments> pending = socket.EmitWithAckAsync("confirm", "leave?");
        Assert.Equal("420[\"confirm\",\"leave?\"]", await client.ReceiveAsync());
        Assert.Equal(1, fixture.Server.Diagnostics.PendingAckCount);
        await client.SendAsync("430[true,\"bye\"]");

        SocketIOArguments answer = await pending;
        Assert.Equal(2, answer.Count);
        Assert.True(answer.GetElement(0).GetBoolean());
        Assert.Equal("bye", answer.GetElement(1).GetString());
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task EmitWithAck_Timeout_FailsWithTimeoutExceptionAndFreesTheEntry()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        Task<SocketIOArguments> pending = socket.Timeout(TimeSpan.FromMilliseconds(20)).EmitWithAckAsync("confirm");

        var error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => pending);
        Assert.Equal("confirm", error.EventName);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);

        // The late answer is ignored and the connection stays usable.
        await client.ReceiveAsync();
        await client.SendAsync("430[1]");
        Assert.True(client.IsOpen);
        Assert.True(socket.Connected);
    }

    [Fact]
    public async Task EmitWithAck_SocketDisconnects_FailsWithDisconnectedException()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        Task<SocketIOArguments> pending = socket.EmitWithAckAsync("confirm");

        await client.CloseFromEngineAsync("transport close");

        var error = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => pending);
        Assert.Equal("transport close", error.Reason);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task EmitWithAck_Cancelled_FreesTheEntry()
    {
        using var fixture = new ServerFixture();
        var (_, socket) = await fixture.ConnectAsync();
        using var cts = new CancellationTokenSource();

        Task<SocketIOArguments> pending = socket.EmitWithAckAsync("q", 0, static (w, s) => w.WriteArgument(s), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task EmitWithAck_OverPendingAckLimit_ClosesThatConnectionOnly()
    {
        using var fixture = new ServerFixture(o => o.MaxPendingAcksPerSocket = 2);
        var (client, socket) = await fixture.ConnectAsync();
        var (other, otherSocket) = await fixture.ConnectAsync();

        Task<SocketIOArguments> first = socket.EmitWithAckAsync("a");
        Task<SocketIOArguments> second = socket.EmitWithAckAsync("b");
        Task<SocketIOArguments> third = socket.EmitWithAckAsync("c");

        await Assert.ThrowsAsync<InvalidOperationException>(() => third);
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => first);
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => second);
        Assert.False(client.IsOpen);
        Assert.Equal("forced server close", socket.DisconnectReason);
        Assert.Equal(1, fixture.Logs.Count("TooManyPendingAcks"));
        Assert.True(otherSocket.Emit("still", "here"));
        Assert.Equal("42[\"still\",\"here\"]", await other.ReceiveAsync());
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task EmitWithAck_ToDisconnectedSocket_FailsAtOnce()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        await client.SendAsync("41");

        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => socket.EmitWithAckAsync("x"));
        Assert.False(socket.Emit("x"));
    }

    [Fact]
    public async Task BinaryEventWithAck_ArgumentsSeeAttachment_AndBinaryAckIsSent()
    {
        using var fixture = new ServerFixture();
        byte[]? received = null;
        fixture.Server.OnConnection(socket => socket.On("upload", (args, ack) =>
        {
            received = args.GetBinary(0).ToArray();
            ack.Send(new byte[] { 9, 8 });
            return ValueTask.CompletedTask;
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        await client.SendAsync("451-3[\"upload\",{\"_placeholder\":true,\"num\":0}]");
        Assert.Equal(1, fixture.Server.Diagnostics.PendingBinaryPacketCount);
        await client.SendBinaryAsync([1, 2, 3]);

        Assert.Equal(new byte[] { 1, 2, 3 }, received);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingBinaryPacketCount);
        Assert.Equal("461-3[{\"_placeholder\":true,\"num\":0}]", await client.ReceiveAsync());
        Assert.Equal(new byte[] { 9, 8 }, await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task EmitWithAck_ClientAnswersWithBinaryAck()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        Task<SocketIOArguments> pending = socket.EmitWithAckAsync("file");
        await client.ReceiveAsync();
        await client.SendAsync("461-0[{\"_placeholder\":true,\"num\":0}]");
        await client.SendBinaryAsync(Encoding.UTF8.GetBytes("hi"));

        SocketIOArguments answer = await pending;
        Assert.Equal("hi", Encoding.UTF8.GetString(answer.GetBinary(0).Span));
    }

    [Fact]
    public async Task AckIds_AreUniquePerNamespace_AcrossSockets()
    {
        using var fixture = new ServerFixture();
        var (a, socketA) = await fixture.ConnectAsync();
        var (b, socketB) = await fixture.ConnectAsync();

        _ = socketA.EmitWithAckAsync("x");
        _ = socketB.EmitWithAckAsync("x");

        Assert.Equal("420[\"x\"]", await a.ReceiveAsync());
        Assert.Equal("421[\"x\"]", await b.ReceiveAsync());
    }
}
