using System.Text;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// Every malformed or hostile input closes that one connection with <c>parse error</c>, is logged once, and leaves a
/// second, healthy client exchanging events (RELIABILITY-ADVISORIES).
/// </summary>
public sealed class BadInputTests
{
    public static TheoryData<string> HostileMessages => new()
    {
        "42[",                                                   // invalid JSON
        "49[\"x\"]",                                             // unknown packet type
        "4",                                                     // empty packet
        "42{\"a\":1}",                                           // event payload not an array
        "42[]",                                                  // empty event (python-socketio 1b901de)
        "42[{\"toString\":\"foo\"}]",                            // event name not a string (CVE-2023-32695)
        "42[true]",                                              // event name neither a string nor a number
        "42[\"disconnect\"]",                                    // reserved event name
        "42[\"connect\"]",
        "4399999999999999999[]",                                 // ack id beyond 2^53-1
        "4211111111111111111111111[\"x\"]",                      // huge ack id
        "451-[\"x\",{\"_placeholder\":true,\"num\":\"splice\"}]", // placeholder index not an integer (CVE-2022-2421)
        "451-[\"x\",{\"_placeholder\":true,\"num\":1}]",         // placeholder index out of range
        "4511-[\"x\"]",                                          // more attachments than allowed (CVE-2026-33151)
        "4599999999999-[\"x\"]",                                 // absurd attachment count (netty-socketio #945)
        "42/chat,[\"x\"]",                                       // namespace not joined
        "43/chat,1[]",                                           // ack for a namespace not joined
        "41/chat,",                                              // disconnect from a namespace not joined
        "44{\"message\":\"x\"}",                                 // CONNECT_ERROR is server-only
        "40\"str\"",                                             // CONNECT payload not an object
        "42[\"x\"," + new string('[', 200) + new string(']', 200) + "]", // JSON too deep (CVE-2026-45591)
    };

    [Theory]
    [MemberData(nameof(HostileMessages))]
    public async Task HostileMessage_ClosesOnlyThatConnection_LoggedOnce(string message)
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        var (healthy, healthySocket) = await fixture.ConnectAsync();
        healthySocket.On("echo", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetString());
            return ValueTask.CompletedTask;
        });
        var (bad, badSocket) = await fixture.ConnectAsync();

        await bad.SendAsync(message);

        Assert.False(bad.IsOpen);
        Assert.Equal("parse error", (await bad.Transport.CloseReason).Reason);
        Assert.Equal("parse error", badSocket.DisconnectReason);
        Assert.Equal(1, fixture.Logs.Count("ProtocolError"));
        Assert.Equal(1, fixture.Server.Diagnostics.ProtocolErrorCount);

        await healthy.SendAsync("421[\"echo\",\"still alive\"]");
        Assert.Equal("431[\"still alive\"]", await healthy.ReceiveAsync());
        Assert.Equal(1, fixture.Server.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task BinaryFrameWithoutPendingPacket_ClosesTheConnection()
    {
        using var fixture = new ServerFixture();
        var (bad, _) = await fixture.ConnectAsync();

        await bad.SendBinaryAsync([1, 2, 3]);

        Assert.Equal("parse error", (await bad.Transport.CloseReason).Reason);
    }

    [Fact]
    public async Task TextFrameWhileAttachmentsAreExpected_ClosesTheConnection()
    {
        using var fixture = new ServerFixture();
        var (bad, _) = await fixture.ConnectAsync();

        await bad.SendAsync("451-[\"x\",{\"_placeholder\":true,\"num\":0}]");
        await bad.SendAsync("42[\"y\"]");

        Assert.Equal("parse error", (await bad.Transport.CloseReason).Reason);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingBinaryPacketCount);
    }

    [Fact]
    public async Task HalfReceivedBinaryPacket_IsFreedWhenTheConnectionCloses()
    {
        using var fixture = new ServerFixture();
        var (client, _) = await fixture.ConnectAsync();
        await client.SendAsync("452-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await client.SendBinaryAsync([1]);
        Assert.Equal(1, fixture.Server.Diagnostics.PendingBinaryPacketCount);

        await client.CloseFromEngineAsync("transport close");

        Assert.Equal(0, fixture.Server.Diagnostics.PendingBinaryPacketCount);
        Assert.Equal(0, fixture.Server.Diagnostics.ConnectionCount);
    }

    [Fact]
    public async Task EventBeforeConnect_ClosesTheConnection()
    {
        using var fixture = new ServerFixture();
        TestClient client = fixture.CreateClient();

        await client.SendAsync("42[\"x\"]");

        Assert.Equal("parse error", (await client.Transport.CloseReason).Reason);
    }

    [Fact]
    public async Task PacketsAfterTheProtocolError_AreIgnored()
    {
        using var fixture = new ServerFixture();
        int calls = 0;
        fixture.Server.OnConnection(s => s.On("x", _ => calls++));
        var (client, _) = await fixture.ConnectAsync();

        await client.SendAsync("4garbage");
        await client.Connection.OnTextAsync(Encoding.UTF8.GetBytes("2[\"x\"]"));

        Assert.Equal(0, calls);
        Assert.Equal(1, fixture.Logs.Count("ProtocolError"));
    }

    [Fact]
    public async Task ProtocolErrorLog_DoesNotContainTheEngineIOSessionId()
    {
        using var fixture = new ServerFixture();
        var (client, _) = await fixture.ConnectAsync();

        await client.SendAsync("4garbage");

        Assert.All(fixture.Logs.Entries, e => Assert.DoesNotContain(client.Transport.Id, e.Message, StringComparison.Ordinal));
    }
}
