using System.Text.Json;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

/// <summary><c>compress(false)</c> and <c>serverSideEmit</c> on one server, as socket.io 4.8.4 with its in-memory adapter.</summary>
public sealed class EmitFlagsTests
{
    [Fact]
    public async Task CompressFalse_SendsTheSameBytes_OnEverySurface()
    {
        using var fixture = new ServerFixture();
        (TestClient client, SocketIOSocket socket) = await fixture.ConnectAsync();
        socket.Join("r");

        socket.Compress(false).Emit("a", 1);
        socket.Compress(false).Volatile.Emit("b", 2);
        fixture.Server.Compress(false).Emit("c", 3);
        fixture.Server.Compress(false).To("r").Emit("d", new byte[] { 4 });
        fixture.Server.MainNamespace.Compress(true).Emit("e");

        Assert.Equal("42[\"a\",1]", await client.ReceiveAsync());
        Assert.Equal("42[\"b\",2]", await client.ReceiveAsync());
        Assert.Equal("42[\"c\",3]", await client.ReceiveAsync());
        Assert.Equal("451-[\"d\",{\"_placeholder\":true,\"num\":0}]", await client.ReceiveAsync());
        Assert.Equal(new byte[] { 4 }, await client.ReceiveBinaryAsync());
        Assert.Equal("42[\"e\"]", await client.ReceiveAsync());

        Task<SocketIOArguments> answer = socket.Compress(false).Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("f");
        Assert.Equal("420[\"f\"]", await client.ReceiveAsync());
        await client.SendAsync("430[\"ok\"]");
        Assert.Equal("ok", (await answer.WaitAsync(TimeSpan.FromSeconds(30))).GetElement(0).GetString());
    }

    [Fact]
    public async Task ServerSideEmit_OnOneServer_ReachesNoHandler_WithAckAnswersEmptyAtOnce()
    {
        using var fixture = new ServerFixture();
        int calls = 0;
        fixture.Server.OnServerSideEvent("hello", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.CompletedTask;
        });

        await fixture.Server.ServerSideEmitAsync("hello", 1);
        IReadOnlyList<JsonElement> answers = await fixture.Server.ServerSideEmitWithAckAsync("hello", [2]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(answers);
        Assert.Equal(0, calls);
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("connection")]
    [InlineData("new_namespace")]
    public async Task ServerSideEmit_ReservedName_IsRefused_AsTheOfficialServer(string name)
    {
        using var fixture = new ServerFixture();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Server.ServerSideEmitAsync(name));
        Assert.StartsWith($"\"{name}\" is a reserved event name.", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Server.ServerSideEmitWithAckAsync(name, []));
    }
}
