using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>
/// A server-side WebSocket straight on a connection's pipes (the lean Kestrel transport): frames are read inline from the
/// connection's <see cref="PipeReader"/> and written into its <see cref="PipeWriter"/>. No buffer is held while the socket is
/// idle: a message's bytes are rented when its first frame arrives. Pings are answered with pongs, a close frame is answered
/// with a close frame, and a broken frame closes the connection with 1002 (protocol), 1007 (bad UTF-8), 1009 (size) or 1008 (too many fragments).
/// </summary>
internal sealed class PipeWebSocket : WebSocket
{
    private readonly ConnectionContext _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly WebSocketMessageAssembler _assembler;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private bool _closeSent;
    private bool _closeReceived;

    // What is left of the current message for the Stream-like ReceiveAsync of WebSocket.
    private int _pendingOffset;
    private int _pendingLength = -1;
    private bool _pendingBinary;

    // A continuation of a message sent in several SendAsync calls.
    private bool _sendingFragments;

    public PipeWebSocket(ConnectionContext connection, int maxMessageSize, int maxFragments)
    {
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _assembler = new WebSocketMessageAssembler(maxMessageSize, maxFragments);
    }

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    /// <summary>Whether a message's bytes are held right now.</summary>
    internal bool HoldsBuffer => _assembler.HoldsBuffer;

    /// <summary>
    /// Receives the next whole data message, answering pings and closes on the way. <see cref="WebSocketMessage.Data"/> is
    /// valid until <see cref="ReleaseMessage"/> or the next receive. Throws <see cref="EngineIOLimitExceededException"/> for a
    /// crossed limit (after a 1009 or 1008 close), <see cref="WebSocketException"/> for a broken frame (after a 1002 or 1007 close) or a
    /// connection closed without a close frame.
    /// </summary>
    /// <remarks>Its state machine comes from a pool: an idle socket's read completes asynchronously for every message, and the
    /// read loop awaits each result once.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<WebSocketMessage> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        _assembler.ReleaseMessage();
        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            WebSocketReadKind kind;
            try
            {
                kind = _assembler.Read(ref buffer);
            }
            catch (WebSocketFrameException ex)
            {
                _input.AdvanceTo(result.Buffer.End);
                _state = WebSocketState.Aborted;
                await TrySendCloseAsync(ex.CloseStatus).ConfigureAwait(false);
                if (ex.IsLimit)
                {
                    throw new EngineIOLimitExceededException(ex.Message);
                }

                throw new WebSocketException(WebSocketError.Faulted, ex.Message, ex);
            }

            if (kind == WebSocketReadKind.None)
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    _state = WebSocketState.Aborted;
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the connection closed without a WebSocket close frame");
                }

                continue;
            }

            _input.AdvanceTo(buffer.Start);
            switch (kind)
            {
                case WebSocketReadKind.Text:
                case WebSocketReadKind.Binary:
                    return new WebSocketMessage(_assembler.Message, kind == WebSocketReadKind.Binary, false);
                case WebSocketReadKind.Ping:
                    await SendControlAsync(WebSocketOpcode.Pong, _assembler.PingPayload).ConfigureAwait(false);
                    break;
                case WebSocketReadKind.Close:
                    _closeReceived = true;
                    _closeStatus = _assembler.CloseStatus;
                    _closeDescription = _assembler.CloseDescription;
                    _state = _closeSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
                    return new WebSocketMessage(ReadOnlyMemory<byte>.Empty, false, true);
            }
        }
    }

    /// <summary>Returns the buffer of the last message received.</summary>
    internal void ReleaseMessage() => _assembler.ReleaseMessage();

    /// <summary>
    /// Writes frames with <paramref name="write"/> under the write lock and flushes once: a burst of packets leaves in one
    /// write to the socket.
    /// </summary>
    internal async ValueTask WriteAndFlushAsync<TState>(Action<PipeWriter, TState> write, TState state, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closeSent)
            {
                throw new WebSocketException(WebSocketError.InvalidState, "the WebSocket close frame was already sent");
            }

            write(_output, state);
            _flushCount++;
            FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the connection is closed");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>How many times this socket flushed its connection's pipe (for tests: one flush per burst).</summary>
    internal int FlushCount => Volatile.Read(ref _flushCount);

    private int _flushCount;

    /// <summary>
    /// Calls <paramref name="write"/> under the write lock with the connection's <see cref="PipeWriter"/> (or
    /// <see langword="null"/> once our close frame is sent: nothing more may be written), and flushes once when it says it
    /// wrote something: everything written in one call leaves in one write to the socket.
    /// </summary>
    /// <returns>What <paramref name="write"/> returned.</returns>
    internal async ValueTask<bool> WriteFramesAsync<TState>(Func<PipeWriter?, TState, bool> write, TState state)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            bool closed = _closeSent;
            bool wrote = write(closed ? null : _output, state);
            if (wrote && !closed)
            {
                _flushCount++;
                FlushResult flush = await _output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the connection is closed");
                }
            }

            return wrote;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pendingLength < 0)
        {
            WebSocketMessage message = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
            if (message.IsClose)
            {
                return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true);
            }

            _pendingOffset = 0;
            _pendingLength = message.Data.Length;
            _pendingBinary = message.IsBinary;
        }

        int count = Math.Min(buffer.Length, _pendingLength - _pendingOffset);
        _assembler.Message.Slice(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        bool end = _pendingOffset == _pendingLength;
        if (end)
        {
            _pendingLength = -1;
            _assembler.ReleaseMessage();
        }

        return new ValueWebSocketReceiveResult(count, _pendingBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, end);
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        ValueWebSocketReceiveResult result = await ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, _closeDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        WebSocketOpcode opcode = _sendingFragments ? WebSocketOpcode.Continuation : messageType == WebSocketMessageType.Binary ? WebSocketOpcode.Binary : WebSocketOpcode.Text;
        _sendingFragments = !endOfMessage;
        return WriteAndFlushAsync(
            static (writer, s) =>
            {
                Span<byte> header = writer.GetSpan(WebSocketFrames.MaxServerHeaderLength);
                writer.Advance(WebSocketFrames.WriteHeader(header, s.Opcode, s.End, s.Buffer.Length));
                writer.Write(s.Buffer.Span);
            },
            (Opcode: opcode, End: endOfMessage, Buffer: buffer),
            cancellationToken);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        byte[] reason = statusDescription is null ? [] : System.Text.Encoding.UTF8.GetBytes(statusDescription);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closeSent)
            {
                return;
            }

            _closeSent = true;
            WebSocketFrames.WriteClose(_output, closeStatus, reason);
            _flushCount++;
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        if (_closeReceived)
        {
            // Both close frames are exchanged: the server ends the TCP connection (RFC 6455 §7.1.1).
            _state = WebSocketState.Closed;
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        else if (_state == WebSocketState.Open)
        {
            _state = WebSocketState.CloseSent;
        }
    }

    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await CloseOutputAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        while (!_closeReceived)
        {
            WebSocketMessage message = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
            _ = message;
        }

        await _output.CompleteAsync().ConfigureAwait(false);
    }

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _connection.Abort(new ConnectionAbortedException("The WebSocket was aborted."));
    }

    public override void Dispose()
    {
        _assembler.Dispose();
    }

    private async ValueTask SendControlAsync(WebSocketOpcode opcode, byte[] payload)
    {
        try
        {
            await WriteAndFlushAsync(static (writer, s) => WebSocketFrames.WriteFrame(writer, s.Opcode, -1, s.Payload), (Opcode: opcode, Payload: payload), CancellationToken.None).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // A pong after our close frame is not sent.
        }
    }

    private async ValueTask TrySendCloseAsync(WebSocketCloseStatus status)
    {
        try
        {
            await CloseOutputAsync(status, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The connection is already gone.
        }
    }
}
