using TypedSocketIO.Soak;
using Xunit.Abstractions;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// The 60-second variant of the soak run (tests/soak/README.md): 200 official clients (10% on polling only) with churn,
/// an acknowledged emit each per second and a 1 KB broadcast to all each second, then half-open peers. It judges what does
/// not depend on the machine's speed: no unexpected disconnect, every acknowledgement answered, every broadcast received in
/// order, the server's counters back to zero, half-open peers closed for ping timeout; the timings and the heap's growth
/// are printed (the full run judges them).
/// </summary>
public sealed class SoakSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_minute_of_official_clients_with_churn_acks_and_broadcasts_leaves_nothing_behind()
    {
        using var log = new StringWriter();
        SoakResult result = await SoakRun.RunAsync(SoakOptions.SmokeRun, log);
        output.WriteLine(log.ToString());
        Assert.True(result.Passed, log.ToString());
    }
}
