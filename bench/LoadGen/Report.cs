using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// Turns the results file of one run into bench/RESULTS.md: a header (date, machine, versions, load, command), then per
/// scenario one table with a column per server and, for ours, the ratio to Node's figure measured in the same run.
/// </summary>
internal static class Report
{
    public static void Write(Options options)
    {
        var runs = new List<ScenarioResult>();
        foreach (string line in File.ReadLines(options.Require("results")))
        {
            if (line.Length > 0)
            {
                runs.Add(JsonSerializer.Deserialize(line, ResultJsonContext.Default.ScenarioResult)!);
            }
        }

        // With --rounds N every server ran every scenario N times (interleaved): each figure is the median of its rounds.
        var results = new List<ScenarioResult>();
        var rounds = new Dictionary<(string Scenario, string Server), List<ScenarioResult>>();
        foreach (ScenarioResult run in runs)
        {
            if (!rounds.TryGetValue((run.Scenario, run.Server), out List<ScenarioResult>? list))
            {
                rounds[(run.Scenario, run.Server)] = list = [];
                results.Add(run); // its place in the order; replaced by the median below
            }

            list.Add(run);
        }

        for (int i = 0; i < results.Count; i++)
        {
            results[i] = Median(rounds[(results[i].Scenario, results[i].Server)]);
        }

        int roundCount = rounds.Count == 0 ? 1 : rounds.Values.Max(l => l.Count);

        string baseline = options.Get("baseline") ?? "Node";
        var servers = results.Select(r => r.Server).Distinct().ToList();
        // The baseline first, then ours in the order they ran.
        servers.Sort((a, b) => (b.StartsWith(baseline, StringComparison.Ordinal) ? 1 : 0) - (a.StartsWith(baseline, StringComparison.Ordinal) ? 1 : 0));
        var scenarios = results.Select(r => r.Scenario).Distinct().ToList();

        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Written by `{options.Get("command") ?? "bash bench/run.sh"}` (see [bench/README.md](README.md)). Each figure is");
        md.AppendLine("measured in this run against every server in turn, a fresh server process per scenario; ratios are ours / Node's");
        md.AppendLine("figure from the same run. Server pinned to core 0 (`taskset -c 0`), load generator to core 1.");
        if (roundCount > 1)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Every server ran every scenario {roundCount} times, the servers in turn in each round; each figure is the median of");
            md.AppendLine("its rounds, and the row \"… in each round\" gives every round's value of the scenario's main figure (this machine is shared:");
            md.AppendLine("the same server's figure moves by a third from one minute to the next).");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {options.Get("date") ?? DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: nproc {options.Get("nproc") ?? "?"}, {CpuModel()}, kernel {Kernel()}, {RuntimeInformation.OSArchitecture}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- .NET {options.Get("dotnet-version") ?? RuntimeInformation.FrameworkDescription} (runtime {Environment.Version}), Node {options.Get("node-version") ?? "?"}, socket.io 4.8.4");
        string loadNote = options.Get("load-note") is { } note ? $" — {note}" : "";
        md.AppendLine(CultureInfo.InvariantCulture, $"- load average (1, 5, 15 min): {options.Get("load-before") ?? "?"} at the start, {ProcFs.LoadAverage()} at the end{loadNote}");
        md.AppendLine();

        foreach (string scenario in scenarios)
        {
            var row = results.Where(r => r.Scenario == scenario).ToList();
            var cols = servers.Where(s => row.Exists(r => r.Server == s)).ToList();
            ScenarioResult? node = row.Find(r => r.Server.StartsWith(baseline, StringComparison.Ordinal));
            md.AppendLine(CultureInfo.InvariantCulture, $"## {scenario}");
            md.AppendLine();
            md.AppendLine("| figure | " + string.Join(" | ", cols) + " |");
            md.AppendLine("|---|" + string.Concat(cols.Select(_ => "---|")));
            var names = row.SelectMany(r => r.Figures.Select(f => f.Name)).Distinct().ToList();
            foreach (string name in names)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {name} |");
                foreach (string server in cols)
                {
                    ScenarioResult r = row.Find(x => x.Server == server)!;
                    double? value = r.Get(name);
                    md.Append(' ');
                    if (r.Error is not null)
                    {
                        md.Append("failed");
                    }
                    else if (value is { } v)
                    {
                        md.Append(Format(v));
                        if (node is not null && node != r && node.Error is null && node.Get(name) is { } n && n != 0 && !double.IsNaN(v) && IsRatioFigure(name))
                        {
                            md.Append(CultureInfo.InvariantCulture, $" ({v / n:0.00}x)");
                        }
                    }
                    else
                    {
                        md.Append('–');
                    }

                    md.Append(" |");
                }

                md.AppendLine();
            }

            if (roundCount > 1 && names.Find(n => n.Contains("per server-core-second", StringComparison.Ordinal)) is { } main)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {main} in each round |");
                foreach (string server in cols)
                {
                    md.Append(' ').Append(string.Join(" / ", rounds[(scenario, server)].Select(r => r.Get(main) is { } v ? Format(v) : "–"))).Append(" |");
                }

                md.AppendLine();
            }

            md.Append("| load average before |");
            foreach (string server in cols)
            {
                md.Append(CultureInfo.InvariantCulture, $" {row.Find(x => x.Server == server)!.LoadAverageBefore} |");
            }

            md.AppendLine();
            md.AppendLine();
            foreach (ScenarioResult r in row)
            {
                if (r.Error is not null)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Server}: **failed**: {r.Error}");
                }

                foreach (string n in r.Notes)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Server}: {n}");
                }
            }

            md.AppendLine();
        }

        if (options.Get("append") is { } appendix && File.Exists(appendix))
        {
            md.Append(File.ReadAllText(appendix));
        }

        string text = md.ToString().TrimEnd() + "\n";
        File.WriteAllText(options.Require("out"), text);
        Console.WriteLine(text);
    }

    /// <summary>One result whose every figure is the median of the rounds' (a failed round counts only when all failed).</summary>
    private static ScenarioResult Median(List<ScenarioResult> rounds)
    {
        List<ScenarioResult> ok = rounds.FindAll(r => r.Error is null);
        if (ok.Count == 0)
        {
            return rounds[0];
        }

        ScenarioResult first = ok[0];
        var median = new ScenarioResult
        {
            Server = first.Server,
            Scenario = first.Scenario,
            Started = first.Started,
            LoadAverageBefore = first.LoadAverageBefore,
            LoadAverageAfter = ok[^1].LoadAverageAfter,
        };
        foreach (Figure figure in first.Figures)
        {
            var values = ok.Select(r => r.Get(figure.Name)).Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).Order().ToList();
            median.Add(figure.Name, values.Count == 0 ? double.NaN
                : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2);
        }

        foreach (ScenarioResult r in rounds)
        {
            foreach (string note in r.Notes)
            {
                if (!median.Notes.Contains(note))
                {
                    median.Notes.Add(note);
                }
            }

            if (r.Error is not null)
            {
                median.Notes.Add($"one round failed: {r.Error}");
            }
        }

        return median;
    }

    // The figures that describe the setup, not the server, get no ratio.
    private static bool IsRatioFigure(string name) =>
        !name.StartsWith("load generator", StringComparison.Ordinal) &&
        name is not ("clients" or "connections held" or "receivers" or "window (s)" or "attachment (bytes)" or "outstanding broadcasts");

    private static string Format(double v)
    {
        if (double.IsNaN(v))
        {
            return "n/a";
        }

        double a = Math.Abs(v);
        if (a >= 1000 || (v == Math.Floor(v) && a < 1e15))
        {
            return v.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', ' ');
        }

        string s = a >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : a >= 10 ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("0.00", CultureInfo.InvariantCulture);
        return s;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return "unknown CPU";
    }

    private static string Kernel()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.OSDescription;
        }
    }
}
