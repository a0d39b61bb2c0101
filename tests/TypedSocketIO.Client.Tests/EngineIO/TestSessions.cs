using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.Client.EngineIO;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>The three ways a session can run.</summary>
public enum TransportMode
{
    /// <summary>HTTP long-polling only (no upgrade).</summary>
    Polling,

    /// <summary>WebSocket only: the handshake is made over WebSocket.</summary>
    WebSocket,

    /// <summary>Polling first, then the upgrade to WebSocket.</summary>
    Upgrade,
}

internal static class TestSessions
{
    public static EngineIOClientOptions Options(Uri server, TransportMode mode, Func<EngineIOClientOptions, EngineIOClientOptions>? adjust = null)
    {
        var options = new EngineIOClientOptions
        {
            ServerUri = server,
            Path = "/engine.io/",
            AllowPolling = mode != TransportMode.WebSocket,
            Upgrade = mode == TransportMode.Upgrade,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Query = new Dictionary<string, string> { ["q"] = "a b&c" },
            ExtraHeaders = new Dictionary<string, string> { ["x-test"] = "header-value" },
        };
        return adjust is null ? options : adjust(options);
    }

    /// <summary>Opens a session; in <see cref="TransportMode.Upgrade"/> also waits until it runs over WebSocket.</summary>
    public static async Task<EngineIOClientSession> OpenAsync(EngineIOClientOptions options, IEngineIOClientHandler handler, TransportMode mode, bool waitForUpgrade = true)
    {
        var session = new EngineIOClientSession(options, handler, NullLogger.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await session.OpenAsync(timeout.Token);
        if (mode == TransportMode.Upgrade && waitForUpgrade)
        {
            await WaitUntilAsync(() => session.Transport == "websocket", "the upgrade to websocket");
        }

        return session;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    public static string ExpectedTransport(TransportMode mode) => mode == TransportMode.Polling ? "polling" : "websocket";
}
