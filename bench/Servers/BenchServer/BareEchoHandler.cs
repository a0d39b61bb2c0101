using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace BenchServer;

/// <summary>
/// The reference of the <c>acks</c> scenario (<c>--api bare</c>): not a Socket.IO server, but the least a server on Kestrel's
/// default socket transport must do to answer the load generator: a WebSocket handshake, the Engine.IO open packet, the
/// CONNECT answer, and <c>43N[…]</c> for each <c>42N["echo",…]</c>, on a <see cref="ConnectionHandler"/> with no library in
/// between. No heartbeat, no validation, no room, no session: what it measures is Kestrel's transport (its thread hops and
/// syscalls) plus framing, so the gap between it and our server is what our own code costs.
/// </summary>
internal sealed class BareEchoHandler : ConnectionHandler
{
    private static readonly byte[] Open = Encoding.ASCII.GetBytes("0{\"sid\":\"bare\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    private static readonly byte[] Connected = Encoding.ASCII.GetBytes("40{\"sid\":\"bare\"}");

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;
        if (!await HandshakeAsync(input, output))
        {
            return;
        }

        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool wrote = false;
            while (TryReadFrame(ref buffer, out int opcode, out byte[] payload, out int length))
            {
                try
                {
                    if (opcode == 8)
                    {
                        return;
                    }

                    wrote |= Answer(output, payload.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (wrote)
            {
                await output.FlushAsync();
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static async Task<bool> HandshakeAsync(PipeReader input, PipeWriter output)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            byte[] head = buffer.ToArray();
            int end = head.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return false;
                }

                continue;
            }

            input.AdvanceTo(buffer.GetPosition(end + 4));
            string text = Encoding.ASCII.GetString(head, 0, end);
            const string KeyHeader = "Sec-WebSocket-Key:";
            int at = text.IndexOf(KeyHeader, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                output.Write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
                await output.FlushAsync();
                return false;
            }

            int lineEnd = text.IndexOf('\r', at);
            string key = text[(at + KeyHeader.Length)..(lineEnd < 0 ? text.Length : lineEnd)].Trim();
#pragma warning disable CA5350 // RFC 6455 defines Sec-WebSocket-Accept with SHA-1
            string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            output.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
            WriteFrame(output, Open);
            await output.FlushAsync();
            return true;
        }
    }

    // "40" → the CONNECT answer; "42N[\"echo\",…]" → "43N[…]"; anything else (a pong) → nothing.
    private static bool Answer(PipeWriter output, ReadOnlySpan<byte> packet)
    {
        if (packet.SequenceEqual("40"u8))
        {
            WriteFrame(output, Connected);
            return true;
        }

        if (!packet.StartsWith("42"u8))
        {
            return false;
        }

        int id = 2;
        while (id < packet.Length && packet[id] is >= (byte)'0' and <= (byte)'9')
        {
            id++;
        }

        int comma = packet.IndexOf((byte)',');
        if (id == 2 || comma < 0)
        {
            return false;
        }

        // 43 + id + '[' + the arguments after the event name (up to and with the closing ']').
        ReadOnlySpan<byte> digits = packet[2..id];
        ReadOnlySpan<byte> rest = packet[(comma + 1)..];
        int length = 2 + digits.Length + 1 + rest.Length;
        Span<byte> frame = output.GetSpan(4 + length);
        int header = WriteHeader(frame, length);
        Span<byte> body = frame[header..];
        "43"u8.CopyTo(body);
        digits.CopyTo(body[2..]);
        body[2 + digits.Length] = (byte)'[';
        rest.CopyTo(body[(3 + digits.Length)..]);
        output.Advance(header + length);
        return true;
    }

    private static void WriteFrame(PipeWriter output, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = output.GetSpan(4 + payload.Length);
        int header = WriteHeader(frame, payload.Length);
        payload.CopyTo(frame[header..]);
        output.Advance(header + payload.Length);
    }

    // A final text frame from the server (unmasked), payloads under 64 KiB.
    private static int WriteHeader(Span<byte> frame, int length)
    {
        frame[0] = 0x81;
        if (length < 126)
        {
            frame[1] = (byte)length;
            return 2;
        }

        frame[1] = 126;
        frame[2] = (byte)(length >> 8);
        frame[3] = (byte)length;
        return 4;
    }

    // One whole client frame (masked; 7- or 16-bit length), unmasked into a rented array.
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out int opcode, out byte[] payload, out int length)
    {
        opcode = 0;
        payload = [];
        length = 0;
        Span<byte> head = stackalloc byte[8];
        if (buffer.Length < 2)
        {
            return false;
        }

        buffer.Slice(0, Math.Min(8, buffer.Length)).CopyTo(head);
        int headerLength = 6;
        length = head[1] & 0x7F;
        if (length == 126)
        {
            if (buffer.Length < 4)
            {
                return false;
            }

            length = (head[2] << 8) | head[3];
            headerLength = 8;
        }
        else if (length == 127)
        {
            throw new InvalidOperationException("the bare reference server takes frames under 64 KiB");
        }

        if (buffer.Length < headerLength + length)
        {
            return false;
        }

        opcode = head[0] & 0x0F;
        Span<byte> mask = stackalloc byte[4];
        buffer.Slice(headerLength - 4, 4).CopyTo(mask);
        payload = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        buffer.Slice(headerLength, length).CopyTo(payload);
        for (int i = 0; i < length; i++)
        {
            payload[i] ^= mask[i & 3];
        }

        buffer = buffer.Slice(headerLength + length);
        return true;
    }
}
