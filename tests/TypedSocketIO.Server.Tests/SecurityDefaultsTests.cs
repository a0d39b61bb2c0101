using System.Buffers.Text;
using System.Text.RegularExpressions;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// The Socket.IO server's security defaults, one test each: socket ids and recovery pids of 120 bits from a CSPRNG; no exception
/// text reaches the client (a handler that throws, acknowledged or not, synchronously or not; a connection handler that throws);
/// a socket refused by a middleware never exists for the namespace. (A middleware that throws is
/// <see cref="MiddlewareTests.Middleware_UnexpectedException_IsNotLeakedToTheClient"/>; the Engine.IO defaults are in
/// TypedSocketIO.EngineIO.Tests' SecurityDefaultsTests.)
/// </summary>
public sealed partial class SecurityDefaultsTests
{
    private const string Secret = "Password=hunter2";

    [Fact]
    public void SocketIdsAndPids_Are120BitsFromACsprng()
    {
        // The generator of both (a recovery pid is made by the same call): 20 base64url characters = 15 random bytes, every
        // bit a fair coin (6 sigma: a false alarm once in ~10^7 runs).
        const int Count = 4096;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int[] ones = new int[120];
        for (int i = 0; i < Count; i++)
        {
            string id = SocketIOClientConnection.CreateSocketId();
            Assert.True(ids.Add(id), "an id repeated: " + id);
            byte[] bytes = Base64Url.DecodeFromChars(id);
            Assert.Equal(15, bytes.Length);
            for (int bit = 0; bit < 120; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }

        double sigma = Math.Sqrt(Count) / 2;
        for (int bit = 0; bit < 120; bit++)
        {
            Assert.InRange(ones[bit], (Count / 2) - (6 * sigma), (Count / 2) + (6 * sigma));
        }
    }

    [Fact]
    public async Task TheIdsAClientGets_AreThoseIds()
    {
        using var fixture = new ServerFixture(o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions());
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");
        Match answer = SidAndPid().Match(await client.ReceiveAsync());

        Assert.True(answer.Success);
        Assert.Equal(15, Base64Url.DecodeFromChars(answer.Groups[1].Value).Length);
        Assert.Equal(15, Base64Url.DecodeFromChars(answer.Groups[2].Value).Length);
        Assert.NotEqual(answer.Groups[1].Value, answer.Groups[2].Value);
    }

    [Fact]
    public async Task AHandlerThatThrows_SendsNoExceptionText_AckedOrNot_SyncOrAsync()
    {
        using var fixture = new ServerFixture();
        fixture.Server.OnConnection(socket =>
        {
            socket.On("sync", _ => throw new InvalidOperationException(Secret));
            socket.On("async", async (_, _) =>
            {
                await Task.Yield();
                throw new InvalidOperationException(Secret);
            });
            socket.On("ping", (_, ack) =>
            {
                ack.Send("pong");
                return ValueTask.CompletedTask;
            });
        });
        var (client, _) = await fixture.ConnectAsync();

        await client.SendAsync("42[\"sync\"]");
        await client.SendAsync("421[\"sync\"]");
        await client.SendAsync("422[\"async\"]");
        await client.SendAsync("42[\"async\"]");
        await WaitForAsync(() => fixture.Logs.Count("HandlerFailed") == 4);

        // The next answer is the ping's: nothing was sent for the four failures, so no text of theirs.
        await client.SendAsync("423[\"ping\"]");
        Assert.Equal("433[\"pong\"]", await client.ReceiveAsync());
        Assert.True(client.HasNothingToReceive());
        Assert.True(client.IsOpen);
        Assert.DoesNotContain(client.Transport.SentPackets, p => System.Text.Encoding.UTF8.GetString(p.Text.Span).Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConnectionHandlerThatThrows_SendsNoExceptionText()
    {
        using var fixture = new ServerFixture();
        fixture.Server.OnConnection(_ => throw new InvalidOperationException(Secret));
        fixture.Server.OnConnection(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException(Secret);
        });
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.StartsWith("40{\"sid\":", await client.ReceiveAsync(), StringComparison.Ordinal);
        await WaitForAsync(() => fixture.Logs.Count("HandlerFailed") == 2);
        Assert.True(client.HasNothingToReceive());
        Assert.DoesNotContain(client.Transport.SentPackets, p => System.Text.Encoding.UTF8.GetString(p.Text.Span).Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASocketRefusedByAMiddleware_NeverExistsForTheNamespace()
    {
        using var fixture = new ServerFixture();
        var seen = new List<(int Sockets, int Rooms, bool Connected)>();
        int connections = 0, disconnects = 0;
        fixture.Server.Use((socket, _) =>
        {
            seen.Add((fixture.Server.Diagnostics.SocketCount, fixture.Server.Diagnostics.RoomCount, socket.Connected));
            socket.Disconnected += (_, _) => disconnects++;
            throw new SocketIOConnectionRejectedException("not you");
        });
        fixture.Server.OnConnection(_ => connections++);
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.Equal("44{\"message\":\"not you\"}", await client.ReceiveAsync());
        Assert.Equal([(0, 0, false)], seen);
        Assert.Equal(0, fixture.Server.Diagnostics.SocketCount);
        Assert.Equal(0, fixture.Server.Diagnostics.RoomCount);
        Assert.Equal(0, connections);
        Assert.Equal(0, disconnects);
        Assert.Empty(fixture.Server.MainNamespace.Sockets);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    [GeneratedRegex("^40\\{\"sid\":\"([A-Za-z0-9_-]{20})\",\"pid\":\"([A-Za-z0-9_-]{20})\"\\}$")]
    private static partial Regex SidAndPid();
}
