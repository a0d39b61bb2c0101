using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TypedSocketIO.Aot.Tests;

/// <summary>
/// Publishes samples/AotServer with NativeAOT once for the test class, into a temporary folder, with its own artifacts path
/// (no bin/obj of the work tree is read or written, so the native compilation always runs and always prints its warnings).
/// The SDK brings the ILCompiler package itself. The publish runs at a low CPU priority, so that the timing-sensitive tests
/// of other assemblies running beside it keep their cores.
/// </summary>
public sealed partial class AotPublish : IDisposable
{
    /// <summary>Generous for a clean build and a native compilation on two cores, but finite.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(12);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "tsio-aot-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<Task<PublishResult>> _result;

    public AotPublish()
    {
        Directory.CreateDirectory(_work);
        _result = new Lazy<Task<PublishResult>>(PublishAsync);
    }

    /// <summary>The repository root (the folder of TypedSocketIO.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The publish, run on first use.</summary>
    public Task<PublishResult> Result => _result.Value;

    /// <summary>The native binary, once the publish succeeded; fails with the publish output otherwise.</summary>
    public async Task<string> GetBinaryAsync()
    {
        PublishResult result = await Result;
        Assert.True(result.ExitCode == 0 && File.Exists(result.Binary), $"the NativeAOT publish failed:\n{result.Describe()}");
        return result.Binary;
    }

    private async Task<PublishResult> PublishAsync()
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        string output = Path.Combine(_work, "publish");
        string project = Path.Combine(RepoRoot, "samples", "AotServer", "AotServer.csproj");
        string[] arguments =
        [
            "publish", project, "-c", "Release", "-r", rid, "-o", output,
            "--artifacts-path", Path.Combine(_work, "artifacts"), "--disable-build-servers", "-nologo",
        ];
        string nice = File.Exists("/usr/bin/nice") ? "/usr/bin/nice" : File.Exists("/bin/nice") ? "/bin/nice" : "";
        var start = new ProcessStartInfo(nice.Length > 0 ? nice : "dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (nice.Length > 0)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add("15");
            start.ArgumentList.Add("dotnet");
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Variables the test host's own MSBuild may have left must not steer the child build.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        var text = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (text) { text.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (text) { text.AppendLine(e.Data); } } };
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = false;
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        if (process.HasExited)
        {
            process.WaitForExit(); // drains the redirected streams
        }

        string all;
        lock (text)
        {
            all = text.ToString();
        }

        string commandLine = "dotnet " + string.Join(' ', arguments);
        return new PublishResult(commandLine, timedOut ? -1 : process.ExitCode, timedOut, watch.Elapsed, all, Path.Combine(output, "AotServer"));
    }

    private static string FindRepoRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "TypedSocketIO.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("TypedSocketIO.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The outcome of one <c>dotnet publish</c>.</summary>
public sealed partial record PublishResult(string CommandLine, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output, string Binary)
{
    /// <summary>Every distinct diagnostic line of the output that is a warning (IL2xxx, IL3xxx, CSxxxx, NETSDKxxxx, …) or an error.</summary>
    public IReadOnlyList<string> Diagnostics =>
        Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => DiagnosticLine().IsMatch(line))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public string Describe() =>
        $"{CommandLine}\n{(TimedOut ? $"killed after {AotPublish.Timeout}" : $"exited with {ExitCode}")} after {Elapsed.TotalSeconds:0} s\n--- output ---\n{Output}";

    // "file(1,2): warning IL2026: …", "ILC : AOT analysis warning IL3050: …", "x.csproj : warning : …" and their error forms.
    [GeneratedRegex(@"\b(warning|error)(\s+[A-Z]+[0-9]+)?\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex DiagnosticLine();
}
