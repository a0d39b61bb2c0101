using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using TypedSocketIO.EngineIO.Internal;

namespace TypedSocketIO.EngineIO;

/// <summary>HTTP long-polling: a GET receives what is queued, a POST delivers a payload of packets.</summary>
public sealed partial class EngineIOConnection
{
    private static readonly byte[] OkBody = "ok"u8.ToArray();
    private bool _getPending;
    private bool _postPending;

    /// <summary>Serves a polling GET: waits until something is queued (or the session closes), then writes it all as one payload.</summary>
    internal async Task HandlePollAsync(HttpContext context)
    {
        bool overlap;
        lock (_lock)
        {
            // A second concurrent GET: the official server closes the session ("overlap from client").
            overlap = _getPending;
            _getPending = true;
        }

        if (overlap)
        {
            EngineIOLog.ProtocolViolation(_server.Logger, "overlapping polling GET requests");
            await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, "overlapping polling GET requests"), flush: false).ConfigureAwait(false);
            await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            return;
        }

        List<OutgoingPacket> packets = new();
        bool close = false;
        bool upgraded = false;
        try
        {
            while (true)
            {
                Task wait;
                lock (_lock)
                {
                    if (_transport != EngineIOProtocol.PollingTransport)
                    {
                        // Upgraded while this GET was pending. A client that upgrades pauses polling first, so this GET is
                        // answered as any polling request after the upgrade is: 400, everything goes over the WebSocket.
                        upgraded = true;
                        break;
                    }

                    if (_noopDue != 0 && _queue.Count == 0 && Environment.TickCount64 >= _noopDue)
                    {
                        _noopPending = true;
                        _noopDue = Environment.TickCount64 + NoopIntervalMilliseconds;
                    }

                    // While a probe is answered (the client pausing polling), what is queued still goes to this poll at once, as
                    // the official server flushes to any writable transport; the noop only releases a poll that has nothing else.
                    if (_queue.Count > 0 || _state != ConnectionState.Open || _noopPending)
                    {
                        packets.AddRange(_queue);
                        _queue.Clear();
                        _queuedBytes = 0;
                        if (_noopPending && packets.Count == 0)
                        {
                            packets.Add(new OutgoingPacket(EngineIOPacketType.Noop, ReadOnlyMemory<byte>.Empty, false));
                        }

                        _noopPending = false;
                        close = _state != ConnectionState.Open;
                        if (close && _closedByClient && (packets.Count == 0 || packets[^1].Type != EngineIOPacketType.Noop))
                        {
                            // The client sent a close packet: its pending poll is released with a noop, as the official server does.
                            packets.Add(new OutgoingPacket(EngineIOPacketType.Noop, ReadOnlyMemory<byte>.Empty, false));
                        }

                        break;
                    }

                    _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _signal.Task;
                }

                try
                {
                    await wait.WaitAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The client went away while its GET was pending ("poll connection closed prematurely").
                    await CloseCoreAsync(EngineIOCloseReason.TransportClose, flush: false).ConfigureAwait(false);
                    return;
                }
            }

            if (upgraded)
            {
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                return;
            }

            if (close && !_closedByClient)
            {
                packets.Add(new OutgoingPacket(EngineIOPacketType.Close, ReadOnlyMemory<byte>.Empty, false));
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain; charset=UTF-8";
            _server.ApplyResponseHeaders(context, EngineIOTransports.Polling);
            PipeWriter body = context.Response.BodyWriter;
            for (int i = 0; i < packets.Count; i++)
            {
                OutgoingPacket packet = packets[i];
                EngineIOPayload.WritePacket(body, i == 0, packet.Type, packet.Data.Span, packet.IsBinary);
            }

            try
            {
                await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                await CloseCoreAsync(EngineIOCloseReason.TransportClose, flush: false).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                _getPending = false;
            }

            if (close)
            {
                Finish();
            }
        }
    }

    /// <summary>Serves a polling POST: reads the payload (at most <see cref="EngineIOOptions.MaxHttpBufferSize"/> bytes) and dispatches its packets in order.</summary>
    internal async Task HandlePostAsync(HttpContext context)
    {
        bool overlap;
        lock (_lock)
        {
            overlap = _postPending;
            _postPending = true;
        }

        if (overlap)
        {
            EngineIOLog.ProtocolViolation(_server.Logger, "overlapping polling POST requests");
            await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, "overlapping polling POST requests"), flush: false).ConfigureAwait(false);
            await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            return;
        }

        byte[]? rented = null;
        try
        {
            // Engine.IO v4 payloads are text; a binary content type is refused and the session closed with transport error, as
            // the official server does ("invalid content", GHSA-r635-g3xr-vw7x).
            string? contentType = context.Request.ContentType;
            if (contentType is not null && contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                const string detail = "a polling POST with Content-Type application/octet-stream (Engine.IO v4 payloads are text)";
                EngineIOLog.ProtocolViolation(_server.Logger, detail);
                await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, detail), flush: false).ConfigureAwait(false);
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, "binary content type is not supported").ConfigureAwait(false);
                return;
            }

            int max = _server.Options.MaxHttpBufferSize;
            if (context.Request.ContentLength > max)
            {
                RefuseTooLarge(context, max);
                return;
            }

            PipeReader reader = context.Request.BodyReader;
            ReadResult result;
            while (true)
            {
                result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (result.Buffer.Length > max)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    RefuseTooLarge(context, max);
                    return;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            int length = (int)result.Buffer.Length;
            rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            result.Buffer.CopyTo(rented);
            reader.AdvanceTo(result.Buffer.End);

            ReadOnlyMemory<byte> payload = rented.AsMemory(0, length);
            bool open = true;
            try
            {
                if (payload.IsEmpty)
                {
                    throw new EngineIOProtocolException("empty payload");
                }

                while (open && EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket packet))
                {
                    if (packet.IsBase64Binary)
                    {
                        open = await DispatchAsync(EngineIOPacketType.Message, EngineIOPayload.DecodeBase64(packet.Data.Span), isBinary: true).ConfigureAwait(false);
                    }
                    else
                    {
                        open = await DispatchAsync(packet.Type, packet.Data, isBinary: false).ConfigureAwait(false);
                    }
                }
            }
            catch (EngineIOProtocolException ex)
            {
                await FailAsync(ex.Message).ConfigureAwait(false);
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/html";
            context.Response.ContentLength = OkBody.Length;
            _server.ApplyResponseHeaders(context, EngineIOTransports.Polling);
            await context.Response.Body.WriteAsync(OkBody, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            await CloseCoreAsync(EngineIOCloseReason.TransportError, flush: false).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            lock (_lock)
            {
                _postPending = false;
            }
        }
    }

    /// <summary>
    /// Answers 413 to a POST over <see cref="EngineIOOptions.MaxHttpBufferSize"/>, as the official server does: the session is
    /// left open, so that the 413 reaches the client first (the official client then closes with <c>transport error</c>).
    /// </summary>
    private void RefuseTooLarge(HttpContext context, int max)
    {
        EngineIOLog.ProtocolViolation(_server.Logger, $"request body over EngineIOOptions.MaxHttpBufferSize ({max} bytes), answered 413");
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;
    }
}
