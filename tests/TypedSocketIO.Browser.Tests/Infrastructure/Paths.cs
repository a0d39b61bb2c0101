using System.Reflection;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>Where things are: the repository, the chat server's build output, the browser, the screenshots.</summary>
public static class Paths
{
    /// <summary>The browser the tests drive: Debian's Chromium (<c>apt-get install -y chromium</c>), or $CHROMIUM_PATH.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string RepoRoot => Metadata("RepoRoot");

    public static string ChatServerDll => Metadata("ChatServer");

    public static string InteropNode => Path.Combine(RepoRoot, "tests", "interop-node");

    /// <summary>The folder screenshots are written to, under the test's output folder.</summary>
    public static string Screenshots
    {
        get
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} metadata");
}
