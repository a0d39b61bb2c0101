using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The Socket.IO client object of one Engine.IO connection (the official <c>Client</c>): it decodes packets, multiplexes the
/// namespaces joined over the connection, enforces the connect timeout, and closes the connection on any protocol error.
/// Inbound calls (<see cref="OnTextAsync"/>, <see cref="OnBinaryAsync"/>, <see cref="OnCloseAsync"/>) are sequential; the
/// other members are called from any thread.
/// </summary>
internal sealed class SocketIOClientConnection
{
    private readonly Lock _gate = new();
    private readonly Lock _decoderGate = new();
    private readonly Dictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly SocketIOPacketDecoder _decoder;
    private readonly ISocketIOTransport _transport;
    // Cleared when disposed (first CONNECT, close): a connected client keeps no timer.
    private ITimer? _connectTimer;
    private int _closing;

    public SocketIOClientConnection(SocketIOServer server, ISocketIOTransport transport, SocketIOConnectionInfo info)
    {
        Server = server;
        _transport = transport;
        Info = info;
        ParserOptions = server.ParserOptions;
        _decoder = new SocketIOPacketDecoder(ParserOptions);
        UserId = GetUserId(info.UserIfSet);
    }

    /// <summary>
    /// The authenticated user of the connection for connection state recovery: its <c>NameIdentifier</c> claim, else its name;
    /// <see langword="null"/> when anonymous; a value no other connection has when authenticated without either.
    /// </summary>
    public string? UserId { get; }

    public SocketIOServer Server { get; }

    public SocketIOConnectionInfo Info { get; }

    public SocketIOParserOptions ParserOptions { get; }

    public string TransportId => _transport.Id;

    /// <summary>The current transport, <c>polling</c> or <c>websocket</c>; <see langword="null"/> when unknown (in-memory tests).</summary>
    public string? TransportName => _transport.Name;

    /// <summary>The bytes waiting to be written to the connection.</summary>
    public int BufferedAmount => _transport.BufferedAmount;

    /// <summary>Waits for room in the connection's outbound queue (-1: half its bound); <see langword="false"/> when it is closed.</summary>
    public ValueTask<bool> WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken)
        => _transport.WaitForCapacityAsync(maxBufferedBytes, cancellationToken);

    /// <summary>Whether a binary packet is half received (read from the diagnostics thread: a racy but harmless snapshot).</summary>
    public bool HasPendingBinaryPacket
    {
        get
        {
            lock (_decoderGate)
            {
                return _decoder.HasPendingBinaryPacket;
            }
        }
    }

    public int SocketCount
    {
        get
        {
            lock (_gate)
            {
                return _sockets.Count;
            }
        }
    }

    public void Open()
    {
        Server.AddClient(this);
        Server.Observer?.OnConnectionOpened(this);
        // One timer per connection, disposed at the first namespace CONNECT (the official connectTimeout).
        _connectTimer = Server.TimeProvider.CreateTimer(
            static s => ((SocketIOClientConnection)s!).OnConnectTimeout(), this, Server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public ValueTask OnTextAsync(ReadOnlyMemory<byte> utf8)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return ValueTask.CompletedTask;
        }

        Server.CountReceived(utf8.Length, isPacket: true);
        DecodedPacket packet;
        bool complete;
        try
        {
            // The decoder is not thread-safe, and a close (connect timeout, server-side close) may come from another thread.
            lock (_decoderGate)
            {
                complete = _decoder.TryDecodeText(utf8.Span, out packet);
            }
        }
        catch (SocketIOProtocolException ex)
        {
            return ProtocolErrorAsync(ex.Message);
        }

        return complete ? OnPacketAsync(packet) : ValueTask.CompletedTask;
    }

    public ValueTask OnBinaryAsync(ReadOnlyMemory<byte> data)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return ValueTask.CompletedTask;
        }

        Server.CountReceived(data.Length, isPacket: false); // an attachment of the packet before it
        DecodedPacket packet;
        bool complete;
        try
        {
            lock (_decoderGate)
            {
                complete = _decoder.TryDecodeBinary(data.Span, out packet);
            }
        }
        catch (SocketIOProtocolException ex)
        {
            return ProtocolErrorAsync(ex.Message);
        }

        return complete ? OnPacketAsync(packet) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// A message of a connection whose packets go through another parser: decoded into the default form, then handled as the
    /// default parser's text message and attachments would be (in order, before the next message).
    /// </summary>
    public async ValueTask OnParsedAsync(ISocketIOParser parser, ReadOnlyMemory<byte> message, bool isBinary)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        SocketIODecodedMessage decoded;
        try
        {
            decoded = parser.Decode(message.Span, isBinary, Server.ParserOptions);
        }
        catch (SocketIOProtocolException ex)
        {
            await ProtocolErrorAsync(ex.Message).ConfigureAwait(false);
            return;
        }

        await OnTextAsync(decoded.Text).ConfigureAwait(false);
        foreach (byte[] attachment in decoded.Attachments)
        {
            await OnBinaryAsync(attachment).ConfigureAwait(false);
        }
    }

    public ValueTask OnCloseAsync(EngineIOCloseReason reason)
    {
        Interlocked.Exchange(ref _closing, 1);
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        CloseSockets(reason.Reason);
        ResetDecoder();
        Server.RemoveClient(this);
        Server.Observer?.OnConnectionClosed(this, reason.Reason);
        return ValueTask.CompletedTask;
    }

    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile)
    {
        if (Server.Observer is { } observer)
        {
            ReportSent(observer, packet);
        }

        bool sent = _transport.TrySend(packet, isVolatile);
        if (sent && Server.PacketsSent.Enabled)
        {
            long bytes = packet.Text.Length;
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                bytes += attachment.Length;
            }

            Server.CountSent(bytes);
        }

        return sent;
    }

    /// <summary>Sends a packet without attachments as its text alone .</summary>
    public bool TrySendText(byte[] text, bool isVolatile)
    {
        Server.Observer?.OnPacketSent(1, text.Length);
        bool sent = _transport.TrySendText(text, isVolatile);
        if (sent)
        {
            Server.CountSent(text.Length);
        }

        return sent;
    }

    /// <summary>Sends a packet without attachments whose text is pooled: ownership passes to the transport (released exactly once, even when refused).</summary>
    public bool TrySendPooled(PooledPacketText text, bool isVolatile)
    {
        int length = text.Text.Length; // read before the transport owns (and may release) the text
        Server.Observer?.OnPacketSent(1, length);
        bool sent = _transport.TrySendPooled(text, isVolatile);
        if (sent)
        {
            Server.CountSent(length);
        }

        return sent;
    }

    private static void ReportSent(ISocketIOServerObserver observer, SocketIOEncodedPacket packet)
    {
        int bytes = packet.Text.Length;
        foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
        {
            bytes += attachment.Length;
        }

        observer.OnPacketSent(1 + packet.Attachments.Count, bytes);
    }

    /// <summary>Disconnects every socket (each told with a DISCONNECT packet) and closes the connection (<c>socket.disconnect(true)</c>).</summary>
    public void DisconnectAll()
    {
        foreach (SocketIOSocket socket in SnapshotSockets())
        {
            socket.Disconnect(close: false);
        }

        _ = CloseTransportAsync(EngineIOCloseReason.ForcedClose);
    }

    /// <summary>Closes the connection from the server side: every socket gets <paramref name="reason"/>.</summary>
    public void Abort(string reason, string? description)
    {
        Interlocked.Exchange(ref _closing, 1);
        CloseSockets(reason);
        _ = CloseTransportAsync(new EngineIOCloseReason(EngineIOCloseReason.ForcedClose.Reason, description));
    }

    /// <summary>
    /// Closes the connection as the outgoing bound does (<c>outgoing buffer overflow</c>): more than
    /// <c>EngineIOOptions.MaxOutgoingBufferSize</c> was sent to a socket before its CONNECT answer could be queued.
    /// </summary>
    private void CloseForOverflow()
    {
        Interlocked.Exchange(ref _closing, 1);
        CloseSockets(SocketIODisconnectReason.OutgoingBufferOverflow);
        _ = CloseTransportAsync(EngineIOCloseReason.OutgoingBufferOverflow);
    }

    /// <summary>Server shutdown: sockets get <c>server shutting down</c>, then the connection closes.</summary>
    public ValueTask ShutdownAsync()
    {
        Interlocked.Exchange(ref _closing, 1);
        CloseSockets(SocketIODisconnectReason.ServerShuttingDown);
        return new ValueTask(CloseTransportAsync(EngineIOCloseReason.ServerShuttingDown));
    }

    public void RemoveSocket(SocketIOSocket socket)
    {
        lock (_gate)
        {
            if (_sockets.TryGetValue(socket.Namespace.Name, out SocketIOSocket? current) && ReferenceEquals(current, socket))
            {
                _sockets.Remove(socket.Namespace.Name);
            }
        }
    }

    /// <summary>Frees a half-received binary packet (python-socketio 5.16.2 leaked it on disconnect).</summary>
    private void ResetDecoder()
    {
        lock (_decoderGate)
        {
            _decoder.Reset();
        }
    }

    private SocketIOSocket[] SnapshotSockets()
    {
        lock (_gate)
        {
            return [.. _sockets.Values];
        }
    }

    private void CloseSockets(string reason)
    {
        foreach (SocketIOSocket socket in SnapshotSockets())
        {
            socket.Close(reason);
        }
    }

    private async Task CloseTransportAsync(EngineIOCloseReason reason)
    {
        try
        {
            await _transport.CloseAsync(reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIOServerLog.CloseFailed(Server.Logger, ex);
        }
    }

    private ValueTask OnPacketAsync(in DecodedPacket packet)
    {
        SocketIOSocket? socket;
        lock (_gate)
        {
            _sockets.TryGetValue(packet.Namespace, out socket);
        }

        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                // A second CONNECT for a joined namespace closes the session (stricter than socket.io 4.8.4 on purpose).
                return socket is null ? ConnectAsync(packet) : ProtocolErrorAsync("CONNECT for a namespace already joined");

            case SocketIOPacketType.Disconnect:
                if (socket is null)
                {
                    return ProtocolErrorAsync("DISCONNECT for a namespace not joined");
                }

                socket.Close(SocketIODisconnectReason.ClientNamespaceDisconnect);
                return ValueTask.CompletedTask;

            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                if (socket is null)
                {
                    return ProtocolErrorAsync("EVENT for a namespace not joined");
                }

                string eventName = packet.EventName!;
                SocketIOArguments arguments = SocketIOArguments.FromEvent(packet);
                if (SocketIOSocket.IsReservedEventName(eventName))
                {
                    return ProtocolErrorAsync("reserved event name");
                }

                return socket.OnEventAsync(eventName, arguments, packet.AckId);

            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                if (socket is null)
                {
                    return ProtocolErrorAsync("ACK for a namespace not joined");
                }

                socket.OnAck(packet.AckId, SocketIOArguments.FromAck(packet));
                return ValueTask.CompletedTask;

            default:
                // CONNECT_ERROR is only sent by servers.
                return ProtocolErrorAsync("unexpected packet type " + (int)packet.Type);
        }
    }

    private async ValueTask ConnectAsync(DecodedPacket packet)
    {
        string name = packet.Namespace;
        if (Server.IsShuttingDown)
        {
            Interlocked.Exchange(ref _closing, 1);
            await CloseTransportAsync(EngineIOCloseReason.ServerShuttingDown).ConfigureAwait(false);
            return;
        }

        using System.Diagnostics.Activity? activity = SocketIOTelemetry.StartConnect(name);
        var handshake = new SocketIOHandshake(Info, packet.Payload);
        SocketIONamespace? ns;
        try
        {
            // An existing namespace, or a child a parent namespace accepts (created then).
            ns = await Server.BeginConnectAsync(name, handshake, _transport.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_transport.IsOpen)
        {
            return;
        }

        if (ns is null)
        {
            SocketIOTelemetry.Fail(activity, "Invalid namespace");
            TrySend(SocketIOEncodedPacket.ConnectError(name, "Invalid namespace"), isVolatile: false);
            return;
        }

        try
        {
            await JoinAsync(ns, packet, handshake).ConfigureAwait(false);
        }
        finally
        {
            Server.EndConnect(ns);
        }
    }

    private async ValueTask JoinAsync(SocketIONamespace ns, DecodedPacket packet, SocketIOHandshake handshake)
    {
        string name = ns.Name;

        SocketIOConnectionStateRecoveryOptions? recovery = Server.Options.ConnectionStateRecovery;
        SocketIORestoredSession? restored = recovery is null ? null : await TryRestoreAsync(ns, packet.Payload).ConfigureAwait(false);
        if (restored is not null && SocketIOSocket.OutgoingBytes(restored.MissedPackets) > Server.Options.EngineIO.MaxOutgoingBufferSize)
        {
            // More than the connection may have waiting (EngineIOOptions.MaxOutgoingBufferSize): the replay would close it at
            // the bound, and the client would come back for the same replay again. It starts fresh instead.
            SocketIOServerLog.RecoveryTooLarge(Server.Logger, name, restored.MissedPackets.Count, Server.Options.EngineIO.MaxOutgoingBufferSize);
            restored = null;
        }

        SocketIOSocket socket = restored is null
            ? new SocketIOSocket(ns, this, handshake, CreateSocketId(), recovery is null ? null : CreateSocketId())
            : new SocketIOSocket(ns, this, handshake, restored.Session.Sid, restored.Session.Pid, recovered: true)
            {
                Data = restored.Session.Data,
            };
        try
        {
            if (restored is null || !recovery!.SkipMiddlewares)
            {
                await ns.RunMiddlewareAsync(socket, _transport.Closed).ConfigureAwait(false);
            }
        }
        catch (SocketIOConnectionRejectedException ex)
        {
            socket.Close(SocketIODisconnectReason.ServerNamespaceDisconnect);
            SocketIOTelemetry.Fail(System.Diagnostics.Activity.Current, ex.Message);
            SocketIOServerLog.ConnectionRejected(Server.Logger, name, ex.Message);
            Server.CountError(SocketIOErrorReasons.ConnectRejected, name);
            TrySend(SocketIOEncodedPacket.ConnectError(name, ex.Message, ex.DataJson.Span), isVolatile: false);
            return;
        }
        catch (OperationCanceledException) when (!_transport.IsOpen)
        {
            socket.Close(SocketIODisconnectReason.TransportClose);
            return;
        }
        catch (Exception ex)
        {
            // Never leak an unexpected exception's message to the client.
            socket.Close(SocketIODisconnectReason.ServerNamespaceDisconnect);
            SocketIOTelemetry.Fail(System.Diagnostics.Activity.Current, "Internal server error");
            SocketIOServerLog.MiddlewareFailed(Server.Logger, name, ex);
            Server.CountError(SocketIOErrorReasons.MiddlewareFailed, name);
            TrySend(SocketIOEncodedPacket.ConnectError(name, "Internal server error"), isVolatile: false);
            return;
        }

        lock (_gate)
        {
            if (Volatile.Read(ref _closing) != 0 || !_transport.IsOpen)
            {
                socket.Close(SocketIODisconnectReason.TransportClose);
                return;
            }

            _sockets.Add(name, socket);
            socket.MarkConnected();

            // Before it can be found: what reaches it from now on waits until its CONNECT answer (and a restored socket's missed
            // packets) are queued, so that the client gets CONNECT first, as from the official server, which does both at once.
            socket.BeginReplayHold();
        }

        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        if (restored is not null)
        {
            // In its rooms before it can be found (as the official server joins them in the socket's constructor): a broadcast
            // to one of them can no longer reach the socket's namespace-wide events but miss its rooms.
            socket.Join(restored.Session.Rooms);
        }

        ns.Add(socket);
        if (!socket.Connected)
        {
            // The connection closed between the two steps: Close() may have run before Add().
            ns.Remove(socket);
            return;
        }

        SocketIOEncodedPacket connect = SocketIOEncodedPacket.Connect(name, BuildSidPayload(socket.Id, socket.Pid));
        if (restored is null)
        {
            if (socket.ReleaseReplayHold(connect, []) < 0)
            {
                CloseForOverflow();
                return;
            }
        }
        else
        {
            // The packets emitted between the adapter's snapshot and now are in neither the snapshot nor the socket's queue (it
            // could not be found then): read them now that it can, the duplicates are dropped as the hold is released. Then the
            // CONNECT answer, the missed packets in offset order, and what reached the socket meanwhile.
            IReadOnlyList<SocketIOEncodedPacket> missed = await ReadMissedSinceSnapshotAsync(ns, restored).ConfigureAwait(false);
            int live = socket.ReleaseReplayHold(connect, missed);
            if (live < 0)
            {
                // What reached the socket while it was being restored crossed the bound (it is dropped rather than kept).
                SocketIOServerLog.RecoveryTooLarge(Server.Logger, name, missed.Count, Server.Options.EngineIO.MaxOutgoingBufferSize);
                CloseForOverflow();
                return;
            }

            if (!socket.Connected)
            {
                return;
            }

            SocketIOServerLog.SocketRecovered(Server.Logger, name, missed.Count + live);
        }

        SocketIOServerLog.SocketConnected(Server.Logger, name);
        System.Diagnostics.Activity.Current?.SetTag("socketio.socket.id", socket.Id);
        Server.Observer?.OnSocketConnected(socket);
        ns.RaiseConnection(socket);
    }

    /// <summary>
    /// Connection state recovery: a CONNECT whose auth carries string <c>pid</c> and <c>offset</c> asks the adapter for that
    /// session (of the same user); anything else, or a failing adapter, gives a fresh socket.
    /// </summary>
    private async ValueTask<SocketIORestoredSession?> TryRestoreAsync(SocketIONamespace ns, ReadOnlyMemory<byte> authJson)
    {
        if (authJson.IsEmpty || !TryReadRecoveryAuth(authJson.Span, out string? pid, out string? offset))
        {
            return null;
        }

        try
        {
            return await ns.Adapter.RestoreSessionAsync(pid, offset, UserId, _transport.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_transport.IsOpen)
        {
            return null;
        }
        catch (Exception ex)
        {
            SocketIOServerLog.RecoveryFailed(Server.Logger, ns.Name, ex);
            return null;
        }
    }

    /// <summary>
    /// The restored session's missed packets followed by those emitted after its snapshot (<see cref="ISocketIOAdapter.ReadPacketsAfterAsync"/>);
    /// the snapshot's alone when the adapter cannot read after it (logged: the client may have missed some).
    /// </summary>
    private async ValueTask<IReadOnlyList<SocketIOEncodedPacket>> ReadMissedSinceSnapshotAsync(SocketIONamespace ns, SocketIORestoredSession restored)
    {
        if (restored.Position is not { } position)
        {
            return restored.MissedPackets;
        }

        IReadOnlyList<SocketIOEncodedPacket>? after;
        try
        {
            after = await ns.Adapter.ReadPacketsAfterAsync(position, restored.Session.Rooms, _transport.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_transport.IsOpen)
        {
            return restored.MissedPackets;
        }
        catch (Exception ex)
        {
            SocketIOServerLog.RecoveryIncomplete(Server.Logger, ns.Name, ex);
            return restored.MissedPackets;
        }

        if (after is null)
        {
            SocketIOServerLog.RecoveryIncomplete(Server.Logger, ns.Name, null);
            return restored.MissedPackets;
        }

        if (after.Count == 0)
        {
            return restored.MissedPackets;
        }

        var all = new List<SocketIOEncodedPacket>(restored.MissedPackets.Count + after.Count);
        all.AddRange(restored.MissedPackets);
        all.AddRange(after);
        return all;
    }

    private static bool TryReadRecoveryAuth(ReadOnlySpan<byte> json, [NotNullWhen(true)] out string? pid, [NotNullWhen(true)] out string? offset)
    {
        pid = null;
        offset = null;
        try
        {
            // The decoder has validated the payload already (one object within the depth limit).
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4096 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isPid = reader.ValueTextEquals("pid"u8);
                bool isOffset = !isPid && reader.ValueTextEquals("offset"u8);
                reader.Read();
                if ((isPid || isOffset) && reader.TokenType == JsonTokenType.String)
                {
                    if (isPid)
                    {
                        pid = reader.GetString();
                    }
                    else
                    {
                        offset = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return pid is not null && offset is not null;
    }

    private static string? GetUserId(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        return user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? (identity.Name is { } name ? "name:" + name : "unidentified:" + CreateSocketId());
    }

    private ValueTask ProtocolErrorAsync(string detail)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        // One line per connection; the Engine.IO sid is a bearer token and stays out of the log (socket.io #3416).
        SocketIOServerLog.ProtocolError(Server.Logger, Info.RemoteAddress?.ToString() ?? "unknown", detail);
        Server.Counters.ProtocolError();
        Server.CountError(SocketIOErrorReasons.ProtocolError, null);
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        CloseSockets(SocketIODisconnectReason.ParseError);
        ResetDecoder();
        return new ValueTask(CloseTransportAsync(new EngineIOCloseReason(EngineIOCloseReason.ParseError.Reason, detail)));
    }

    private void OnConnectTimeout()
    {
        bool joined;
        lock (_gate)
        {
            joined = _sockets.Count != 0;
        }

        if (!joined && _transport.IsOpen)
        {
            SocketIOServerLog.ConnectTimeout(Server.Logger, Server.Options.ConnectTimeout.TotalMilliseconds);
            Abort(SocketIODisconnectReason.ForcedServerClose, "connect timeout");
        }
    }

    private static byte[] BuildSidPayload(string sid, string? pid)
    {
        // {"sid":"…"} or {"sid":"…","pid":"…"}: the ids are base64url, so they need no escaping.
        if (pid is null)
        {
            byte[] json = new byte[sid.Length + 10];
            "{\"sid\":\""u8.CopyTo(json);
            Encoding.ASCII.GetBytes(sid, json.AsSpan(8));
            "\"}"u8.CopyTo(json.AsSpan(8 + sid.Length));
            return json;
        }

        return Encoding.ASCII.GetBytes("{\"sid\":\"" + sid + "\",\"pid\":\"" + pid + "\"}");
    }

    /// <summary>A socket id from a CSPRNG (CVE-2017-16031): 15 random bytes as 20 base64url characters, as base64id does.</summary>
    internal static string CreateSocketId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
