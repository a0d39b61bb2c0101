using Microsoft.Extensions.Hosting;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// The Engine.IO servers mapped in one application (a singleton of its container, registered by <c>AddEngineIO</c>): when the host
/// stops they are shut down gracefully — each one's <c>beforeShutdown</c> first (the Socket.IO server tells its sockets), then every
/// session closed with <c>server shutting down</c> — awaited, not blocked on; when the container is disposed their heartbeat timers
/// stop. Nothing is shared between two applications of one process.
/// </summary>
internal sealed class EngineIOServerLifetime : IHostedLifecycleService, IAsyncDisposable, IDisposable
{
    /// <summary>How long the sessions may take to flush what they have queued when the host stops.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<(EngineIOServer Server, Func<CancellationToken, Task>? BeforeShutdown)> _servers = [];
    private bool _disposed;

    /// <summary>Takes over the lifetime of <paramref name="server"/>.</summary>
    /// <param name="server">The server, just created by <c>MapEngineIO</c>.</param>
    /// <param name="beforeShutdown">Runs when the host stops, before the sessions are closed (the protocol on top says goodbye).</param>
    public void Add(EngineIOServer server, Func<CancellationToken, Task>? beforeShutdown = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _servers.Add((server, beforeShutdown));
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs before the web server stops taking requests (so that pending polls are answered): each protocol says goodbye, then
    /// the sessions close. Gives up waiting when the host's shutdown timeout cancels <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        (EngineIOServer Server, Func<CancellationToken, Task>? BeforeShutdown)[] servers = Snapshot();
        try
        {
            await Task.WhenAll(servers.Select(entry => StopOneAsync(entry.Server, entry.BeforeShutdown, cancellationToken))).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: disposal drops whatever is left.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes what is left at once and stops every heartbeat timer.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach ((EngineIOServer server, _) in MarkDisposed())
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For a container disposed synchronously: the sessions are dropped and the timers stopped without waiting on anything.</summary>
    public void Dispose()
    {
        foreach ((EngineIOServer server, _) in MarkDisposed())
        {
            server.Close();
        }
    }

    private static async Task StopOneAsync(EngineIOServer server, Func<CancellationToken, Task>? beforeShutdown, CancellationToken cancellationToken)
    {
        if (beforeShutdown is not null)
        {
            await beforeShutdown(cancellationToken).ConfigureAwait(false);
        }

        await server.ShutdownAsync(DrainTimeout).ConfigureAwait(false);
    }

    private (EngineIOServer Server, Func<CancellationToken, Task>? BeforeShutdown)[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _servers];
        }
    }

    private (EngineIOServer Server, Func<CancellationToken, Task>? BeforeShutdown)[] MarkDisposed()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return [];
            }

            _disposed = true;
            return [.. _servers];
        }
    }
}
