using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// Emits racing a client's disconnections and reconnections with connection state recovery (shared by the in-memory and the Redis
/// adapters' tests). Three threads broadcast without pause — to the namespace, to a room the observer is in, to a room it is not
/// in — while the observer reads a few packets, loses its connection and comes back with its pid and the offset of the last
/// packet it read, over and over. Pass condition: every packet meant for the observer arrives exactly once and in emission
/// order, the offsets strictly increase, and none meant for others arrives.
/// </summary>
internal static partial class RecoveryRace
{
    /// <summary>How far an emitter may run ahead of what the observer has read (keeps the recovery buffer far from its caps).</summary>
    private const int Ahead = 64;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Runs the race on <paramref name="fixture"/>'s server, the emits made on <paramref name="emitter"/> (by default the same server).</summary>
    public static async Task RunAsync(ServerFixture fixture, int rounds, int seed, SocketIOServer? emitter = null)
    {
        SocketIOServer io = emitter ?? fixture.Server;
        fixture.Server.OnConnection(s =>
        {
            if (!s.Recovered)
            {
                s.Join("r");
            }
        });
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");
        Match answer = ConnectAnswer().Match(await client.ReceiveAsync().WaitAsync(Patience));
        Assert.True(answer.Success);
        string sid = answer.Groups[1].Value, pid = answer.Groups[2].Value;

        var state = new ObserverState();
        using var stop = new CancellationTokenSource();
        Task<int> a = StartEmitter(() => state.SeenA, i => io.Emit("a", i), stop.Token);
        Task<int> b = StartEmitter(() => state.SeenB, i => io.To("r").Emit("b", i), stop.Token);
        Task<int> c = StartEmitter(() => state.SeenA, i => io.To("other").Emit("c", i), stop.Token);

        var random = new Random(seed);
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                int reads = round == 0 ? 1 : random.Next(0, 40);
                for (int i = 0; i < reads; i++)
                {
                    state.Observe(await client.ReceiveAsync().WaitAsync(Patience));
                }

                await client.CloseFromEngineAsync("transport close");
                client = fixture.CreateClient();
                await client.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{state.LastOffset}\"}}");
                Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await client.ReceiveAsync().WaitAsync(Patience));
            }
        }
        finally
        {
            stop.Cancel();
        }

        int lastA = await a - 1, lastB = await b - 1;
        await c;
        while (state.SeenA < lastA || state.SeenB < lastB)
        {
            state.Observe(await client.ReceiveAsync().WaitAsync(Patience));
        }

        Assert.Equal(lastA, state.SeenA);
        Assert.Equal(lastB, state.SeenB);
        Assert.True(client.HasNothingToReceive());
    }

    /// <summary>Emits 0, 1, 2, … on its own thread until stopped, never more than <see cref="Ahead"/> past what was seen; returns how many.</summary>
    private static Task<int> StartEmitter(Func<int> seen, Action<int> emit, CancellationToken stop) =>
        Task.Factory.StartNew(
            () =>
            {
                int next = 0;
                var wait = default(SpinWait);
                while (!stop.IsCancellationRequested)
                {
                    if (next - seen() > Ahead)
                    {
                        wait.SpinOnce();
                        continue;
                    }

                    wait.Reset();
                    emit(next++);
                }

                return next;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    [GeneratedRegex("^40\\{\"sid\":\"([A-Za-z0-9_-]{20})\",\"pid\":\"([A-Za-z0-9_-]{20})\"\\}$")]
    private static partial Regex ConnectAnswer();

    private sealed class ObserverState
    {
        private int _seenA = -1;
        private int _seenB = -1;
        private (string Prefix, ulong Major, ulong Minor)? _last;

        public int SeenA => Volatile.Read(ref _seenA);

        public int SeenB => Volatile.Read(ref _seenB);

        public string LastOffset { get; private set; } = "";

        /// <summary>Checks one packet: the next value of its emitter, and an offset after the last one.</summary>
        public void Observe(string packet)
        {
            Assert.StartsWith("42[", packet, StringComparison.Ordinal);
            JsonArray array = JsonNode.Parse(packet[2..])!.AsArray();
            Assert.Equal(3, array.Count);
            string name = array[0]!.GetValue<string>();
            int value = array[1]!.GetValue<int>();
            string offset = array[2]!.GetValue<string>();
            switch (name)
            {
                case "a":
                    Assert.True(value == _seenA + 1, $"a {value} after a {_seenA} ({packet})");
                    Volatile.Write(ref _seenA, value);
                    break;
                case "b":
                    Assert.True(value == _seenB + 1, $"b {value} after b {_seenB} ({packet})");
                    Volatile.Write(ref _seenB, value);
                    break;
                default:
                    Assert.Fail("a packet for another room reached the observer: " + packet);
                    break;
            }

            (string Prefix, ulong Major, ulong Minor) parsed = Parse(offset);
            if (_last is { } last)
            {
                Assert.True(
                    parsed.Prefix == last.Prefix && (parsed.Major, parsed.Minor).CompareTo((last.Major, last.Minor)) > 0,
                    $"offset {offset} after {LastOffset}");
            }

            _last = parsed;
            LastOffset = offset;
        }

        /// <summary>A Redis stream id <c>ms-seq</c>, or the in-memory adapter's <c>epoch-seq</c> (its epoch is base64url, so it may hold '-').</summary>
        private static (string Prefix, ulong Major, ulong Minor) Parse(string offset)
        {
            int dash = offset.LastIndexOf('-');
            Assert.True(dash > 0, offset);
            ulong minor = ulong.Parse(offset.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            string head = offset[..dash];
            return ulong.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out ulong major) ? ("", major, minor) : (head, 0, minor);
        }
    }
}
