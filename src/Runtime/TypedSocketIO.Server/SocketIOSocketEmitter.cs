using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>Emits to one socket with flags (<see cref="SocketIOSocket.Volatile"/>, <see cref="SocketIOSocket.Timeout(TimeSpan)"/>); cheap to create.</summary>
public readonly struct SocketIOSocketEmitter : ISocketIOEmitter, IEquatable<SocketIOSocketEmitter>
{
    private readonly SocketIOSocket _socket;
    private readonly bool _isVolatile;
    private readonly TimeSpan? _timeout;

    internal SocketIOSocketEmitter(SocketIOSocket socket, bool isVolatile, TimeSpan? timeout)
    {
        _socket = socket;
        _isVolatile = isVolatile;
        _timeout = timeout;
    }

    /// <summary>The socket emitted to.</summary>
    public SocketIOSocket Socket => _socket;

    /// <summary>Whether packets are dropped rather than queued when the transport is not writable.</summary>
    public bool IsVolatile => _isVolatile;

    /// <summary>The acknowledgement timeout, or <see langword="null"/> for none.</summary>
    public TimeSpan? AckTimeout => _timeout;

    /// <summary>The same emitter, volatile.</summary>
    public SocketIOSocketEmitter Volatile => new(_socket, true, _timeout);

    /// <summary>The same emitter with an acknowledgement timeout.</summary>
    /// <param name="timeout">The timeout; when it elapses the emit fails with <see cref="SocketIOAckTimeoutException"/>.</param>
    /// <returns>The emitter.</returns>
    public SocketIOSocketEmitter Timeout(TimeSpan timeout) => new(_socket, _isVolatile, CheckTimeout(timeout));

    /// <summary>
    /// The official <c>compress(flag)</c>, accepted for code ported from Node; it changes nothing here: this server never compresses
    /// what it sends (its WebSocket transports do not negotiate permessage-deflate, polling responses are not gzipped), so every
    /// packet already goes as <c>compress(false)</c> asks. (Node, by default, gzips only polling responses of 1 kB or more.)
    /// </summary>
    /// <param name="compress">Whether the packets may be compressed; nothing is, either way.</param>
    /// <returns>The same emitter or selection.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0060:Remove unused parameter", Justification = "The official API's flag; nothing is compressed either way.")]
    public SocketIOSocketEmitter Compress(bool compress) => this;

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
        if (!_socket.Connected)
        {
            return false;
        }

        PooledPacketText? text;
        SocketIOEncodedPacket? packet = null;
        using (SocketIOPacketWriter writer = _socket.CreateWriter())
        {
            writer.StartEvent(eventName);
            writeArguments(writer, state);
            text = PooledPacketText.TryBuild(writer, _socket.Namespace.Name);
            if (text is null)
            {
                packet = writer.Build(_socket.Namespace.Name);
            }
        }

        if (text is null)
        {
            return Send(packet!);
        }

        // Straight to the session as pooled text, unless recovery sends it through the adapter (which keeps a packet).
        if (_isVolatile || _socket.Pid is null)
        {
            return _socket.SendEventPooled(text, _isVolatile);
        }

        byte[] copy = text.ToArray();
        text.Release();
        return Send(SocketIOEncodedPacket.FromText(copy));
    }

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return Send(packet);
    }

    /// <summary>
    /// With connection state recovery on, an emit that is not volatile goes through the adapter to this socket's own room, as
    /// the official server does, so that it gets an offset and is kept for replay.
    /// </summary>
    private bool Send(SocketIOEncodedPacket packet)
    {
        if (_isVolatile || _socket.Pid is null)
        {
            return _socket.SendEventPacket(packet, _isVolatile);
        }

        if (!_socket.Connected)
        {
            return false;
        }

        _socket.Namespace.Adapter.Broadcast(
            SocketIOBroadcastPacket.FromEncoded(packet),
            _socket.OwnRoomOptions);
        return true;
    }

    /// <summary>Sends an event and waits for the client's acknowledgement (within <see cref="AckTimeout"/> when set).</summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The arguments of the acknowledgement.</returns>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        return EmitWithAckAsync(eventName, arguments, SocketIOSocket.WriteUntyped);
    }

    /// <summary>Sends an event whose arguments are written by a callback and waits for the client's acknowledgement.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting (the acknowledgement is then ignored).</param>
    /// <returns>
    /// The arguments of the acknowledgement. Fails with <see cref="SocketIOAckTimeoutException"/> after the timeout, with
    /// <see cref="SocketIODisconnectedException"/> when the socket is or becomes disconnected.
    /// </returns>
    public Task<SocketIOArguments> EmitWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default)
    {
        SocketIOSocket.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (!_socket.Connected)
        {
            return Task.FromException<SocketIOArguments>(SocketIODisconnectedException.ForReason(_socket.DisconnectReason));
        }

        cancellationToken.ThrowIfCancellationRequested();
        long id = _socket.Namespace.NextAckId();
        PooledPacketText? text;
        SocketIOEncodedPacket? packet = null;
        using (SocketIOPacketWriter writer = _socket.CreateWriter())
        {
            writer.StartEvent(eventName);
            writeArguments(writer, state);
            text = PooledPacketText.TryBuild(writer, _socket.Namespace.Name, id);
            if (text is null)
            {
                packet = writer.Build(_socket.Namespace.Name, id);
            }
        }

        var pending = new SingleAck(_socket, id, eventName, _timeout);
        if (!_socket.TryAddAck(id, pending, out Exception? error))
        {
            text?.Release();
            return Task.FromException<SocketIOArguments>(error!);
        }

        pending.Start(_socket.Server.TimeProvider, cancellationToken);
        bool sent = text is not null ? _socket.SendEventPooled(text, _isVolatile) : _socket.SendEventPacket(packet!, _isVolatile);
        if (!sent && _socket.TryRemoveAck(id, out _))
        {
            pending.Fail(_isVolatile && _socket.Connected
                ? new SocketIOAckTimeoutException(eventName, TimeSpan.Zero, [], -1)
                : SocketIODisconnectedException.ForReason(_socket.DisconnectReason));
        }

        return pending.Task;
    }

    /// <inheritdoc/>
    public bool Equals(SocketIOSocketEmitter other) =>
        ReferenceEquals(_socket, other._socket) && _isVolatile == other._isVolatile && _timeout == other._timeout;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SocketIOSocketEmitter other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_socket, _isVolatile, _timeout);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SocketIOSocketEmitter left, SocketIOSocketEmitter right) => left.Equals(right);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SocketIOSocketEmitter left, SocketIOSocketEmitter right) => !left.Equals(right);

    internal static TimeSpan CheckTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The acknowledgement timeout must be positive and at most int.MaxValue milliseconds.");
        }

        return timeout;
    }
}
