using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.TestHost;

/// <summary>
/// A client of a <see cref="SocketIOTestHost"/>, connected to one namespace in memory. What it sends is encoded and what it
/// receives decoded by the real Socket.IO parser, so <see cref="Received"/> holds the exact text the wire would carry.
/// Listeners run one at a time, in the order the server sent the events, on a background task (never on the server's thread).
/// </summary>
public sealed class SocketIOTestClient : IAsyncDisposable
{
    private readonly SocketIOTestHost _host;
    private readonly InMemoryTransport _transport;
    private readonly SocketIOPacketDecoder _decoder;
    private readonly ConcurrentDictionary<string, SocketIOEventListener> _listeners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<SocketIOArguments>> _acks = new();
    private readonly List<SocketIOTestEvent> _received = [];
    private readonly List<Exception> _listenerErrors = [];
    private readonly TaskCompletionSource<string> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _receivedChanged = new(0);
    private Task? _pump;
    private long _nextAckId;

    internal SocketIOTestClient(SocketIOTestHost host, InMemoryTransport transport, string ns, SocketIOTestClientOptions options)
    {
        _host = host;
        _transport = transport;
        Namespace = ns;
        Options = options;
        _decoder = new SocketIOPacketDecoder(host.IO.ParserOptions);
    }

    /// <summary>The namespace the client connected to.</summary>
    public string Namespace { get; }

    /// <summary>The options it connected with.</summary>
    public SocketIOTestClientOptions Options { get; }

    /// <summary>The socket id the server gave in its CONNECT answer.</summary>
    public string Id => _connected.Task.IsCompletedSuccessfully ? _connected.Task.Result : throw new InvalidOperationException("The client is not connected.");

    /// <summary>Whether the client is connected to its namespace (the server has not disconnected it, nor it itself).</summary>
    public bool IsConnected => _connected.Task.IsCompletedSuccessfully && !_disconnected.Task.IsCompleted;

    /// <summary>Completes with the disconnect reason as the official client names it (<c>io server disconnect</c>, <c>transport close</c>, …).</summary>
    public Task<string> Disconnected => _disconnected.Task;

    /// <summary>The server's side of this client: its rooms, data, handshake.</summary>
    public SocketIOSocket ServerSocket => _host.IO.Of(Namespace).Sockets.TryGetValue(Id, out SocketIOSocket? socket)
        ? socket
        : throw new InvalidOperationException($"Socket {Id} is no longer connected to {Namespace} on the server.");

    /// <summary>The rooms the server has this client's socket in (its own id among them).</summary>
    public IReadOnlyCollection<string> Rooms => ServerSocket.Rooms;

    /// <summary>Every event the server sent to this client, in order, with its wire text.</summary>
    public IReadOnlyList<SocketIOTestEvent> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Exceptions thrown by this client's listeners (a listener that throws does not stop the others).</summary>
    public IReadOnlyList<Exception> ListenerErrors
    {
        get
        {
            lock (_listenerErrors)
            {
                return [.. _listenerErrors];
            }
        }
    }

    /// <summary>Handles an event (the last registration for a name wins).</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="listener">Called with its arguments and, when the server asked for one, the acknowledgement to send.</param>
    public void On(string eventName, SocketIOEventListener listener)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(listener);
        _listeners[eventName] = listener;
    }

    /// <summary>Sends an event with untyped arguments (serialized as the untyped server API does).</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>Whether it was sent (false once disconnected).</returns>
    public bool Emit(string eventName, params object?[] arguments) => Send(eventName, arguments, WriteUntyped);

    /// <summary>Sends an event with untyped arguments and waits for the server's acknowledgement.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The acknowledgement's arguments.</returns>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[] arguments) =>
        SendWithAckAsync(eventName, arguments, WriteUntyped, CancellationToken.None);

    /// <summary>Sends a raw Socket.IO packet text as a client would (to test what the server does with bad input).</summary>
    /// <param name="packetText">The packet, e.g. <c>2["x",{</c>.</param>
    /// <returns>Whether it was sent.</returns>
    public bool SendRaw(string packetText) => _transport.SendTextToServer(packetText);

    /// <summary>Waits for the next event named <paramref name="eventName"/> not yet returned by this method (or seen earlier).</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="timeout">How long to wait; <see cref="SocketIOTestClientOptions.WaitTimeout"/> by default.</param>
    /// <returns>The event.</returns>
    /// <exception cref="TimeoutException">It did not arrive in time; the message lists what did.</exception>
    public async Task<SocketIOTestEvent> WaitForEventAsync(string eventName, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Options.WaitTimeout);
        while (true)
        {
            lock (_received)
            {
                foreach (SocketIOTestEvent e in _received)
                {
                    if (!e.Consumed && e.EventName == eventName)
                    {
                        e.Consumed = true;
                        return e;
                    }
                }
            }

            try
            {
                await _receivedChanged.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No \"{eventName}\" event arrived within {(timeout ?? Options.WaitTimeout).TotalMilliseconds} ms; received: "
                    + string.Join(", ", Received.Select(static e => e.Text)));
            }
        }
    }

    /// <summary>Leaves the namespace (sends DISCONNECT), as <c>socket.disconnect()</c>; the connection closes with it.</summary>
    /// <returns>A task that completes once the server has handled it.</returns>
    public async Task DisconnectAsync()
    {
        if (_connected.Task.IsCompletedSuccessfully && !_disconnected.Task.IsCompleted)
        {
            _transport.SendTextToServer(Namespace == "/" ? "1" : "1" + Namespace + ",");
            _disconnected.TrySetResult("io client disconnect");
        }

        await _transport.CloseFromClientAsync().ConfigureAwait(false);
        FailPendingAcks("the client disconnected");
    }

    /// <summary>Closes the connection without leaving the namespace first (as a lost network: <c>transport close</c> on the server).</summary>
    /// <returns>A task that completes once the server has handled it.</returns>
    public async Task CloseTransportAsync()
    {
        await _transport.CloseFromClientAsync().ConfigureAwait(false);
        _disconnected.TrySetResult("transport close");
        FailPendingAcks("the client closed its transport");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        _receivedChanged.Dispose();
    }

    internal async Task ConnectAsync()
    {
        _pump = Task.Run(PumpAsync);
        string prefix = Namespace == "/" ? "0" : "0" + Namespace + ",";
        _transport.SendTextToServer(prefix + (Options.Auth is { } auth ? auth.GetRawText() : string.Empty));
        try
        {
            await _connected.Task.WaitAsync(Options.WaitTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The server did not answer the CONNECT to {Namespace} within {Options.WaitTimeout.TotalMilliseconds} ms.");
        }
    }

    /// <summary>Sends an event whose arguments a callback writes.</summary>
    internal bool Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        if (!IsConnected)
        {
            return false;
        }

        return _transport.SendToServer(Build(eventName, state, writeArguments, ackId: -1));
    }

    /// <summary>Sends an event whose arguments a callback writes and waits for its acknowledgement.</summary>
    internal async Task<SocketIOArguments> SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            throw new InvalidOperationException($"The client is not connected to {Namespace}: \"{eventName}\" was not sent.");
        }

        long ackId = Interlocked.Increment(ref _nextAckId) - 1;
        var answer = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[ackId] = answer;
        try
        {
            _transport.SendToServer(Build(eventName, state, writeArguments, ackId));
            return await answer.Task.WaitAsync(Options.AckTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The server did not acknowledge \"{eventName}\" within {Options.AckTimeout.TotalMilliseconds} ms.");
        }
        finally
        {
            _acks.TryRemove(ackId, out _);
        }
    }

    private SocketIOEncodedPacket Build<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, long ackId)
    {
        using var writer = new SocketIOPacketWriter(_host.IO.Options.JsonSerializerOptions);
        writer.StartEvent(eventName);
        writeArguments(writer, state);
        return writer.Build(Namespace, ackId);
    }

    private static void WriteUntyped(SocketIOPacketWriter writer, object?[] arguments)
    {
        foreach (object? argument in arguments)
        {
            writer.WriteArgument(argument);
        }
    }

    private async Task PumpAsync()
    {
        string? pendingText = null;
        await foreach (TestFrame frame in _transport.ToClient.ReadAllAsync().ConfigureAwait(false))
        {
            SocketIOPacket? packet;
            if (frame.IsText)
            {
                pendingText = Encoding.UTF8.GetString(frame.Data);
                packet = _decoder.DecodeText(frame.Data);
            }
            else
            {
                packet = _decoder.DecodeBinary(frame.Data);
            }

            if (packet is not null)
            {
                await DispatchAsync(packet, pendingText!).ConfigureAwait(false);
            }
        }

        _disconnected.TrySetResult("transport close");
        _connected.TrySetException(new InvalidOperationException($"The connection closed before the server answered the CONNECT to {Namespace}."));
        FailPendingAcks("the connection closed");
    }

    private async Task DispatchAsync(SocketIOPacket packet, string text)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                using (JsonDocument payload = JsonDocument.Parse(packet.Payload))
                {
                    _connected.TrySetResult(payload.RootElement.GetProperty("sid").GetString()!);
                }

                break;

            case SocketIOPacketType.ConnectError:
                using (JsonDocument payload = JsonDocument.Parse(packet.Payload))
                {
                    JsonElement root = payload.RootElement;
                    string message = root.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? string.Empty : root.GetRawText();
                    JsonElement? data = root.TryGetProperty("data", out JsonElement d) ? d.Clone() : null;
                    _connected.TrySetException(new SocketIOTestConnectException(Namespace, message, data));
                }

                break;

            case SocketIOPacketType.Disconnect:
                _disconnected.TrySetResult("io server disconnect");
                FailPendingAcks("the server disconnected the socket");
                break;

            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                if (_acks.TryRemove(packet.AckId, out TaskCompletionSource<SocketIOArguments>? waiting))
                {
                    waiting.TrySetResult(SocketIOArguments.FromAck(packet));
                }

                break;

            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                SocketIOArguments arguments = SocketIOArguments.FromEvent(packet, out string eventName);
                lock (_received)
                {
                    _received.Add(new SocketIOTestEvent(eventName, arguments, text, packet.Attachments, packet.HasAckId));
                }

                _receivedChanged.Release();
                if (_listeners.TryGetValue(eventName, out SocketIOEventListener? listener))
                {
                    SocketIOAck ack = packet.HasAckId ? new TestAck(this, packet.AckId) : SocketIOAck.None;
                    try
                    {
                        await listener(arguments, ack).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        lock (_listenerErrors)
                        {
                            _listenerErrors.Add(ex);
                        }
                    }
                }

                break;
        }
    }

    private void FailPendingAcks(string why)
    {
        foreach (KeyValuePair<long, TaskCompletionSource<SocketIOArguments>> pending in _acks)
        {
            pending.Value.TrySetException(new InvalidOperationException($"No acknowledgement: {why}."));
        }
    }

    /// <summary>The acknowledgement the client sends for an event the server emitted with one.</summary>
    private sealed class TestAck(SocketIOTestClient client, long ackId) : SocketIOAck
    {
        private int _sent;

        public override bool IsRequested => true;

        public override bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments)
        {
            if (Interlocked.Exchange(ref _sent, 1) != 0)
            {
                return false;
            }

            using var writer = new SocketIOPacketWriter(client._host.IO.Options.JsonSerializerOptions);
            writer.StartAck();
            writeArguments(writer, state);
            return client._transport.SendToServer(writer.Build(client.Namespace, ackId));
        }
    }
}

/// <summary>
/// A client of a <see cref="SocketIOTestHost"/> seen through the contracts: <c>client.Emit.Method(…)</c> sends the events of
/// <typeparamref name="TSend"/>, <c>client.On.Method(…)</c> handles those of <typeparamref name="TReceive"/>; the rest is the
/// <see cref="Untyped"/> client's.
/// </summary>
/// <typeparam name="TReceive">The contract of the events the client receives (the server's <c>TSend</c>).</typeparam>
/// <typeparam name="TSend">The contract of the events the client sends (the server's <c>TReceive</c>).</typeparam>
public sealed class SocketIOTestClient<TReceive, TSend> : ISocketIOTarget<TSend>, ISocketIOListenerTarget<TReceive>, IAsyncDisposable
{
    internal SocketIOTestClient(SocketIOTestClient untyped)
    {
        Untyped = untyped;
    }

    /// <summary>The same client without the contracts (raw packets, untyped emits, every received event).</summary>
    public SocketIOTestClient Untyped { get; }

    /// <inheritdoc cref="SocketIOTestClient.Id"/>
    public string Id => Untyped.Id;

    /// <inheritdoc cref="SocketIOTestClient.IsConnected"/>
    public bool IsConnected => Untyped.IsConnected;

    /// <inheritdoc cref="SocketIOTestClient.Disconnected"/>
    public Task<string> Disconnected => Untyped.Disconnected;

    /// <inheritdoc cref="SocketIOTestClient.ServerSocket"/>
    public SocketIOSocket ServerSocket => Untyped.ServerSocket;

    /// <inheritdoc cref="SocketIOTestClient.Rooms"/>
    public IReadOnlyCollection<string> Rooms => Untyped.Rooms;

    /// <inheritdoc cref="SocketIOTestClient.Received"/>
    public IReadOnlyList<SocketIOTestEvent> Received => Untyped.Received;

    /// <inheritdoc cref="SocketIOTestClient.ListenerErrors"/>
    public IReadOnlyList<Exception> ListenerErrors => Untyped.ListenerErrors;

    /// <inheritdoc cref="SocketIOTestClient.WaitForEventAsync"/>
    public Task<SocketIOTestEvent> WaitForEventAsync(string eventName, TimeSpan? timeout = null) => Untyped.WaitForEventAsync(eventName, timeout);

    /// <inheritdoc cref="SocketIOTestClient.DisconnectAsync"/>
    public Task DisconnectAsync() => Untyped.DisconnectAsync();

    /// <inheritdoc cref="SocketIOTestClient.CloseTransportAsync"/>
    public Task CloseTransportAsync() => Untyped.CloseTransportAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Untyped.DisposeAsync();

    bool ISocketIOTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Send(eventName, state, writeArguments);

    Task<SocketIOArguments> ISocketIOTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.SendWithAckAsync(eventName, state, writeArguments, cancellationToken);

    void ISocketIOListenerTarget<TReceive>.Listen(string eventName, SocketIOEventListener listener) => Untyped.On(eventName, listener);
}
