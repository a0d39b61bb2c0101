namespace TypedSocketIO.Server;

/// <summary>Counters updated on the hot path with interlocked operations and read by the diagnostics API and the metrics.</summary>
internal sealed class SocketIOServerCounters
{
    private long _pendingAcks;
    private long _protocolErrors;
    private long _invalidArguments;

    public long PendingAcks => Interlocked.Read(ref _pendingAcks);

    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    public long InvalidArguments => Interlocked.Read(ref _invalidArguments);

    public void InvalidArgument() => Interlocked.Increment(ref _invalidArguments);

    public void AddPendingAcks(long delta) => Interlocked.Add(ref _pendingAcks, delta);

    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);
}
