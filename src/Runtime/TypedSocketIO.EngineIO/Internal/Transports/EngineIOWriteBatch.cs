namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>
/// A scope in which the WebSocket writers woken on this thread are not handed to the thread pool, but run on this thread when
/// the scope ends (the outermost, when nested). A broadcast opens one around its loop over the sockets: instead of one
/// thread-pool work item per socket, the broadcasting thread writes each socket's frames into its connection and flushes
/// without waiting, and the sends happen on the transport's I/O threads. A writer whose flush has to wait (a slow client)
/// goes on asynchronously, as any writer does. Packets queued to polling sessions are not affected.
/// </summary>
/// <remarks>Use it only around code that queues packets and does not wait: <c>using EngineIOWriteBatch batch = EngineIOWriteBatch.Begin();</c>.</remarks>
internal readonly struct EngineIOWriteBatch : IDisposable
{
    private readonly bool _open;

    private EngineIOWriteBatch(bool open) => _open = open;

    /// <summary>Opens a batch on this thread.</summary>
    public static EngineIOWriteBatch Begin()
    {
        WebSocketTransport.BeginWriteBatch();
        return new EngineIOWriteBatch(true);
    }

    /// <summary>Closes it: the outermost batch runs the writers woken inside it.</summary>
    public void Dispose()
    {
        if (_open)
        {
            WebSocketTransport.EndWriteBatch();
        }
    }
}
