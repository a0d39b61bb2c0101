using TypedSocketIO.Server;
using Xunit.Abstractions;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// Our server with short timers (pingInterval 1 s, pingTimeout 1.5 s, upgradeTimeout 1 s, connectTimeout 1 s; Node started alike),
/// for the cases where the server must act on silence: half-open peers, clients that vanish or never connect, upgrades never
/// finished.
/// </summary>
public sealed class ShortTimeoutServerFixture : OurServerFixture
{
    protected override void Configure(SocketIOServerOptions options)
    {
        options.EngineIO.PingInterval = TimeSpan.FromMilliseconds(1000);
        options.EngineIO.PingTimeout = TimeSpan.FromMilliseconds(1500);
        options.EngineIO.UpgradeTimeout = TimeSpan.FromMilliseconds(1000);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
    }
}

/// <summary>The official server with the same short timers (hostile-server.mjs <c>short</c>).</summary>
public sealed class ShortTimeoutNodeFixture : NodeServerFixture
{
    protected override IEnumerable<string> Arguments => ["0", "short"];
}

/// <summary>The timer cases of the corpus against our server, with the one oracle of <see cref="CorpusOracle"/>.</summary>
public sealed class ShortTimeoutCorpusTests(ShortTimeoutServerFixture fixture, ITestOutputHelper output) : IClassFixture<ShortTimeoutServerFixture>
{
    public static TheoryData<string, string> Cases() => Corpus.Rows(Corpus.TimerCases, differentialOnly: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case(string id, string transport) => CorpusOracle.OursAsync(Corpus.GetTimerCase(id), transport, fixture, output);
}

/// <summary>The timer cases replayed against the official server.</summary>
public sealed class ShortTimeoutNodeDifferentialTests(ShortTimeoutNodeFixture fixture, ITestOutputHelper output) : IClassFixture<ShortTimeoutNodeFixture>
{
    public static TheoryData<string, string> Cases() => Corpus.Rows(Corpus.TimerCases, differentialOnly: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case(string id, string transport) => CorpusOracle.NodeAsync(Corpus.GetTimerCase(id), transport, fixture, output);
}
