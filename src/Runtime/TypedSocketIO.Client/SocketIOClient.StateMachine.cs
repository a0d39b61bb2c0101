using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <content>The socket's state machine: its states, the one place they change, and what the manager tells it.</content>
public sealed partial class SocketIOClient
{
    /// <summary>
    /// The states of the socket (those of the JavaScript <c>Socket</c>: <c>active</c> and <c>connected</c>, plus the end
    /// of its life). They change in <see cref="TransitionLocked"/> only.
    /// </summary>
    /// <remarks>
    /// <code>
    /// Inactive ──ConnectAsync──▶ Connecting ──server CONNECT──▶ Connected
    ///    ▲                         ▲    │                         │ │
    ///    │                         │    └─refused, disconnect────▶│ │ (to Inactive)
    ///    │                         └───────connection lost────────┘ │
    ///    └──────────────DisconnectAsync, server DISCONNECT──────────┘
    /// Inactive ──DisposeAsync──▶ Disposed
    /// </code>
    /// </remarks>
    private enum SocketState
    {
        /// <summary>Not asked to connect, or stopped (disconnected, refused, given up): no reconnection. Emits are buffered.</summary>
        Inactive,

        /// <summary>
        /// Active, not connected (JS <c>active &amp;&amp; !connected</c>): waiting for the manager's connection, or its CONNECT
        /// sent and the answer not come yet. Emits are buffered (volatile ones dropped), received events too.
        /// </summary>
        Connecting,

        /// <summary>The server accepted the namespace: emits are sent, events delivered.</summary>
        Connected,

        /// <summary>Disposed: every call but the state's getters throws <see cref="ObjectDisposedException"/>.</summary>
        Disposed,
    }

    /// <summary>
    /// The one place where the socket's state changes, with what each edge does: leaving <see cref="SocketState.Connected"/>
    /// fails the acknowledgements of the packets already sent and raises <see cref="Disconnected"/>; entering it flushes
    /// the buffers and raises <see cref="Connected"/>; entering <see cref="SocketState.Inactive"/> tells the manager (which
    /// closes the connection when no socket is active any more); entering <see cref="SocketState.Disposed"/> fails the
    /// at-least-once queue. Under <see cref="Gate"/>.
    /// </summary>
    /// <param name="to">The new state.</param>
    /// <param name="reason">Why <see cref="SocketState.Connected"/> is left (the reason of <see cref="Disconnected"/>).</param>
    /// <exception cref="InvalidOperationException">The edge does not exist (a bug of the client, never the server's doing).</exception>
    private void TransitionLocked(SocketState to, string? reason = null)
    {
        SocketState from = _state;
        bool exists = (from, to) switch
        {
            (SocketState.Inactive, SocketState.Connecting) => true,
            (SocketState.Connecting, SocketState.Connected) => true,

            // A second CONNECT while connected: the JavaScript socket runs its onconnect again; so do we.
            (SocketState.Connected, SocketState.Connected) => true,
            (SocketState.Connected, SocketState.Connecting) => true,
            (SocketState.Connecting or SocketState.Connected, SocketState.Inactive) => true,
            (SocketState.Inactive, SocketState.Disposed) => true,
            _ => false,
        };
        if (!exists)
        {
            throw new InvalidOperationException($"The socket of {Namespace} cannot go from {from} to {to}.");
        }

        _state = to;
        if (from == SocketState.Connected && to != SocketState.Connected)
        {
            LeaveConnectedLocked(reason ?? "io client disconnect");
        }

        switch (to)
        {
            case SocketState.Connected:
                EnterConnectedLocked();
                break;
            case SocketState.Inactive:
                // JS destroy(): an attempt in progress (an auth provider running) is void, and the manager closes when
                // this was its last active socket.
                _connectAttempt++;
                _manager.DeactivatedLocked();
                break;
            case SocketState.Disposed:
                foreach (QueuedEmit queued in _queue)
                {
                    queued.Result?.TrySetException(new ObjectDisposedException(nameof(SocketIOClient)));
                }

                _queue.Clear();
                _sendBuffer.Clear();
                break;
            default:
                break;
        }
    }

    /// <summary>Disconnects on the user's request (JS <c>disconnect()</c>): DISCONNECT when connected, then inactive.</summary>
    private void DisconnectLocked()
    {
        if (_state == SocketState.Connected)
        {
            SendLocked(SocketIOEncodedPacket.Disconnect(Namespace));
        }

        if (IsActiveLocked)
        {
            TransitionLocked(SocketState.Inactive, "io client disconnect");
        }

        FailConnectWaiterLocked(new SocketIOClientDisconnectedException("the client was disconnected before it connected", "io client disconnect"));
    }

    /// <summary>The connection (re)opened: send this namespace's CONNECT (JS <c>onopen</c>).</summary>
    internal void OnEngineOpenLocked()
    {
        int attempt = ++_connectAttempt;
        if (_options.AuthProvider is { } provider)
        {
            _ = ProvideAuthThenConnectAsync(provider, attempt);
        }
        else
        {
            SendConnectLocked(_options.Auth);
        }
    }

    internal void OnOpenFailedLocked(Exception error, bool willRetry)
    {
        _lastOpenError = error;
        if (_state != SocketState.Connected)
        {
            var exception = new SocketIOConnectErrorException(error.Message, error);
            RaiseLocked(() => ConnectError?.Invoke(exception));
        }

        if (!willRetry)
        {
            FailConnectWaiterLocked(new SocketIOConnectErrorException(error.Message, error));
        }
    }

    internal void OnReconnectFailedLocked() =>
        FailConnectWaiterLocked(_lastOpenError is { } error
            ? new SocketIOConnectErrorException("reconnection failed: " + error.Message, error)
            : new SocketIOConnectErrorException("reconnection failed"));

    /// <summary>The manager's connection ended: a connected socket waits for the next one (JS <c>onclose</c>).</summary>
    internal void OnEngineClosedLocked(string reason)
    {
        if (_state == SocketState.Connected)
        {
            TransitionLocked(SocketState.Connecting, reason);
        }
    }

    internal void OnPacketLocked(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                OnConnectLocked(packet);
                break;
            case SocketIOPacketType.ConnectError:
                OnConnectErrorLocked(packet);
                break;
            case SocketIOPacketType.Disconnect:
                if (_state == SocketState.Connected)
                {
                    TransitionLocked(SocketState.Inactive, "io server disconnect");
                }
                else
                {
                    SocketIOClientLog.NamespaceDisconnected(_logger, Namespace, "io server disconnect");
                    TransitionLocked(SocketState.Inactive);
                }

                FailConnectWaiterLocked(new SocketIOClientDisconnectedException("the server disconnected the client", "io server disconnect"));
                break;
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                OnEventLocked(packet);
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (_acks.Remove(packet.AckId, out PendingAck? ack))
                {
                    ack.Complete(SocketIOArguments.FromAck(packet), null);
                }
                else
                {
                    SocketIOClientLog.UnknownAck(_logger, Namespace, packet.AckId);
                }

                break;
        }
    }

    private static byte[] BuildConnectPayload(JsonObject? auth, string? pid, string? offset)
    {
        if (auth is null && pid is null)
        {
            return [];
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SocketIOJsonOptions.JsonStringifyEncoder }))
        {
            json.WriteStartObject();

            // Connection state recovery: the session id and the offset of the last event received, first, as the
            // JavaScript client's Object.assign({ pid, offset }, auth) (an auth property of the same name wins).
            if (pid is not null && !(auth?.ContainsKey("pid") ?? false))
            {
                json.WriteString("pid"u8, pid);
            }

            if (pid is not null && offset is not null && !(auth?.ContainsKey("offset") ?? false))
            {
                json.WriteString("offset"u8, offset);
            }

            if (auth is not null)
            {
                foreach (KeyValuePair<string, JsonNode?> property in auth)
                {
                    json.WritePropertyName(property.Key);
                    if (property.Value is null)
                    {
                        json.WriteNullValue();
                    }
                    else
                    {
                        property.Value.WriteTo(json);
                    }
                }
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task ProvideAuthThenConnectAsync(Func<CancellationToken, ValueTask<JsonObject?>> provider, int attempt)
    {
        JsonObject? auth;
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout);
            auth = await provider(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The provider's failure is the connection's failure: reported as connect_error, not thrown here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            SocketIOClientLog.AuthProviderFailed(_logger, Namespace, e);
            lock (Gate)
            {
                if (attempt == _connectAttempt && _state == SocketState.Connecting)
                {
                    var exception = new SocketIOConnectErrorException("the auth provider failed: " + e.Message, e);
                    RaiseLocked(() => ConnectError?.Invoke(exception));
                    TransitionLocked(SocketState.Inactive);
                    FailConnectWaiterLocked(exception);
                }
            }

            return;
        }

        lock (Gate)
        {
            if (attempt == _connectAttempt && _state == SocketState.Connecting)
            {
                SendConnectLocked(auth);
            }
        }
    }

    private void SendConnectLocked(JsonObject? auth)
    {
        byte[] payload = BuildConnectPayload(auth, _pid, _lastOffset);
        SendLocked(SocketIOEncodedPacket.Connect(Namespace, payload));
    }

    private void OnConnectLocked(SocketIOPacket packet)
    {
        string? sid = null;
        string? pid = null;
        using (JsonDocument document = JsonDocument.Parse(packet.Payload))
        {
            if (document.RootElement.TryGetProperty("sid"u8, out JsonElement s) && s.ValueKind == JsonValueKind.String)
            {
                sid = s.GetString();
            }

            if (document.RootElement.TryGetProperty("pid"u8, out JsonElement p) && p.ValueKind == JsonValueKind.String)
            {
                pid = p.GetString();
            }
        }

        _id = sid;
        _recovered = pid is not null && pid == _pid;
        _pid = pid;
        SocketIOClientLog.NamespaceConnected(_logger, Namespace, sid ?? string.Empty, _recovered);
        TransitionLocked(SocketState.Connected);
    }

    /// <summary>Entering <see cref="SocketState.Connected"/> (JS <c>onconnect</c>): the buffers flushed, then the connect event.</summary>
    private void EnterConnectedLocked()
    {
        // Buffered emits first, in order, then the connect event (JS emitBuffered, then "connect").
        foreach (Outgoing outgoing in _sendBuffer)
        {
            NotifyOutgoingLocked(outgoing.Packet);
            SendLocked(outgoing.Packet);
        }

        _sendBuffer.Clear();

        // Events that arrived before the CONNECT (e.g. emitted by a server middleware), then the connect event
        // (JS emitBuffered: the receive buffer first).
        foreach (ReceivedEvent received in _receiveBuffer)
        {
            DeliverEventLocked(received.EventName, received.Arguments, received.Ack);
        }

        _receiveBuffer.Clear();
        RaiseLocked(() => Connected?.Invoke());
        if (_connectWaiter is { } waiter)
        {
            _connectWaiter = null;
            waiter.TrySetResult();
        }

        DrainQueueLocked(force: true);
    }

    private void OnConnectErrorLocked(SocketIOPacket packet)
    {
        string message = "connect error";
        JsonElement? data = null;
        using (JsonDocument document = JsonDocument.Parse(packet.Payload))
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                message = root.GetString() ?? message;
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("message"u8, out JsonElement m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString() ?? message;
                }

                if (root.TryGetProperty("data"u8, out JsonElement d))
                {
                    data = d.Clone();
                }
            }
        }

        SocketIOClientLog.ConnectRefused(_logger, Namespace, message);
        var exception = new SocketIOConnectErrorException(message, data);

        // The server's refusal is final for this namespace (JS destroy()): no reconnection.
        TransitionLocked(SocketState.Inactive, "io server disconnect");
        RaiseLocked(() => ConnectError?.Invoke(exception));
        FailConnectWaiterLocked(exception);
    }

    /// <summary>Leaving <see cref="SocketState.Connected"/>: the namespace's session ended (JS <c>onclose</c>).</summary>
    private void LeaveConnectedLocked(string reason)
    {
        _id = null;
        SocketIOClientLog.NamespaceDisconnected(_logger, Namespace, reason);

        // Acknowledgements of packets already sent will never come; those of buffered packets stay (JS _clearAcks).
        List<PendingAck>? lost = null;
        foreach (PendingAck ack in _acks.Values)
        {
            if (!_sendBuffer.Exists(o => o.AckId == ack.Id))
            {
                (lost ??= []).Add(ack);
            }
        }

        if (lost is not null)
        {
            foreach (PendingAck ack in lost)
            {
                _acks.Remove(ack.Id);
                ack.Complete(null, new SocketIOClientDisconnectedException("socket has been disconnected", reason));
            }
        }

        RaiseLocked(() => Disconnected?.Invoke(reason));
    }

    private void FailConnectWaiterLocked(Exception error)
    {
        if (_connectWaiter is { } waiter)
        {
            _connectWaiter = null;
            waiter.TrySetException(error);
        }
    }

    private void RaiseLocked(Action action) => _manager.Events.Post(action);
}
