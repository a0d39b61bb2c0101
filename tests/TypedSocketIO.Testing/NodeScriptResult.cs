using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Testing;

/// <summary>One run of a script to its end (<see cref="NodeScript.RunAsync"/>): how it ended and what it printed.</summary>
/// <param name="Description">The command line.</param>
/// <param name="ExitCode">Its exit code; -1 when it was killed.</param>
/// <param name="StdOutLines">Its stdout, line by line.</param>
/// <param name="StdErrLines">Its stderr, line by line.</param>
/// <param name="TimedOut">Whether it was killed for running longer than allowed.</param>
/// <param name="Elapsed">How long it ran.</param>
public sealed record NodeScriptResult(
    string Description, int ExitCode, IReadOnlyList<string> StdOutLines, IReadOnlyList<string> StdErrLines, bool TimedOut, TimeSpan Elapsed)
{
    /// <summary>Its stdout as one text.</summary>
    public string StdOut => string.Join('\n', StdOutLines);

    /// <summary>Its stderr as one text.</summary>
    public string StdErr => string.Join('\n', StdErrLines);

    /// <summary>The JSON object lines of stdout (other lines are skipped).</summary>
    public IReadOnlyList<JsonElement> Observations => [.. StdOutLines.Select(Parse).OfType<JsonElement>()];

    /// <summary>The JSON lines whose <c>event</c> is <paramref name="eventName"/>.</summary>
    /// <param name="eventName">The event.</param>
    /// <returns>The lines, in order.</returns>
    public IReadOnlyList<JsonElement> Events(string eventName) => [.. Observations.Where(o => NodeScript.IsEvent(o, eventName))];

    /// <summary>The single line whose <c>event</c> is <paramref name="eventName"/>; fails with the whole output otherwise.</summary>
    /// <param name="eventName">The event.</param>
    /// <returns>The line.</returns>
    public JsonElement One(string eventName)
    {
        IReadOnlyList<JsonElement> found = Events(eventName);
        if (found.Count != 1)
        {
            throw new InvalidOperationException($"expected exactly one \"{eventName}\" observation, found {found.Count}.\n{Describe()}");
        }

        return found[0];
    }

    /// <summary>Fails with <see cref="NodeScriptFailedException"/> (the whole output in the message) unless the script exited 0 and printed one <c>done</c> event.</summary>
    /// <returns>This run.</returns>
    public NodeScriptResult AssertSuccess()
    {
        if (TimedOut || ExitCode != 0 || Events("done").Count != 1)
        {
            throw new NodeScriptFailedException(Describe());
        }

        return this;
    }

    /// <summary>A readable account of the run for failure messages.</summary>
    /// <returns>The account.</returns>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Description).Append(TimedOut ? " was killed by the test's timeout" : $" exited with code {ExitCode}")
            .Append(" after ").Append((int)Elapsed.TotalMilliseconds).AppendLine(" ms.");
        IReadOnlyList<JsonElement> failed = Events("failed");
        if (failed.Count > 0 && failed[0].TryGetProperty("error", out JsonElement error))
        {
            text.Append("error: ").AppendLine(error.ToString());
        }

        text.AppendLine("--- stderr ---").AppendLine(StdErr.TrimEnd());
        text.AppendLine("--- stdout ---").AppendLine(StdOut.TrimEnd());
        return text.ToString();
    }

    private static JsonElement? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A script did not succeed (<see cref="NodeScriptResult.AssertSuccess"/>); the message carries its output.</summary>
/// <param name="message">The account of the run.</param>
public sealed class NodeScriptFailedException(string message) : Exception(message);
