using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>HTTP long-polling for one session: a GET receives what is queued, a POST delivers a payload of packets.</summary>
internal sealed class PollingTransport : IEngineIOTransport
{
    private static readonly byte[] OkBody = "ok"u8.ToArray();

    /// <summary>How long a pending poll holds back the close packet after a POST was refused with 413 (see <see cref="RefuseTooLargeAsync"/>).</summary>
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromSeconds(1);

    private readonly EngineIOConnection _session;

    // Set before the session is closed for a POST over MaxHttpBufferSize.
    private volatile bool _refusedTooLarge;

    // Under the session's lock.
    private bool _getPending;
    private bool _postPending;
    private TaskCompletionSource? _signal;

    public PollingTransport(EngineIOConnection session) => _session = session;

    public string Name => EngineIOProtocol.PollingTransport;

    /// <summary>A poll is pending: a packet queued now leaves at once.</summary>
    public bool IsWritableUnderLock => _getPending;

    /// <summary>Whether a GET is waiting (under the session's lock).</summary>
    public bool IsGetPendingUnderLock => _getPending;

    private EngineIOServer Server => _session.Server;

    public void WakeUnderLock()
    {
        TaskCompletionSource? signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }

    /// <summary>Nothing to drop: a pending poll is released by the session's state (closed, upgraded).</summary>
    public void Abort()
    {
    }

    /// <summary>Serves a polling GET: waits until something is queued (or the session closes), then writes it all as one payload.</summary>
    public async Task HandleGetAsync(HttpContext context)
    {
        bool overlap;
        lock (_session.SyncRoot)
        {
            // A second concurrent GET: the official server closes the session ("overlap from client").
            overlap = _getPending;
            _getPending = true;
        }

        if (overlap)
        {
            await _session.FailTransportAsync("overlapping polling GET requests").ConfigureAwait(false);
            await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
            return;
        }

        List<OutgoingPacket> packets = new();
        PollTake take = PollTake.Wait;
        int takenBytes = 0;
        try
        {
            while (true)
            {
                Task wait;
                lock (_session.SyncRoot)
                {
                    take = _session.TakeForPollUnderLock(packets, out takenBytes);
                    if (take != PollTake.Wait)
                    {
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
                    await _session.CloseCoreAsync(EngineIOCloseReason.TransportClose, flush: false).ConfigureAwait(false);
                    return;
                }
            }

            if (take == PollTake.Upgraded)
            {
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                return;
            }

            if (take == PollTake.PacketsThenFinish && _refusedTooLarge)
            {
                // The client learns of this close from the 413 of its POST (the official client then closes with "transport
                // error" and aborts this poll): the close packet waits a moment, so that it cannot overtake the 413.
                try
                {
                    await Task.Delay(RefusalGrace, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain; charset=UTF-8";
            Server.ApplyResponseHeaders(context, EngineIOTransports.Polling);
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
                await _session.CloseCoreAsync(EngineIOCloseReason.TransportClose, flush: false).ConfigureAwait(false);
            }
        }
        finally
        {
            // Written (copied into the response) or not: the bytes the poll took go back to their owners.
            foreach (OutgoingPacket packet in packets)
            {
                packet.Release();
            }

            lock (_session.SyncRoot)
            {
                _getPending = false;
                _session.OnWrittenUnderLock(takenBytes); // the response was sent (or failed): its bytes stop counting
            }

            if (take == PollTake.PacketsThenFinish)
            {
                _session.Finish();
            }
        }
    }

    /// <summary>Serves a polling POST: reads the payload (at most <see cref="EngineIOOptions.MaxHttpBufferSize"/> bytes) and dispatches its packets in order.</summary>
    public async Task HandlePostAsync(HttpContext context)
    {
        bool overlap;
        lock (_session.SyncRoot)
        {
            overlap = _postPending;
            _postPending = true;
        }

        if (overlap)
        {
            await _session.FailTransportAsync("overlapping polling POST requests").ConfigureAwait(false);
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
                await _session.FailTransportAsync(detail).ConfigureAwait(false);
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, "binary content type is not supported").ConfigureAwait(false);
                return;
            }

            int max = Server.Options.MaxHttpBufferSize;
            if (context.Request.ContentLength > max)
            {
                await RefuseTooLargeAsync(context, max).ConfigureAwait(false);
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
                    await RefuseTooLargeAsync(context, max).ConfigureAwait(false);
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
                        open = await _session.DispatchAsync(EngineIOPacketType.Message, EngineIOPayload.DecodeBase64(packet.Data.Span), isBinary: true).ConfigureAwait(false);
                    }
                    else
                    {
                        open = await _session.DispatchAsync(packet.Type, packet.Data, isBinary: false).ConfigureAwait(false);
                    }
                }
            }
            catch (EngineIOProtocolException ex)
            {
                await _session.FailAsync(ex.Message).ConfigureAwait(false);
                await EngineIOServer.WriteErrorAsync(context, EngineIOErrorCode.BadRequest, null).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/html";
            context.Response.ContentLength = OkBody.Length;
            Server.ApplyResponseHeaders(context, EngineIOTransports.Polling);
            await context.Response.Body.WriteAsync(OkBody, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            await _session.CloseCoreAsync(EngineIOCloseReason.TransportError, flush: false).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            lock (_session.SyncRoot)
            {
                _postPending = false;
            }
        }
    }

    /// <summary>
    /// Answers 413 to a POST over <see cref="EngineIOOptions.MaxHttpBufferSize"/> and closes the session with
    /// <c>transport error</c>. Stricter than the official server, which leaves the session to its client (the official client
    /// closes it on the 413 anyway): a peer that sends oversized bodies is not served further (RELIABILITY-ADVISORIES.md). A
    /// pending poll gets the close packet only after <see cref="RefusalGrace"/> (or never, when the client aborts it first),
    /// so that what the official client reports is the refused POST, as with the official server.
    /// </summary>
    private async Task RefuseTooLargeAsync(HttpContext context, int max)
    {
        string detail = $"a polling POST over EngineIOOptions.MaxHttpBufferSize ({max} bytes)";
        EngineIOLog.ProtocolViolation(Server.Logger, detail + ", answered 413");
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;

        await context.Response.CompleteAsync().ConfigureAwait(false);
        _refusedTooLarge = true;
        await _session.CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, detail), flush: false).ConfigureAwait(false);
    }
}
