using Xunit.Abstractions;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// The hostile-input corpus against our server, one oracle for every case: the case's outcome (how the offending session
/// was closed, with the server's disconnect reason, or how its request was refused) is the one expected; a healthy WebSocket
/// client and a healthy polling client keep round-tripping events throughout; afterwards the server's counters (sessions,
/// connections, sockets, rooms, pending acks, half-built binary packets, namespaces, heartbeat timers) are back at their
/// baseline; no exception escaped (unobserved or unhandled) and nothing was logged at Error or Critical.
/// </summary>
public sealed class HostileCorpusTests(OurServerFixture fixture, ITestOutputHelper output) : IClassFixture<OurServerFixture>
{
    public static TheoryData<string, string> Cases() => Corpus.Rows(differentialOnly: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case(string id, string transport) => CorpusOracle.OursAsync(Corpus.Get(id), transport, fixture, output);

    [Fact]
    public void Corpus_has_at_least_100_named_cases_with_unique_ids()
    {
        HostileCase[] all = [.. Corpus.All, .. Corpus.TimerCases];
        Assert.True(all.Length >= 100, $"{all.Length} cases");
        Assert.Equal(all.Length, all.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }
}

/// <summary>
/// The same corpus replayed against the official socket.io 4.8.4: each case's outcome there is the one recorded for Node
/// (ours unless the case says why not: stricter on purpose, or Node crashes).
/// </summary>
public sealed class NodeDifferentialTests(NodeServerFixture fixture, ITestOutputHelper output) : IClassFixture<NodeServerFixture>
{
    public static TheoryData<string, string> Cases() => Corpus.Rows(differentialOnly: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case(string id, string transport) => CorpusOracle.NodeAsync(Corpus.Get(id), transport, fixture, output);

    [Fact]
    public void Every_difference_from_node_says_why()
    {
        foreach (HostileCase hostile in Corpus.All.Concat(Corpus.TimerCases).Where(c => c.NodeExpected is not null || c.NodeExpectedPolling is not null))
        {
            Assert.True(hostile.Difference != NodeDifference.None && !string.IsNullOrWhiteSpace(hostile.Why), hostile.Id);
        }
    }
}
