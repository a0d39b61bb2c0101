using System.Collections.Immutable;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// An immutable selection of sockets in one namespace (rooms, excepted rooms, flags) and what can be done to them: emit
/// (encoded once), emit with acknowledgements, fetch, make join or leave rooms, disconnect. Every method that narrows the
/// selection returns a new operator. Usable from anywhere (resolve <see cref="SocketIOServer"/> from DI).
/// </summary>
public sealed class SocketIOBroadcastOperator : ISocketIOEmitter
{
    private static readonly ImmutableHashSet<string> NoRooms = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    private readonly ImmutableHashSet<string> _rooms;
    private readonly ImmutableHashSet<string> _except;
    private readonly SocketIOBroadcastFlags _flags;
    private readonly TimeSpan? _timeout;

    // Made on first use and kept: an operator is immutable, and the namespace's own (every socket) serves every io.Emit.
    private SocketIOBroadcastOptions? _options;

    internal SocketIOBroadcastOperator(SocketIONamespace ns)
        : this(ns, NoRooms, NoRooms, SocketIOBroadcastFlags.None, null)
    {
    }

    private SocketIOBroadcastOperator(
        SocketIONamespace ns, ImmutableHashSet<string> rooms, ImmutableHashSet<string> except, SocketIOBroadcastFlags flags, TimeSpan? timeout)
    {
        Namespace = ns;
        _rooms = rooms;
        _except = except;
        _flags = flags;
        _timeout = timeout;
    }

    /// <summary>The namespace the selection is in.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The selection as the adapter receives it.</summary>
    public SocketIOBroadcastOptions Options =>
        _options ??= new() { Rooms = _rooms, Except = _except, Flags = _flags, Timeout = _timeout };

    /// <summary>The same selection, volatile: dropped for clients whose transport is not writable right now.</summary>
    public SocketIOBroadcastOperator Volatile => new(Namespace, _rooms, _except, _flags | SocketIOBroadcastFlags.Volatile, _timeout);

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0060:Remove unused parameter", Justification = "The official API's flag; nothing is compressed either way.")]
    public SocketIOBroadcastOperator Compress(bool compress) => this;

    /// <summary>The same selection, restricted to the sockets of this server.</summary>
    public SocketIOBroadcastOperator Local => new(Namespace, _rooms, _except, _flags | SocketIOBroadcastFlags.Local, _timeout);

    /// <summary>Adds a room to the selection (sockets in any selected room are selected, each once).</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator To(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return new(Namespace, _rooms.Add(room), _except, _flags, _timeout);
    }

    /// <summary>Adds rooms to the selection.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        return new(Namespace, _rooms.Union(rooms), _except, _flags, _timeout);
    }

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    /// <summary>Leaves out the sockets in a room (a socket id leaves out that socket).</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator Except(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return new(Namespace, _rooms, _except.Add(room), _flags, _timeout);
    }

    /// <summary>Leaves out the sockets in any of several rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        return new(Namespace, _rooms, _except.Union(rooms), _flags, _timeout);
    }

    /// <summary>
    /// Sets how long <see cref="EmitWithAckAsync(string, object?[])"/> and <see cref="EmitWithAckResultsAsync(string, object?[])"/> wait
    /// for the acknowledgements (instead of <see cref="SocketIOServerOptions.DefaultBroadcastAckTimeout"/>).
    /// </summary>
    /// <param name="timeout">The timeout.</param>
    /// <returns>The new selection.</returns>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) =>
        new(Namespace, _rooms, _except, _flags, SocketIOSocketEmitter.CheckTimeout(timeout));

    /// <inheritdoc/>
    public bool Emit(string eventName, params object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        return Emit(eventName, arguments, SocketIOSocket.WriteUntyped);
    }

    /// <inheritdoc/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        SocketIOSocket.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        SocketIOEncodedPacket packet;
        using (SocketIOPacketWriter writer = Namespace.CreateWriter())
        {
            writer.StartEvent(eventName);
            writeArguments(writer, state);
            packet = writer.Build(Namespace.Name);
        }

        Namespace.Adapter.Broadcast(SocketIOBroadcastPacket.FromEncoded(packet, Namespace.Name), Options);
        return true;
    }

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Namespace.Adapter.Broadcast(SocketIOBroadcastPacket.FromEncoded(packet), Options);
        return true;
    }

    /// <summary>
    /// Sends an event to every selected socket and collects their acknowledgements. Requires <see cref="Timeout(TimeSpan)"/>.
    /// </summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>
    /// One response per targeted socket. Fails with <see cref="SocketIOAckTimeoutException"/> (holding the responses that arrived)
    /// when some did not answer in time — a socket that disconnected meanwhile is one that did not answer, as in the official
    /// server (<see cref="EmitWithAckResultsAsync(string, object?[])"/> reports it at once instead).
    /// </returns>
    public Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync(string eventName, params object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        return EmitWithAckAsync(eventName, arguments, SocketIOSocket.WriteUntyped);
    }

    /// <summary>
    /// Sends an event whose arguments are written by a callback to every selected socket of every server and collects their
    /// acknowledgements: complete once every server reported how many clients it sent the event to and each of them answered; at
    /// the timeout, fails with the answers that arrived. An answer relayed from another server carries the client's first argument.
    /// </summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One response per socket that answered.</returns>
    public Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default)
    {
        if (Namespace.IsParent)
        {
            TimeSpan timeout = CheckBroadcastWithAck(eventName, writeArguments);
            return EmitWithAckToChildrenAsync(timeout, eventName, state, writeArguments, cancellationToken);
        }

        BroadcastAck collector = StartBroadcastWithAck(eventName, state, writeArguments, perRecipient: false, cancellationToken);
        return collector.Task;
    }

    /// <summary>
    /// Sends an event to every selected socket of every server and reports, per targeted socket, its answer or why there is none
    /// (timed out, disconnected): unlike <see cref="EmitWithAckAsync(string, object?[])"/>, a timeout does not fail the call; the silent
    /// sockets are in the result. What the typed broadcast emitter returns (<c>io.To("room").Timeout(t).Emit.Confirm(x)</c>).
    /// </summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments (serialized as <see cref="Emit(string, object?[])"/> does).</param>
    /// <returns>
    /// One entry per targeted socket, in the order the answers came, then the sockets that did not answer in time. Sockets of other
    /// servers that did not answer are known by number only (<see cref="AckResult{T}.SocketId"/> is <see langword="null"/>).
    /// </returns>
    public Task<IReadOnlyList<AckResult<SocketIOArguments>>> EmitWithAckResultsAsync(string eventName, params object?[]? arguments)
    {
        arguments ??= [null];
        return EmitWithAckResultsAsync(eventName, arguments, SocketIOSocket.WriteUntyped);
    }

    /// <summary>
    /// Sends an event whose arguments are written by a callback to every selected socket of every server and reports, per targeted
    /// socket, its answer or why there is none (see <see cref="EmitWithAckResultsAsync(string, object?[])"/>).
    /// </summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting (the task is then cancelled and every pending entry removed).</param>
    /// <returns>One entry per targeted socket.</returns>
    public Task<IReadOnlyList<AckResult<SocketIOArguments>>> EmitWithAckResultsAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default)
    {
        if (Namespace.IsParent)
        {
            CheckBroadcastWithAck(eventName, writeArguments);
            return EmitWithAckResultsToChildrenAsync(eventName, state, writeArguments, cancellationToken);
        }

        BroadcastAck collector = StartBroadcastWithAck(eventName, state, writeArguments, perRecipient: true, cancellationToken);
        return collector.Results;
    }

    private TimeSpan CheckBroadcastWithAck(string eventName, Delegate writeArguments)
    {
        SocketIOSocket.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        return (_timeout ?? Namespace.Server.Options.DefaultBroadcastAckTimeout) ?? throw new InvalidOperationException(
            "A broadcast with acknowledgements needs a timeout: call Timeout(TimeSpan) before emitting, or set SocketIOServerOptions.DefaultBroadcastAckTimeout.");
    }

    private BroadcastAck StartBroadcastWithAck<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, bool perRecipient, CancellationToken cancellationToken)
    {
        TimeSpan timeout = CheckBroadcastWithAck(eventName, writeArguments);

        SocketIOEncodedPacket packet;
        using (SocketIOPacketWriter writer = Namespace.CreateWriter())
        {
            writer.StartEvent(eventName);
            writeArguments(writer, state);
            packet = writer.Build(Namespace.Name);
        }

        var collector = new BroadcastAck(eventName, timeout, perRecipient);
        collector.Start(Namespace.Server.TimeProvider, cancellationToken);
        ISocketIOAdapter adapter = Namespace.Adapter;
        SocketIOBroadcastOptions options = _timeout is null
            ? new() { Rooms = _rooms, Except = _except, Flags = _flags, Timeout = timeout } // the server's default, for the other servers too
            : Options;
        adapter.BroadcastWithAck(SocketIOBroadcastPacket.FromEncoded(packet, Namespace.Name), options, collector);
        if ((_flags & SocketIOBroadcastFlags.Local) != 0)
        {
            collector.SetServerCount(1);
        }
        else
        {
            _ = SetServerCountAsync(adapter, collector, cancellationToken);
        }

        return collector;
    }

    /// <summary>Returns the selected sockets of every server (this server's only with <see cref="Local"/>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// The sockets: <see cref="SocketIOSocket"/> for this server's, <see cref="SocketIORemoteSocket"/> for the others'. Fails with
    /// <see cref="SocketIOAdapterTimeoutException"/> when another server does not answer within the adapter's requests timeout.
    /// </returns>
    public ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) =>
        Namespace.Adapter.FetchSocketsAsync(Options, cancellationToken);

    /// <summary>Makes the selected sockets join a room: here at once, on the other servers when they receive the request.</summary>
    /// <param name="room">The room.</param>
    public void SocketsJoin(string room) => SocketsJoin([room]);

    /// <summary>Makes the selected sockets join rooms: here at once, on the other servers when they receive the request.</summary>
    /// <param name="rooms">The rooms.</param>
    public void SocketsJoin(IEnumerable<string> rooms) => Observe(SocketsJoinAsync(rooms), "socketsJoin");

    /// <summary>Makes the selected sockets of every server join rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    public ValueTask SocketsJoinAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        return Namespace.Adapter.AddSocketsAsync(Options, [.. rooms], cancellationToken);
    }

    /// <summary>Makes the selected sockets leave a room: here at once, on the other servers when they receive the request.</summary>
    /// <param name="room">The room.</param>
    public void SocketsLeave(string room) => SocketsLeave([room]);

    /// <summary>Makes the selected sockets leave rooms: here at once, on the other servers when they receive the request.</summary>
    /// <param name="rooms">The rooms.</param>
    public void SocketsLeave(IEnumerable<string> rooms) => Observe(SocketsLeaveAsync(rooms), "socketsLeave");

    /// <summary>Makes the selected sockets of every server leave rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    public ValueTask SocketsLeaveAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        return Namespace.Adapter.DeleteSocketsAsync(Options, [.. rooms], cancellationToken);
    }

    /// <summary>
    /// Disconnects the selected sockets (<c>server namespace disconnect</c>): here at once, on the other servers when they
    /// receive the request.
    /// </summary>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    public void DisconnectSockets(bool close = false) => Observe(DisconnectSocketsAsync(close), "disconnectSockets");

    /// <summary>Disconnects the selected sockets of every server.</summary>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    public ValueTask DisconnectSocketsAsync(bool close = false, CancellationToken cancellationToken = default) =>
        Namespace.Adapter.DisconnectSocketsAsync(Options, close, cancellationToken);

    /// <summary>
    /// A parent namespace's broadcast with acknowledgements: the same selection in each child, the answers put together; a child
    /// that timed out makes the whole fail with <see cref="SocketIOAckTimeoutException"/> holding every answer received.
    /// </summary>
    private async Task<IReadOnlyList<SocketIOArguments>> EmitWithAckToChildrenAsync<TState>(
        TimeSpan timeout, string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<SocketIONamespace> children = Namespace.Children;
        var pending = new Task<IReadOnlyList<SocketIOArguments>>[children.Count];
        for (int i = 0; i < pending.Length; i++)
        {
            pending[i] = new SocketIOBroadcastOperator(children[i], _rooms, _except, _flags, _timeout)
                .EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);
        }

        // Failures are looked at task by task below.
        await ((Task)Task.WhenAll(pending)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var responses = new List<SocketIOArguments>();
        int expected = 0;
        bool timedOut = false;
        foreach (Task<IReadOnlyList<SocketIOArguments>> task in pending)
        {
            if (task.IsCompletedSuccessfully)
            {
                responses.AddRange(task.Result);
                expected += task.Result.Count;
            }
            else if (task.Exception?.InnerException is SocketIOAckTimeoutException partial)
            {
                timedOut = true;
                responses.AddRange(partial.Responses);
                expected += partial.ExpectedCount;
            }
        }

        foreach (Task<IReadOnlyList<SocketIOArguments>> task in pending)
        {
            // Cancellation and other failures win over a timeout, as for one namespace.
            if (!task.IsCompletedSuccessfully && task.Exception?.InnerException is not SocketIOAckTimeoutException)
            {
                await task.ConfigureAwait(false);
            }
        }

        return timedOut ? throw new SocketIOAckTimeoutException(eventName, timeout, responses, expected) : responses;
    }

    /// <summary>A parent namespace's per-socket broadcast with acknowledgements: the same selection in each child, the entries put together.</summary>
    private async Task<IReadOnlyList<AckResult<SocketIOArguments>>> EmitWithAckResultsToChildrenAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<SocketIONamespace> children = Namespace.Children;
        var pending = new Task<IReadOnlyList<AckResult<SocketIOArguments>>>[children.Count];
        for (int i = 0; i < pending.Length; i++)
        {
            pending[i] = new SocketIOBroadcastOperator(children[i], _rooms, _except, _flags, _timeout)
                .EmitWithAckResultsAsync(eventName, state, writeArguments, cancellationToken);
        }

        var results = new List<AckResult<SocketIOArguments>>();
        foreach (IReadOnlyList<AckResult<SocketIOArguments>> part in await Task.WhenAll(pending).ConfigureAwait(false))
        {
            results.AddRange(part);
        }

        return results;
    }

    private static async Task SetServerCountAsync(ISocketIOAdapter adapter, BroadcastAck collector, CancellationToken cancellationToken)
    {
        try
        {
            collector.SetServerCount(await adapter.ServerCountAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            collector.Fail(ex);
        }
    }

    private void Observe(ValueTask task, string operation)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        _ = ObserveAsync(task, operation);
    }

    private async Task ObserveAsync(ValueTask task, string operation)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIOServerLog.AdapterRequestFailed(Namespace.Server.Logger, Namespace.Name, operation, ex);
        }
    }
}
