namespace TypedSocketIO.Server.Tests;

/// <summary>The adapter specification, run against the in-memory adapter.</summary>
public sealed class InMemorySocketIOAdapterTests : SocketIOAdapterSpecification
{
    protected override ISocketIOAdapterFactory CreateAdapterFactory() => new InMemorySocketIOAdapterFactory();
}
