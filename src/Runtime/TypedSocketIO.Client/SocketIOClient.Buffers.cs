using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <content>The socket's buffers: the send buffer, the receive buffer, the acknowledgements and the at-least-once queue.</content>
public sealed partial class SocketIOClient
{
    internal bool SendAck<TState>(long ackId, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        SocketIOEncodedPacket packet;
        using (var writer = new SocketIOPacketWriter(_options.JsonSerializerOptions))
        {
            writer.StartAck();
            writeArguments(writer, state);
            packet = writer.Build(Namespace, ackId);
        }

        lock (Gate)
        {
            return _state == SocketState.Connected && SendLocked(packet);
        }
    }

    private static SocketIOArguments? DecodeOwn(SocketIOEncodedPacket packet, out string eventName)
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket? decoded = decoder.DecodeText(packet.Text.Span);
        for (int i = 0; decoded is null && i < packet.Attachments.Count; i++)
        {
            decoded = decoder.DecodeBinary(packet.Attachments[i].Span);
        }

        if (decoded is null)
        {
            eventName = string.Empty;
            return null;
        }

        return SocketIOArguments.FromEvent(decoded, out eventName);
    }

    private SocketIOEncodedPacket Encode<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, long ackId)
    {
        using var writer = new SocketIOPacketWriter(_options.JsonSerializerOptions);
        writer.StartEvent(eventName);
        writeArguments(writer, state);
        return writer.Build(Namespace, ackId);
    }

    private Task<SocketIOArguments>? Enqueue<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, TimeSpan? timeout, bool withResult)
    {
        // Encoded once now, so that an argument that cannot be serialized throws here, in the caller.
        _ = Encode(eventName, state, writeArguments, 0);
        TaskCompletionSource<SocketIOArguments>? result = withResult
            ? new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously)
            : null;
        var queued = new QueuedEmit(eventName, id => Encode(eventName, state, writeArguments, id), timeout, result);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_state == SocketState.Disposed, this);
            _queue.Add(queued);
            if (_queue.Count == 1)
            {
                DrainQueueLocked(force: false);
            }
        }

        return result?.Task;
    }

    /// <summary>Sends the head of the at-least-once queue (JS <c>_drainQueue</c>).</summary>
    private void DrainQueueLocked(bool force)
    {
        if (_state != SocketState.Connected || _queue.Count == 0)
        {
            return;
        }

        QueuedEmit head = _queue[0];
        if (head.Pending && !force)
        {
            return;
        }

        head.Pending = true;
        head.TryCount++;
        long id = Interlocked.Increment(ref _nextAckId);
        SocketIOEncodedPacket packet = head.Encode(id);
        var ack = new PendingAck(head.EventName, id, (arguments, error) => OnQueuedAckLocked(head, arguments, error));
        RegisterAckLocked(ack, head.Timeout);
        SendOrBufferLocked(head.EventName, packet, id, isVolatile: false);
    }

    private void OnQueuedAckLocked(QueuedEmit head, SocketIOArguments? arguments, Exception? error)
    {
        if (_queue.Count == 0 || !ReferenceEquals(_queue[0], head))
        {
            return;
        }

        if (error is not null)
        {
            SocketIOClientLog.RetryTimedOut(_logger, head.EventName, head.TryCount, _options.Retries + 1);
            if (head.TryCount > _options.Retries)
            {
                _queue.RemoveAt(0);
                head.Result?.TrySetException(error);
            }
        }
        else
        {
            _queue.RemoveAt(0);
            head.Result?.TrySetResult(arguments!);
        }

        head.Pending = false;
        DrainQueueLocked(force: false);
    }

    private void RegisterAckLocked(PendingAck ack, TimeSpan? timeout)
    {
        _acks.Add(ack.Id, ack);
        if (timeout is { } t)
        {
            ack.StartTimer(t, OnAckTimeout);
        }
    }

    private void OnAckTimeout(PendingAck ack, TimeSpan timeout)
    {
        lock (Gate)
        {
            if (!_acks.Remove(ack.Id))
            {
                return;
            }

            // A buffered packet that timed out is never sent (JS removes it from the send buffer too).
            _sendBuffer.RemoveAll(o => o.AckId == ack.Id);
            ack.Complete(null, new SocketIOClientAckTimeoutException(ack.EventName, timeout));
        }
    }

    private bool SendOrBufferLocked(string eventName, SocketIOEncodedPacket packet, long ackId, bool isVolatile)
    {
        // The JavaScript client's rule: a volatile packet is discarded when the transport is not writable; otherwise
        // it goes as any other (sent when connected, buffered until the namespace connects).
        IEngineConnection? open = _manager.OpenEngine;
        if (isVolatile && (open is null || !open.IsWritableNow))
        {
            SocketIOClientLog.VolatileDropped(_logger, eventName);
            return false;
        }

        IEngineConnection? engine = _state == SocketState.Connected ? open : null;
        if (engine is not null)
        {
            NotifyOutgoingLocked(packet);
            SendLocked(packet);
        }
        else
        {
            _sendBuffer.Add(new Outgoing(eventName, packet, ackId));
        }

        return true;
    }

    private bool SendLocked(SocketIOEncodedPacket packet)
    {
        if (_manager.OpenEngine is not { } engine)
        {
            return false;
        }

        if (_manager.Options.Parser is { } parser)
        {
            // Another parser: the packet, in the default form, becomes the one binary message that parser sends.
            return engine.TrySend(EngineIOMessage.Binary(parser.Encode(packet.Text.Span, packet.Attachments)));
        }

        if (packet.Attachments.Count == 0)
        {
            return engine.TrySend(EngineIOMessage.Text(packet.Text));
        }

        var messages = new EngineIOMessage[packet.Attachments.Count + 1];
        messages[0] = EngineIOMessage.Text(packet.Text);
        for (int i = 0; i < packet.Attachments.Count; i++)
        {
            messages[i + 1] = EngineIOMessage.Binary(packet.Attachments[i]);
        }

        return engine.TrySend(messages);
    }

    private void NotifyOutgoingLocked(SocketIOEncodedPacket packet)
    {
        if (_anyOutgoing.Count == 0)
        {
            return;
        }

        if (DecodeOwn(packet, out string eventName) is not { } arguments)
        {
            return;
        }

        Action<string, SocketIOArguments>[] listeners = [.. _anyOutgoing];
        _manager.Events.Post(() =>
        {
            foreach (Action<string, SocketIOArguments> listener in listeners)
            {
                listener(eventName, arguments);
            }
        });
    }

    private void OnEventLocked(SocketIOPacket packet)
    {
        SocketIOArguments arguments = SocketIOArguments.FromEvent(packet, out string eventName);
        SocketIOAck ack = packet.HasAckId ? new ClientAck(this, packet.AckId) : SocketIOAck.None;
        if (_state != SocketState.Connected)
        {
            // Not connected yet (the server emitted before its CONNECT): kept and delivered on connect (JS receiveBuffer).
            _receiveBuffer.Add(new ReceivedEvent(eventName, arguments, ack));
            return;
        }

        DeliverEventLocked(eventName, arguments, ack);
    }

    private void DeliverEventLocked(string eventName, SocketIOArguments arguments, SocketIOAck ack)
    {
        // Connection state recovery: the server appends the event's offset as a last string argument (JS emitEvent).
        if (_pid is not null && arguments.Count > 0 && arguments.GetKind(arguments.Count - 1) == JsonValueKind.String)
        {
            _lastOffset = arguments.GetElement(arguments.Count - 1).GetString();
        }

        Action<string, SocketIOArguments>[] any = _any.Count == 0 ? [] : [.. _any];
        SocketIOEventListener[] listeners = _listeners.TryGetValue(eventName, out List<SocketIOEventListener>? list) ? [.. list] : [];
        if (any.Length == 0 && listeners.Length == 0)
        {
            return;
        }

        _manager.Events.Post(async () =>
        {
            foreach (Action<string, SocketIOArguments> listener in any)
            {
                listener(eventName, arguments);
            }

            foreach (SocketIOEventListener listener in listeners)
            {
                await listener(arguments, ack).ConfigureAwait(false);
            }
        });
    }

    /// <summary>An event received before the namespace's CONNECT (JS <c>receiveBuffer</c>).</summary>
    private readonly record struct ReceivedEvent(string EventName, SocketIOArguments Arguments, SocketIOAck Ack);
}
