using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <summary>
/// A typed Socket.IO client of one namespace: the events it receives are the methods of <typeparamref name="TReceive"/>,
/// those it sends the methods of <typeparamref name="TSend"/>, through the extension properties the generator makes
/// for the contracts: <c>client.On.Message(m => …)</c>, <c>client.Emit.SendMessage(…)</c>,
/// <c>await client.Timeout(TimeSpan.FromSeconds(5)).Emit.Join("lobby")</c>.
/// </summary>
/// <remarks>
/// A wrapper, not a subclass, of <see cref="SocketIOClient"/>: the untyped <c>Emit</c>/<c>On</c> methods would hide
/// the generated <c>Emit</c>/<c>On</c> properties. The untyped surface stays one step away, in <see cref="Untyped"/>.
/// </remarks>
/// <typeparam name="TReceive">The contract of the events the server sends.</typeparam>
/// <typeparam name="TSend">The contract of the events the client sends.</typeparam>
public sealed class SocketIOClient<TReceive, TSend> : ISocketIOTarget<TSend>, ISocketIOListenerTarget<TReceive>, IAsyncDisposable
{
    internal SocketIOClient(SocketIOClient untyped)
    {
        Untyped = untyped;
    }

    /// <inheritdoc cref="SocketIOClient.Connected"/>
    public event Action? Connected
    {
        add => Untyped.Connected += value;
        remove => Untyped.Connected -= value;
    }

    /// <inheritdoc cref="SocketIOClient.Disconnected"/>
    public event Action<string>? Disconnected
    {
        add => Untyped.Disconnected += value;
        remove => Untyped.Disconnected -= value;
    }

    /// <inheritdoc cref="SocketIOClient.ConnectError"/>
    public event Action<SocketIOConnectErrorException>? ConnectError
    {
        add => Untyped.ConnectError += value;
        remove => Untyped.ConnectError -= value;
    }

    /// <summary>The untyped client: events by name, <c>OnAny</c>, <c>OnAnyOutgoing</c>.</summary>
    public SocketIOClient Untyped { get; }

    /// <inheritdoc cref="SocketIOClient.Id"/>
    public string? Id => Untyped.Id;

    /// <inheritdoc cref="SocketIOClient.IsConnected"/>
    public bool IsConnected => Untyped.IsConnected;

    /// <inheritdoc cref="SocketIOClient.IsActive"/>
    public bool IsActive => Untyped.IsActive;

    /// <inheritdoc cref="SocketIOClient.IsRecovered"/>
    public bool IsRecovered => Untyped.IsRecovered;

    /// <inheritdoc cref="SocketIOClient.Namespace"/>
    public string Namespace => Untyped.Namespace;

    /// <inheritdoc cref="SocketIOClient.Manager"/>
    public SocketIOManager Manager => Untyped.Manager;

    /// <inheritdoc cref="SocketIOClient.Volatile"/>
    public SocketIOClientEmitter<TSend> Volatile => new(Untyped.Volatile);

    /// <inheritdoc cref="SocketIOClient.Timeout"/>
    public SocketIOClientEmitter<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <inheritdoc cref="SocketIOClient.ConnectAsync"/>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => Untyped.ConnectAsync(cancellationToken);

    /// <inheritdoc cref="SocketIOClient.DisconnectAsync"/>
    public ValueTask DisconnectAsync() => Untyped.DisconnectAsync();

    /// <inheritdoc cref="SocketIOClient.DisposeAsync"/>
    public ValueTask DisposeAsync() => Untyped.DisposeAsync();

    bool ISocketIOTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<SocketIOArguments> ISocketIOTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);

    void ISocketIOListenerTarget<TReceive>.Listen(string eventName, SocketIOEventListener listener) => Untyped.On(eventName, listener);
}
