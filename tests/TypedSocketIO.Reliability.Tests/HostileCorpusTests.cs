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
    public async Task Case(string id, string transport)
    {
        HostileCase hostile = Corpus.Get(id);
        Assert.Null(fixture.HealthyFailure);

        // Each case is judged against the counts before it: at the baseline, unless an earlier case failed to clean up (that
        // case failed; this one is not blamed for it).
        ServerCounts before = await fixture.WaitForBaselineAsync(seconds: fixture.LastCaseClean ? 10 : 1);
        int logMark = fixture.Server.Host.Logs.Lines.Count;
        ExceptionWatch.Drain();
        int roundTripsBefore = fixture.RoundTrips;

        string outcome = await CaseRunner.RunAsync(hostile, transport, fixture);
        output.WriteLine($"outcome: {outcome}");
        Assert.Equal(hostile.OursFor(transport), outcome);

        ServerCounts expected = before == fixture.Baseline ? fixture.Baseline : before;
        ServerCounts after = await fixture.WaitForCountsAsync(expected);
        fixture.LastCaseClean = after == fixture.Baseline;
        Assert.True(after == expected, $"left behind: {after}\nexpected:    {expected}\nbaseline:    {fixture.Baseline}\n{fixture.Server.Host.Logs.Tail(20)}");

        // The healthy clients went on round-tripping throughout, and still do.
        await fixture.RoundTripAsync();
        Assert.Null(fixture.HealthyFailure);
        output.WriteLine($"healthy round trips during the case: {fixture.RoundTrips - roundTripsBefore}");
        Assert.True(fixture.RoundTrips > roundTripsBefore, "the healthy clients made no round trip during the case");

        Assert.Empty(ExceptionWatch.Drain());
        string[] crashes = [.. fixture.Server.Host.Logs.Lines.Skip(logMark).Where(IsCrashKind)];
        Assert.True(crashes.Length == 0, "logged as a crash:\n" + string.Join('\n', crashes));
    }

    [Fact]
    public void Corpus_has_at_least_100_named_cases_with_unique_ids()
    {
        Assert.True(Corpus.All.Count >= 100, $"{Corpus.All.Count} cases");
        Assert.Equal(Corpus.All.Count, Corpus.All.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>"HH:mm:ss.fff Level Category: message" at Error or Critical.</summary>
    private static bool IsCrashKind(string line)
    {
        string[] parts = line.Split(' ', 3);
        return parts.Length == 3 && parts[1] is "Error" or "Critical";
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
    public async Task Case(string id, string transport)
    {
        HostileCase hostile = Corpus.Get(id);
        string outcome;
        try
        {
            outcome = await CaseRunner.RunAsync(hostile, transport, fixture);
        }
        catch (Exception e) when (fixture.Node.HasExited)
        {
            outcome = "failed: " + e.Message;
        }

        string stderr = string.Join('\n', fixture.Node.StdErr.TakeLast(5));
        if (!await fixture.SurvivedAsync())
        {
            outcome = "node crashed";
            output.WriteLine("node's last stderr lines:\n" + stderr);
        }

        output.WriteLine($"node: {outcome}\nours: {hostile.OursFor(transport)}\ncounts after: {fixture.LastCounts}");
        Assert.Equal(hostile.NodeFor(transport), outcome);
    }

    [Fact]
    public void Every_difference_from_node_says_why()
    {
        foreach (HostileCase hostile in Corpus.All.Where(c => c.NodeExpected is not null || c.NodeExpectedPolling is not null))
        {
            Assert.True(hostile.Difference != NodeDifference.None && !string.IsNullOrWhiteSpace(hostile.Why), hostile.Id);
        }
    }
}
