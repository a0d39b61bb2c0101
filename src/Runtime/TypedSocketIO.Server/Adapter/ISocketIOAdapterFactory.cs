namespace TypedSocketIO.Server;

/// <summary>Creates the adapter of each namespace. Register another implementation in DI (before or instead of the default) to scale out.</summary>
public interface ISocketIOAdapterFactory
{
    /// <summary>Creates the adapter of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <returns>The adapter.</returns>
    ISocketIOAdapter Create(SocketIONamespace ns);
}
