using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

public sealed partial class SocketIOSocket
{
    /// <summary>Sends the next emits of this socket as volatile: dropped rather than queued when the transport is not writable.</summary>
    public SocketIOSocketEmitter Volatile => new(this, isVolatile: true, timeout: null);

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOSocketEmitter Compress(bool compress) => new SocketIOSocketEmitter(this, isVolatile: false, timeout: null).Compress(compress);

    /// <summary>Selects every socket of the namespace except this one.</summary>
    public SocketIOBroadcastOperator Broadcast => Namespace.CreateOperator().Except(Id);

    /// <summary>Waits at most <paramref name="timeout"/> for the acknowledgements of the next emits of this socket.</summary>
    /// <param name="timeout">The timeout; when it elapses the emit fails with <see cref="SocketIOAckTimeoutException"/>.</param>
    /// <returns>An emitter to this socket with the timeout.</returns>
    public SocketIOSocketEmitter Timeout(TimeSpan timeout) => new(this, isVolatile: false, timeout: SocketIOSocketEmitter.CheckTimeout(timeout));

    /// <summary>Selects the sockets in a room, except this one.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>Selects the sockets in any of several rooms (each once), except this one.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Selects every socket of the namespace except this one and those in a room.</summary>
    /// <param name="room">The room to leave out.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator Except(string room) => Broadcast.Except(room);

    /// <summary>Selects every socket of the namespace except this one and those in any of several rooms.</summary>
    /// <param name="rooms">The rooms to leave out.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms) => Broadcast.Except(rooms);

    /// <summary>Sends an event to this client.</summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments; <c>Emit("x", null)</c> sends one <c>null</c> (<c>42["x",null]</c>), as JavaScript's <c>emit("x", null)</c>.</param>
    /// <returns>Whether the packet was queued (false when disconnected).</returns>
    public bool Emit(string eventName, params object?[]? arguments) => new SocketIOSocketEmitter(this, false, null).Emit(eventName, arguments);

    /// <inheritdoc/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        new SocketIOSocketEmitter(this, false, null).Emit(eventName, state, writeArguments);

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet) => new SocketIOSocketEmitter(this, false, null).EmitPacket(packet);

    /// <summary>Sends an event and waits for the client's acknowledgement (no timeout: see <see cref="Timeout(TimeSpan)"/>).</summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The arguments of the acknowledgement; fails with <see cref="SocketIODisconnectedException"/> if the socket disconnects first.</returns>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[]? arguments) =>
        new SocketIOSocketEmitter(this, false, null).EmitWithAckAsync(eventName, arguments);

    /// <summary>Sends an event whose arguments are written by a callback, and waits for the client's acknowledgement.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <param name="cancellationToken">Stops waiting (the acknowledgement is then ignored).</param>
    /// <returns>The arguments of the acknowledgement.</returns>
    public Task<SocketIOArguments> EmitWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default) =>
        new SocketIOSocketEmitter(this, false, null).EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);

    /// <summary>
    /// The bytes waiting to be written to this client's connection (shared by its sockets of every namespace): queued, or being
    /// written to a client that has not read them yet. Never more than <c>EngineIOOptions.MaxOutgoingBufferSize</c> (1 MiB by
    /// default; a single larger packet is taken when nothing else waits): an emit that would cross it closes the connection with
    /// <see cref="SocketIODisconnectReason.OutgoingBufferOverflow"/>.
    /// </summary>
    public int BufferedAmount => Client.BufferedAmount;

    /// <summary>
    /// Waits until at most half of <c>EngineIOOptions.MaxOutgoingBufferSize</c> waits for this client's connection
    /// (<see cref="BufferedAmount"/>): await it before each emit to send at the pace the client reads instead of being cut at the bound.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the task is then cancelled).</param>
    /// <returns>
    /// A task that completes when there is room: at once, without allocating, when there already is; it fails with
    /// <see cref="SocketIODisconnectedException"/> when the socket is or gets disconnected first.
    /// </returns>
    public ValueTask WaitForCapacityAsync(CancellationToken cancellationToken = default) => WaitForCapacityCoreAsync(-1, cancellationToken);

    /// <summary>
    /// Waits until at most <paramref name="maxBufferedBytes"/> bytes wait for this client's connection (<see cref="BufferedAmount"/>).
    /// </summary>
    /// <param name="maxBufferedBytes">The most bytes that may still wait: 0 up to <c>EngineIOOptions.MaxOutgoingBufferSize</c> − 1.</param>
    /// <param name="cancellationToken">Stops waiting (the task is then cancelled).</param>
    /// <returns><inheritdoc cref="WaitForCapacityAsync(CancellationToken)" path="/returns"/></returns>
    public ValueTask WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBufferedBytes);
        return WaitForCapacityCoreAsync(maxBufferedBytes, cancellationToken);
    }

    private ValueTask WaitForCapacityCoreAsync(int maxBufferedBytes, CancellationToken cancellationToken)
    {
        if (!Connected)
        {
            return ValueTask.FromException(SocketIODisconnectedException.ForReason(DisconnectReason));
        }

        ValueTask<bool> wait = Client.WaitForCapacityAsync(maxBufferedBytes, cancellationToken);
        if (wait.IsCompletedSuccessfully)
        {
            return wait.Result && Connected ? default : ValueTask.FromException(SocketIODisconnectedException.ForReason(DisconnectReason));
        }

        return WaitForCapacitySlowAsync(maxBufferedBytes, cancellationToken);
    }

    private async ValueTask WaitForCapacitySlowAsync(int maxBufferedBytes, CancellationToken cancellationToken)
    {
        // The connection may stay open while this socket leaves its namespace: its disconnection ends the wait too.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, DisconnectedToken);
        bool open;
        try
        {
            open = await Client.WaitForCapacityAsync(maxBufferedBytes, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            open = false;
        }

        if (!open || !Connected)
        {
            throw SocketIODisconnectedException.ForReason(DisconnectReason);
        }
    }

    internal static void WriteUntyped(SocketIOPacketWriter writer, object?[] arguments)
    {
        foreach (object? argument in arguments)
        {
            writer.WriteArgument(argument);
        }
    }

    internal SocketIOPacketWriter CreateWriter() => SocketIOPacketWriter.Rent(Server.Options.JsonSerializerOptions);

    /// <summary>Queues an EVENT packet to this client, after the outgoing catch-all listeners saw it.</summary>
    internal bool SendEventPacket(SocketIOEncodedPacket packet, bool isVolatile)
    {
        if (!Connected)
        {
            return false;
        }

        SocketIOAnyListener[] listeners = System.Threading.Volatile.Read(ref _anyOutgoingHandlers);
        if (listeners.Length != 0)
        {
            NotifyOutgoing(listeners, packet);
        }

        if (_replayHold is not null && TryHoldForReplay(packet, isVolatile))
        {
            return true;
        }

        return Client.TrySend(packet, isVolatile);
    }

    /// <summary>
    /// As <see cref="SendEventPacket"/> for an EVENT without attachments whose text is pooled (no packet object unless a listener
    /// looks). Takes the text over: it is released exactly once, whatever happens.
    /// </summary>
    internal bool SendEventPooled(PooledPacketText text, bool isVolatile)
    {
        if (!Connected)
        {
            text.Release();
            return false;
        }

        SocketIOAnyListener[] listeners = System.Threading.Volatile.Read(ref _anyOutgoingHandlers);
        if (listeners.Length != 0)
        {
            try
            {
                NotifyOutgoing(listeners, SocketIOEncodedPacket.FromText(text.ToArray()));
            }
            catch
            {
                text.Release();
                throw;
            }
        }

        if (_replayHold is not null)
        {
            SocketIOEncodedPacket packet = SocketIOEncodedPacket.FromText(text.ToArray());
            if (TryHoldForReplay(packet, isVolatile))
            {
                text.Release();
                return true;
            }
        }

        return Client.TrySendPooled(text, isVolatile);
    }

    internal bool SendAck<TState>(long id, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        if (!Connected)
        {
            return false;
        }

        PooledPacketText? text;
        SocketIOEncodedPacket? packet = null;
        using (SocketIOPacketWriter writer = CreateWriter())
        {
            writer.StartAck();
            writeArguments(writer, state);
            text = PooledPacketText.TryBuild(writer, Namespace.Name, id);
            if (text is null)
            {
                packet = writer.Build(Namespace.Name, id);
            }
        }

        return text is not null ? Client.TrySendPooled(text, isVolatile: false) : Client.TrySend(packet!, isVolatile: false);
    }

    private void NotifyOutgoing(SocketIOAnyListener[] listeners, SocketIOEncodedPacket packet)
    {
        // Rare (debugging aid): decode our own packet once so that listeners see the same view as incoming events.
        string eventName;
        SocketIOArguments arguments;
        try
        {
            var decoder = new SocketIOPacketDecoder(Client.ParserOptions);
            SocketIOPacket? decoded = decoder.DecodeText(packet.Text.Span);
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                decoded = decoder.DecodeBinary(attachment.Span);
            }

            if (decoded is null)
            {
                return;
            }

            arguments = SocketIOArguments.FromEvent(decoded, out eventName);
        }
        catch (SocketIOProtocolException)
        {
            return;
        }

        foreach (SocketIOAnyListener listener in listeners)
        {
            try
            {
                listener(eventName, arguments);
            }
            catch (Exception ex)
            {
                SocketIOServerLog.HandlerFailed(Server.Logger, Namespace.Name, eventName, ex);
            }
        }
    }
}
