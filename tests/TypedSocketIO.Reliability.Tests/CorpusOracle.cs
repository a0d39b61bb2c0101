using Xunit.Abstractions;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>The one oracle of the corpus (ours), and the differential's assertion (Node), shared by every test class.</summary>
public static class CorpusOracle
{
    /// <summary>
    /// Plays a case against our server: the outcome is the one expected; the healthy clients round-trip throughout; afterwards
    /// the counters are back where they were; no exception escaped; nothing was logged at Error or Critical.
    /// </summary>
    public static async Task OursAsync(HostileCase hostile, string transport, OurServerFixture fixture, ITestOutputHelper output)
    {
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

        IReadOnlyList<string> escaped = ExceptionWatch.Drain();
        Assert.True(escaped.Count == 0, "escaped:\n" + string.Join("\n\n", escaped));
        string[] crashes = [.. fixture.Server.Host.Logs.Lines.Skip(logMark).Where(IsCrashKind)];
        Assert.True(crashes.Length == 0, "logged as a crash:\n" + string.Join('\n', crashes));
    }

    /// <summary>Plays a case against the official server: its outcome is the one recorded for Node.</summary>
    public static async Task NodeAsync(HostileCase hostile, string transport, NodeServerFixture fixture, ITestOutputHelper output)
    {
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

    /// <summary>"HH:mm:ss.fff Level Category: message" at Error or Critical.</summary>
    private static bool IsCrashKind(string line)
    {
        string[] parts = line.Split(' ', 3);
        return parts.Length == 3 && parts[1] is "Error" or "Critical";
    }
}
