namespace TypedSocketIO.Server.Internal;

/// <summary>
/// The adapter of a parent namespace, which has no socket of its own: a broadcast goes to each child namespace's adapter (the
/// official <c>ParentBroadcastAdapter</c>), and so do the room and disconnect requests (which the official one leaves to its own,
/// always empty, rooms). Fetching sockets is refused, as the official server refuses it: the other servers of a cluster may not
/// have the same children.
/// </summary>
internal sealed class ParentNamespaceAdapter(SocketIONamespace ns) : InMemorySocketIOAdapter(ns)
{
    public override void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        foreach (SocketIONamespace child in Nsp.Children)
        {
            child.Adapter.Broadcast(packet.ForNamespace(child.Name), options);
        }
    }

    public override void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, ISocketIOBroadcastAckCollector collector) =>
        throw new NotSupportedException(
            "A broadcast with acknowledgements from a parent namespace goes through its broadcast operator (ns.Timeout(…).EmitWithAckAsync), which collects each child's answers.");

    public override ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken) =>
        throw new NotSupportedException("FetchSocketsAsync is not supported on a parent namespace (as the official fetchSockets()): fetch from each child namespace.");

    public override async ValueTask AddSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        foreach (SocketIONamespace child in Nsp.Children)
        {
            await child.Adapter.AddSocketsAsync(options, rooms, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask DeleteSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        foreach (SocketIONamespace child in Nsp.Children)
        {
            await child.Adapter.DeleteSocketsAsync(options, rooms, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask DisconnectSocketsAsync(SocketIOBroadcastOptions options, bool close, CancellationToken cancellationToken)
    {
        foreach (SocketIONamespace child in Nsp.Children)
        {
            await child.Adapter.DisconnectSocketsAsync(options, close, cancellationToken).ConfigureAwait(false);
        }
    }
}
