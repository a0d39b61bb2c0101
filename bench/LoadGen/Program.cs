// The load generator of bench/run.sh. It speaks Engine.IO v4 / Socket.IO v5 itself (WsConnection, EioSocket, PollingClient)
// to a server on 127.0.0.1 and appends the figures of one scenario as one JSON line to a results file:
//
//   LoadGen run --scenario acks|fanout|cluster-fanout|idle|polling|binary --url http://127.0.0.1:PORT --server-pid PID
//               --server NAME --results FILE [--warmup s] [--duration s] [--clients N] [--connections N] …
//   LoadGen report --results FILE --out RESULTS.md [--command "…"] [--dotnet-version v] [--node-version v]
//
// Every loop is bounded in count and time; the whole run is bounded by --timeout (seconds).
using System.Globalization;
using System.Text.Json;
using LoadGen;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: LoadGen run --scenario … | LoadGen report …  (see Program.cs)");
    return 2;
}

var options = new Options(args[1..]);
switch (args[0])
{
    case "run":
        return await RunAsync(options);
    case "report":
        Report.Write(options);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}

static async Task<int> RunAsync(Options options)
{
    string scenario = options.Require("scenario");
    var result = new ScenarioResult
    {
        Server = options.Require("server"),
        Scenario = options.Get("label") ?? scenario,
        LoadAverageBefore = ProcFs.LoadAverage(),
    };
    if (options.Get("note") is { } note)
    {
        result.Notes.Add(note);
    }

    double bound = options.Double("timeout", options.Warmup + options.Duration + 120);
    using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(bound));
    try
    {
        switch (scenario)
        {
            case "acks":
                await new AcksScenario(options, binary: false).RunAsync(result, cancellation.Token);
                break;
            case "binary":
                await new AcksScenario(options, binary: true).RunAsync(result, cancellation.Token);
                break;
            case "fanout":
            case "cluster-fanout":
                await new FanoutScenario(options).RunAsync(result, cancellation.Token);
                break;
            case "idle":
                await new IdleScenario(options).RunAsync(result, cancellation.Token);
                break;
            case "polling":
                await new PollingScenario(options).RunAsync(result, cancellation.Token);
                break;
            default:
                throw new ArgumentException($"unknown scenario '{scenario}'");
        }
    }
    catch (Exception e) when (e is not ArgumentException)
    {
        result.Error = cancellation.IsCancellationRequested ? $"did not finish within {bound:0} s ({e.GetType().Name}: {e.Message})" : $"{e.GetType().Name}: {e.Message}";
    }

    result.LoadAverageAfter = ProcFs.LoadAverage();
    string line = JsonSerializer.Serialize(result, ResultJsonContext.Default.ScenarioResult);
    if (options.Get("results") is { } file)
    {
        await File.AppendAllTextAsync(file, line + "\n");
    }

    Console.WriteLine($"{result.Server} / {result.Scenario}: " + (result.Error ?? string.Join(", ",
        result.Figures.Select(f => $"{f.Name} {f.Value.ToString("0.##", CultureInfo.InvariantCulture)}"))) +
        (result.Notes.Count > 0 ? " [" + string.Join("; ", result.Notes) + "]" : "") + $" (load {result.LoadAverageBefore})");
    return result.Error is null ? 0 : 1;
}
