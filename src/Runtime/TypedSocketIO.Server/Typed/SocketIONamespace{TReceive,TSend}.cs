using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// A namespace seen through its two contracts: <c>ns.OnConnection(socket => socket.On.Method(…))</c>, <c>ns.UseHandler&lt;THandler&gt;()</c>
/// for a handler class, and <c>ns.Emit.Method(…)</c> / <c>ns.To("room").Emit.Method(…)</c> to broadcast.
/// </summary>
/// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
/// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
public sealed class SocketIONamespace<TReceive, TSend> : ISocketIOBroadcastTarget<TSend>, ISocketIOHandlerHost<TReceive>
{
    private readonly IServiceProvider? _services;

    /// <summary>Wraps an untyped namespace.</summary>
    /// <param name="untyped">The namespace.</param>
    /// <param name="services">Where handler classes are created from; <see langword="null"/> when handler classes are not used.</param>
    public SocketIONamespace(SocketIONamespace untyped, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(untyped);
        Untyped = untyped;
        _services = services;
    }

    /// <summary>The untyped namespace.</summary>
    public SocketIONamespace Untyped { get; }

    /// <inheritdoc cref="SocketIONamespace.Name"/>
    public string Name => Untyped.Name;

    /// <summary>Every socket of the namespace, events dropped when a transport is busy.</summary>
    public SocketIOBroadcastOperator<TSend> Volatile => new(Untyped.Volatile);

    /// <summary>Every socket of the namespace on this server only (with a multi-server adapter).</summary>
    public SocketIOBroadcastOperator<TSend> Local => new(Untyped.Local);

    /// <summary>Adds a middleware: it runs before a socket is connected and may refuse it (<see cref="SocketIOConnectionRejectedException"/>).</summary>
    /// <param name="middleware">The middleware.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace<TReceive, TSend> Use(Func<SocketIOSocket<TReceive, TSend>, CancellationToken, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        Untyped.Use((socket, cancellationToken) => middleware(SocketIOSocket<TReceive, TSend>.For(socket), cancellationToken));
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every socket that connects; register the socket's listeners there.</summary>
    /// <param name="handler">The connection handler.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace<TReceive, TSend> OnConnection(Action<SocketIOSocket<TReceive, TSend>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Untyped.OnConnection(socket => handler(SocketIOSocket<TReceive, TSend>.For(socket)));
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every socket that connects; register listeners before its first await.</summary>
    /// <param name="handler">The connection handler.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace<TReceive, TSend> OnConnection(Func<SocketIOSocket<TReceive, TSend>, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Untyped.OnConnection(socket => handler(SocketIOSocket<TReceive, TSend>.For(socket)));
        return this;
    }

    /// <summary>The sockets in <paramref name="room"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> To(string room) => new(Untyped.To(room));

    /// <summary>The sockets in any of <paramref name="rooms"/> (each once).</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> To(IEnumerable<string> rooms) => new(Untyped.To(rooms));

    /// <inheritdoc cref="To(string)"/>
    public SocketIOBroadcastOperator<TSend> In(string room) => To(room);

    /// <summary>Every socket except those in <paramref name="room"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> Except(string room) => new(Untyped.Except(room));

    /// <summary>Every socket, with a timeout for the acknowledgements of what is sent through it.</summary>
    /// <param name="timeout">How long to wait for the acknowledgements.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOBroadcastOperator<TSend> Compress(bool compress) => new(Untyped.Compress(compress));

    /// <summary>
    /// Dispatches the events of every socket to <typeparamref name="THandler"/>, as SignalR does to hubs: each event gets a new instance,
    /// created from dependency injection in a new scope, both disposed once the event's handler has completed. A
    /// <see cref="SocketHandler{TSend}"/> gets the socket; <see cref="SocketHandler{TSend}.OnConnectedAsync"/> and
    /// <see cref="SocketHandler{TSend}.OnDisconnectedAsync"/>, when overridden, run on instances (and scopes) of their own; per-socket
    /// state lives in <see cref="SocketHandler{TSend}.Items"/>. A handler class with <c>[Authorize]</c> (its policy and roles; its
    /// authentication schemes are not run again: the handshake's user is checked) admits only sockets whose handshake user satisfies it; the others get a <c>connect_error</c>
    /// ("Unauthorized: …" with <c>{"status":401}</c> for an anonymous user, "Forbidden: …" with <c>{"status":403}</c> otherwise).
    /// <c>[AllowAnonymous]</c> on the class turns the check off. <c>[Authorize]</c> on a method checks each event of that method against
    /// the handshake user: a refused event does not run, its acknowledgement (if asked for) is answered with
    /// <c>{"message":"Forbidden: …","data":{"status":403}}</c> (401 and "Unauthorized: …" for an anonymous user), and the socket stays connected;
    /// the authorization handlers get a <see cref="SocketIOEventAuthorizationContext"/> as the resource.
    /// </summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="bind">The generated dispatcher of <typeparamref name="TReceive"/>.</param>
    void ISocketIOHandlerHost<TReceive>.RegisterHandler<[DynamicallyAccessedMembers(HandlerMembers.Required)] THandler>(
        SocketIOHandlerBinder<TReceive> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        IServiceProvider services = _services ?? throw new InvalidOperationException(
            "Handler classes are created from dependency injection: configure the namespace with app.MapSocketIO<TReceive, TSend>(…) " +
            "or io.Of<TReceive, TSend>(…) on the SocketIOServer that AddSocketIO() registered.");
        IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();
        Microsoft.AspNetCore.Authorization.IAuthorizeData[] authorizeData = HandlerAuthorization.Read(typeof(THandler));
        if (authorizeData.Length != 0)
        {
            Untyped.Use(HandlerAuthorization.CreateMiddleware(services, authorizeData, typeof(THandler).Name));
        }

        EventAuthorization? events = EventAuthorization.Create(services, typeof(THandler), typeof(TReceive));
        if (events is not null)
        {
            var bound = new HashSet<string>(StringComparer.Ordinal);
            bind(new RecordingTarget(bound), static () => throw new InvalidOperationException("Not called while recording."));
            events.Verify(bound, typeof(THandler).Name);
        }

        Untyped.OnConnection(SocketHandlerActivation<TReceive, TSend, THandler>.Create(scopes, bind, events));
    }

    /// <summary>Collects the event names a generated dispatcher binds, without running anything.</summary>
    private sealed class RecordingTarget(HashSet<string> names) : ISocketIOListenerTarget<TReceive>
    {
        public void Listen(string eventName, SocketIOEventListener listener) => names.Add(eventName);
    }

    bool ISocketIOBroadcastTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<IReadOnlyList<AckResult<SocketIOArguments>>> ISocketIOBroadcastTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.To([]).EmitWithAckResultsAsync(eventName, state, writeArguments, cancellationToken);
}
