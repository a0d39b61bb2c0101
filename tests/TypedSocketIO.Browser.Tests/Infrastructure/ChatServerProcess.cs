using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>
/// samples/Chat/Chat.Server started as a user starts it (<c>dotnet Chat.Server.dll --urls http://127.0.0.1:PORT</c>), on a free
/// loopback port unless one is given; its address is read from the line it prints ("Chat: open http://… in a browser").
/// Killed with its process tree on dispose, and after <c>maxLifetime</c> whatever happens.
/// </summary>
public sealed partial class ChatServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly CancellationTokenSource _lifetime;

    private ChatServerProcess(Process process, TimeSpan maxLifetime)
    {
        _process = process;
        _lifetime = new CancellationTokenSource(maxLifetime);
        _lifetime.Token.Register(Kill);
    }

    /// <summary>The page's address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public int Port => Address.Port;

    public string Output => string.Join('\n', _output);

    public static async Task<ChatServerProcess> StartAsync(int port = 0, TimeSpan? maxLifetime = null)
    {
        if (!File.Exists(Paths.ChatServerDll))
        {
            throw new FileNotFoundException($"The chat server is not built: {Paths.ChatServerDll}", Paths.ChatServerDll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),   // the server finds its page beside its own assembly
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Paths.ChatServerDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Chat"] = "Information";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ChatServerProcess(process, maxLifetime ?? TimeSpan.FromMinutes(10));
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            server._output.Enqueue(line);
            if (OpenLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the chat server exited before it listened.\n{server.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Address = await ready.Task.WaitAsync(StartTimeout);
            return server;
        }
        catch (Exception e)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"the chat server did not start within {StartTimeout.TotalSeconds} s.\n{server.Output}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }

        _process.Dispose();
        _lifetime.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // not started, or already gone
        }
    }

    [GeneratedRegex(@"^Chat: open (http://\S+/) in a browser")]
    private static partial Regex OpenLine();
}
