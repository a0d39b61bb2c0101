using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;

namespace TypedSocketIO.Typed.Tests;

/// <summary>The generated emitters and listeners, registered in a connection handler, against the exact bytes on the wire.</summary>
public sealed class TypedListenerAndEmitterTests
{
    [Fact]
    public async Task Emit_WritesTheEventNameAndArgumentsAsTheOfficialServerDoes()
    {
        await using TestHost host = await TestHost.StartAsync(app =>
            app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.Emit.Welcome("hi \"you\"", 3))));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);
        Assert.Equal("2[\"welcome\",\"hi \\\"you\\\"\",3]", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task On_FireAndForgetAndAckHandlers_ReceiveTypedArgumentsAndAnswerWithTheirResult()
    {
        var hello = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var custom = new TaskCompletionSource<Item>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket =>
        {
            socket.On.Hello(name => hello.TrySetResult(name));
            socket.On.Add((a, b) => new Sum(a + b));
            socket.On.Custom(item => custom.TrySetResult(item));
            socket.On.Echo(async text =>
            {
                await Task.Yield();
                return text;
            });
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        await client.SendAsync("2[\"hello\",\"Ada\"]");
        Assert.Equal("Ada", await hello.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        await client.SendAsync("27[\"add\",2,3]");
        Assert.Equal("37[{\"value\":5}]", await client.ReceiveTextAsync());

        await client.SendAsync("2[\"custom-name\",{\"name\":\"box\",\"count\":4}]");
        Assert.Equal(new Item("box", 4), await custom.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        await client.SendAsync("28[\"echo\",null]");
        Assert.Equal("38[null]", await client.ReceiveTextAsync());
        await client.SendAsync("29[\"echo\"]");
        Assert.Equal("39[null]", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Binary_ArgumentsAndAckResults_TravelAsAttachments()
    {
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket =>
        {
            socket.On.Reverse(data =>
            {
                byte[] reversed = (byte[])data.Clone();
                Array.Reverse(reversed);
                return Task.FromResult(reversed);
            });
            socket.Emit.Data(new Item("blob", 1), [9, 8, 7]);
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        Assert.Equal("51-[\"data\",{\"name\":\"blob\",\"count\":1},{\"_placeholder\":true,\"num\":0}]", await client.ReceiveTextAsync());
        Assert.Equal(new byte[] { 9, 8, 7 }, await client.ReceiveBinaryAsync());

        await client.SendAsync("51-4[\"reverse\",{\"_placeholder\":true,\"num\":0}]");
        await client.SendBinaryAsync([1, 2, 3]);
        Assert.Equal("61-4[{\"_placeholder\":true,\"num\":0}]", await client.ReceiveTextAsync());
        Assert.Equal(new byte[] { 3, 2, 1 }, await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task ArgumentsThatDoNotFit_DropTheEventButKeepTheConnection()
    {
        var invalid = new TaskCompletionSource<SocketIOArgumentException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(
            app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.On.Add((a, b) => new Sum(a + b)))),
            services => services.Configure<SocketIOServerOptions>(o => o.OnInvalidArguments = (_, ex) => invalid.TrySetResult(ex)));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        await client.SendAsync("21[\"add\",\"two\",3]");
        SocketIOArgumentException error = await invalid.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("add", error.EventName);
        Assert.Equal(0, error.Index);

        await client.SendAsync("22[\"add\",1]");
        await client.SendAsync("23[\"add\",20,22]");
        Assert.Equal("33[{\"value\":42}]", await client.ReceiveTextAsync());
        Assert.Equal(2, host.IO.Diagnostics.InvalidArgumentCount);
    }

    [Fact]
    public async Task ServerToClientAck_WithTimeout_ReturnsTheTypedResult()
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(async socket =>
        {
            answer.TrySetResult(await socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Confirm("sure?"));
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        Assert.Equal("20[\"confirm\",\"sure?\"]", await client.ReceiveTextAsync());
        await client.SendAsync("30[true]");
        Assert.True(await answer.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerToClientAck_Unanswered_FailsWithTimeout()
    {
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(async socket =>
        {
            try
            {
                await socket.Timeout(TimeSpan.FromMilliseconds(200)).Emit.Confirm("anyone?");
            }
            catch (Exception ex)
            {
                failure.TrySetResult(ex);
            }
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);
        Assert.Equal("20[\"confirm\",\"anyone?\"]", await client.ReceiveTextAsync());
        Assert.IsType<SocketIOAckTimeoutException>(await failure.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Broadcast_ToARoom_ReachesEachMemberOnce_AndCollectsTypedAcks()
    {
        await using TestHost host = await TestHost.StartAsync(app =>
            app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.Join("room"))));
        await using RawClient first = await RawClient.ConnectAsync(host.Address);
        await using RawClient second = await RawClient.ConnectAsync(host.Address);
        await using RawClient outsider = await RawClient.ConnectAsync(host.Address);
        host.IO.MainNamespace.Sockets[outsider.Sid].Leave("room");

        SocketIONamespace<ITestServer, ITestClient> ns = host.IO.Of<ITestServer, ITestClient>("/");
        ns.To("room").Emit.Welcome("all", 2);
        Assert.Equal("2[\"welcome\",\"all\",2]", await first.ReceiveTextAsync());
        Assert.Equal("2[\"welcome\",\"all\",2]", await second.ReceiveTextAsync());

        // Packets to one socket keep their order: the outsider's next packet is this one, not the room's.
        host.IO.MainNamespace.Sockets[outsider.Sid].As<ITestServer, ITestClient>().Emit.Welcome("only you", 1);
        Assert.Equal("2[\"welcome\",\"only you\",1]", await outsider.ReceiveTextAsync());

        Task<IReadOnlyList<AckResult<bool>>> answers = ns.To("room").Timeout(TimeSpan.FromSeconds(10)).Emit.Confirm("vote");
        string packet1 = await first.ReceiveTextAsync();
        string packet2 = await second.ReceiveTextAsync();
        Assert.Equal(packet1, packet2);
        string id = packet1[1..packet1.IndexOf('[', StringComparison.Ordinal)];
        await first.SendAsync($"3{id}[true]");
        await second.SendAsync($"3{id}[false]");
        IReadOnlyList<AckResult<bool>> result = await answers.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(
            new[] { (first.Sid, true), (second.Sid, false) }.OrderBy(r => r.Sid, StringComparer.Ordinal),
            result.Select(r => (Sid: r.SocketId!, r.Value)).OrderBy(r => r.Sid, StringComparer.Ordinal));
    }
}
