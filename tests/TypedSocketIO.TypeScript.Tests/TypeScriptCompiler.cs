using System.Reflection;
using System.Text.RegularExpressions;
using TypedSocketIO.Testing;

namespace TypedSocketIO.TypeScript.Tests;

/// <summary>
/// Runs the TypeScript compiler pinned in tests/interop-node (<c>typescript</c>, exact version in its package.json and
/// package-lock.json) over a folder of <c>.ts</c> files, against the declarations this project's build wrote and the types
/// of the official socket.io-client installed beside it.
/// </summary>
internal static partial class TypeScriptCompiler
{
    /// <summary>The <c>.d.ts</c> the build wrote (TypedSocketIOTypeScriptOutput of this project).</summary>
    public static string DeclarationsPath { get; } = typeof(TypeScriptCompiler).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TypeScriptDeclarations").Value!;

    /// <summary>
    /// Writes <paramref name="files"/> and the declarations (as <c>contracts.d.ts</c>) into a new folder, runs
    /// <c>tsc --strict --noEmit</c> on them and returns each error it reports, in order.
    /// </summary>
    public static async Task<IReadOnlyList<TypeScriptError>> CompileAsync(IReadOnlyDictionary<string, string> files)
    {
        string nodeModules = Path.Combine(NodeScript.ScriptDirectory, "node_modules");
        string tsc = Path.Combine(nodeModules, "typescript", "bin", "tsc");
        if (!File.Exists(tsc))
        {
            throw new InvalidOperationException($"{tsc} is missing: run 'npm ci' in {NodeScript.ScriptDirectory} (typescript is pinned there).");
        }

        string folder = Path.Combine(Path.GetTempPath(), "tsio-tsc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.Copy(DeclarationsPath, Path.Combine(folder, "contracts.d.ts"));
            foreach ((string name, string text) in files)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name), text);
            }

            string fileList = string.Join(", ", files.Keys.Select(f => "\"" + f + "\""));
            string socketIOClient = Path.Combine(nodeModules, "socket.io-client").Replace("\\", "/", StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder, "tsconfig.json"), $$"""
                {
                  "compilerOptions": {
                    "strict": true, "noEmit": true, "target": "es2022", "module": "esnext", "moduleResolution": "bundler",
                    "lib": ["es2022", "dom"], "types": [],
                    "paths": { "socket.io-client": ["{{socketIOClient}}"] }
                  },
                  "files": [{{fileList}}]
                }
                """);

            NodeScriptResult run = await NodeScript.RunProgramAsync("node", folder, [tsc, "-p", "tsconfig.json", "--pretty", "false"], TimeSpan.FromMinutes(3));
            if (run.TimedOut)
            {
                throw new TimeoutException("tsc did not finish within 3 minutes.\n" + run.Describe());
            }

            string output = run.StdOut + "\n" + run.StdErr;
            var errors = new List<TypeScriptError>();
            foreach (string line in output.Split('\n'))
            {
                Match match = ErrorLine().Match(line.TrimEnd('\r'));
                if (match.Success)
                {
                    errors.Add(new TypeScriptError(match.Groups["file"].Value, int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                        match.Groups["code"].Value, match.Groups["message"].Value));
                }
                else if (line.Trim().Length > 0 && errors.Count == 0)
                {
                    // Not an error of a file (a tsconfig problem, a crash): fail with what tsc said.
                    throw new InvalidOperationException("tsc said something unexpected:\n" + output);
                }
            }

            return errors;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^(?<file>[^(\s]+)\((?<line>\d+),\d+\): error (?<code>TS\d+): (?<message>.*)$")]
    private static partial Regex ErrorLine();
}

/// <summary>One error tsc reported.</summary>
/// <param name="File">The file, as tsc names it (relative to the folder).</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Code">The error code, e.g. <c>TS2345</c>.</param>
/// <param name="Message">The first line of the message.</param>
internal sealed record TypeScriptError(string File, int Line, string Code, string Message)
{
    public override string ToString() => $"{File}({Line}): {Code} {Message}";
}
