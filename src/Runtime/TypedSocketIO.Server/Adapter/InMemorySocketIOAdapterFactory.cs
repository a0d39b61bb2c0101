namespace TypedSocketIO.Server;

/// <summary>Creates <see cref="InMemorySocketIOAdapter"/>s: the default, for a single server.</summary>
public sealed class InMemorySocketIOAdapterFactory : ISocketIOAdapterFactory
{
    /// <inheritdoc/>
    public ISocketIOAdapter Create(SocketIONamespace ns) => new InMemorySocketIOAdapter(ns);
}
