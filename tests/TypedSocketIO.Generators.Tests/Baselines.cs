using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Generators.Tests;

/// <summary>
/// Approved-file snapshots of generated source: <c>Baselines/{TestName}/{HintName}.txt</c> (hint names end in
/// <c>.cs</c>, so files read <c>….g.cs.txt</c>). The set of files and each file's text must match; a difference fails
/// the test and writes <c>….received.txt</c> beside the baseline. <c>TSIO_UPDATE_BASELINES=1</c> rewrites the
/// baselines of the tests that run and deletes the stale ones.
/// </summary>
internal static partial class Baselines
{
    private const string Extension = ".txt";
    private const string ReceivedExtension = ".received.txt";

    private static readonly string s_root = typeof(Baselines).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BaselinesDirectory").Value!;

    private static bool Update => Environment.GetEnvironmentVariable("TSIO_UPDATE_BASELINES") == "1";

    public static void Verify(GeneratorRunResult result, [CallerMemberName] string testName = "")
    {
        string directory = Path.Combine(s_root, testName);
        Dictionary<string, string> actual = result.GeneratedSources.ToDictionary(
            s => s.HintName + Extension, s => Normalize(s.SourceText.ToString()), StringComparer.Ordinal);
        Dictionary<string, string> expected = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*" + Extension)
                .Where(f => !f.EndsWith(ReceivedExtension, StringComparison.Ordinal))
                .ToDictionary(f => Path.GetFileName(f), f => Normalize(File.ReadAllText(f)), StringComparer.Ordinal)
            : [];

        if (Directory.Exists(directory))
        {
            foreach (string received in Directory.EnumerateFiles(directory, "*" + ReceivedExtension))
            {
                File.Delete(received);
            }
        }

        if (Update)
        {
            Directory.CreateDirectory(directory);
            foreach (string stale in expected.Keys.Except(actual.Keys))
            {
                File.Delete(Path.Combine(directory, stale));
            }

            foreach ((string name, string text) in actual)
            {
                File.WriteAllText(Path.Combine(directory, name), text, new UTF8Encoding(false));
            }

            return;
        }

        var problems = new List<string>();
        foreach (string missing in expected.Keys.Except(actual.Keys).Order(StringComparer.Ordinal))
        {
            problems.Add($"{missing}: expected, not generated");
        }

        foreach ((string name, string text) in actual.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (expected.TryGetValue(name, out string? baseline) && baseline == text)
            {
                continue;
            }

            Directory.CreateDirectory(directory);
            string receivedPath = Path.Combine(directory, name[..^Extension.Length] + ReceivedExtension);
            File.WriteAllText(receivedPath, text, new UTF8Encoding(false));
            problems.Add(baseline is null
                ? $"{name}: generated, no baseline (see {receivedPath})"
                : $"{name}: differs from its baseline at {FirstDifference(baseline, text)} (see {receivedPath})");
        }

        Assert.True(problems.Count == 0,
            $"Generated source of {testName} does not match Baselines/{testName} (TSIO_UPDATE_BASELINES=1 accepts it):{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems));
    }

    /// <summary>One line ending, and the generator's version replaced, so baselines survive a release.</summary>
    private static string Normalize(string text) =>
        VersionPattern().Replace(text.ReplaceLineEndings("\n"), "GeneratedCodeAttribute(\"TypedSocketIO.Generators\", \"%VERSION%\")");

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? left = i < e.Length ? e[i] : null;
            string? right = i < a.Length ? a[i] : null;
            if (left != right)
            {
                return $"line {i + 1}: expected `{left}`, got `{right}`";
            }
        }

        return "end of file";
    }

    [GeneratedRegex("GeneratedCodeAttribute\\(\"TypedSocketIO\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
