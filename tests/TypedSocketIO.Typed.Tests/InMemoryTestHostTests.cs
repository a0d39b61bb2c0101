using System.Text.Json;
using TypedSocketIO.Server;
using TypedSocketIO.TestHost;

namespace TypedSocketIO.Typed.Tests;

/// <summary>
/// The in-memory test host (package TypedSocketIO.TestHost): typed clients against a server from DI, with the real parser
/// in between, so acknowledgements, binary attachments, refusals, broadcasts and bad input behave as on the wire.
/// </summary>
public sealed class InMemoryTestHostTests
{
    [Fact]
    public async Task TypedEmits_AcksAndBinary_TravelAsTheWireCarriesThem()
    {
        await using var host = SocketIOTestHost.Create();
        host.Map<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket =>
        {
            socket.On.Add((a, b) => new Sum(a + b));
            socket.On.Reverse(data => data.Reverse().ToArray());
            socket.On.Hello(name => socket.Emit.Data(new Item(name, 1), [7, 8, 9]));
        }));
        await using var client = await host.ConnectAsync<ITestClient, ITestServer>();
        var data = new TaskCompletionSource<(Item, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On.Data((item, payload) => data.TrySetResult((item, payload)));

        Assert.Equal(new Sum(5), await client.Emit.Add(2, 3));
        Assert.Equal(new byte[] { 3, 2, 1 }, await client.Emit.Reverse([1, 2, 3]));
        Assert.True(client.Emit.Hello("ada"));

        (Item item, byte[] payload) = await data.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((new Item("ada", 1), new byte[] { 7, 8, 9 }), (item, payload), new ItemAndBytesComparer());
        SocketIOTestEvent sent = await client.WaitForEventAsync("data");
        Assert.Equal("51-[\"data\",{\"name\":\"ada\",\"count\":1},{\"_placeholder\":true,\"num\":0}]", sent.Text);
        Assert.Equal(new byte[] { 7, 8, 9 }, Assert.Single(sent.Attachments).ToArray());
    }

    [Fact]
    public async Task ARefusedConnect_IsTheServersConnectError()
    {
        await using var host = SocketIOTestHost.Create();
        host.Map<ITestServer, ITestClient>("/admin", ns => ns.Use((socket, _) =>
            socket.Handshake.Auth.ValueKind == JsonValueKind.Object && socket.Handshake.Auth.TryGetProperty("token", out JsonElement token) && token.GetString() == "s3cret"
                ? ValueTask.CompletedTask
                : throw new SocketIOConnectionRejectedException("not authorized")));

        var refused = await Assert.ThrowsAsync<SocketIOTestConnectException>(() => host.ConnectAsync<ITestClient, ITestServer>("/admin"));
        Assert.Equal(("/admin", "not authorized"), (refused.Namespace, refused.ServerMessage));

        using JsonDocument auth = JsonDocument.Parse("{\"token\":\"s3cret\"}");
        await using var admitted = await host.ConnectAsync<ITestClient, ITestServer>("/admin", o => o.Auth = auth.RootElement.Clone());
        Assert.True(admitted.IsConnected);
        Assert.Equal("s3cret", admitted.ServerSocket.Handshake.Auth.GetProperty("token").GetString());

        var unknown = await Assert.ThrowsAsync<SocketIOTestConnectException>(() => host.ConnectAsync("/nowhere"));
        Assert.Equal("Invalid namespace", unknown.ServerMessage);
    }

    [Fact]
    public async Task RoomsAndTypedBroadcastAcks_OneEntryPerClient()
    {
        await using var host = SocketIOTestHost.Create();
        SocketIONamespace<ITestServer, ITestClient> ns = host.Map<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.Join("voters")));
        await using var yes = await host.ConnectAsync<ITestClient, ITestServer>();
        await using var no = await host.ConnectAsync<ITestClient, ITestServer>();
        await using var outsider = await host.ConnectAsync<ITestClient, ITestServer>();
        outsider.ServerSocket.Leave("voters");
        yes.On.Confirm(_ => true);
        no.On.Confirm(async _ =>
        {
            await Task.Yield();
            return false;
        });

        Assert.Contains("voters", yes.Rooms);
        Assert.DoesNotContain("voters", outsider.Rooms);
        IReadOnlyList<AckResult<bool>> votes = await ns.To("voters").Timeout(TimeSpan.FromSeconds(10)).Emit.Confirm("ok?");

        Assert.Equal(
            new[] { (yes.Id, true), (no.Id, false) }.OrderBy(v => v.Id, StringComparer.Ordinal),
            votes.Select(v => (Id: v.SocketId!, v.Value)).OrderBy(v => v.Id, StringComparer.Ordinal));
        Assert.Empty(outsider.Received);
    }

    [Fact]
    public async Task BadInput_ClosesOnlyThatConnection_WithTheProtocolsReason()
    {
        await using var host = SocketIOTestHost.Create();
        host.Map<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.On.Add((a, b) => new Sum(a + b))));
        await using var healthy = await host.ConnectAsync<ITestClient, ITestServer>();
        await using var hostile = await host.ConnectAsync();

        Assert.True(hostile.SendRaw("2[\"add\",{"));
        Assert.Equal("transport close", await hostile.Disconnected.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(hostile.IsConnected);
        Assert.Equal(new Sum(3), await healthy.Emit.Add(1, 2));
        Assert.Equal(1, host.IO.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task ServerSideDisconnect_IsSeenByTheClient()
    {
        await using var host = SocketIOTestHost.Create();
        host.Map<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.On.Hello(_ => socket.Disconnect())));
        await using var client = await host.ConnectAsync<ITestClient, ITestServer>();

        client.Emit.Hello("bye");
        Assert.Equal("io server disconnect", await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(client.Emit.Hello("again"));
    }

    private sealed class ItemAndBytesComparer : IEqualityComparer<(Item Item, byte[] Bytes)>
    {
        public bool Equals((Item Item, byte[] Bytes) x, (Item Item, byte[] Bytes) y) => x.Item == y.Item && x.Bytes.SequenceEqual(y.Bytes);

        public int GetHashCode((Item Item, byte[] Bytes) obj) => obj.Item.GetHashCode();
    }
}
