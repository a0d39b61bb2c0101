using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The hand-over of a connecting socket: it can be found by broadcasts before its CONNECT answer (and, when restored by
/// connection state recovery, the packets it missed) are queued. Until then, the EVENTs that reach it wait here; then they
/// follow the missed packets, those already among them dropped (recognised by their offset). So the client gets CONNECT first,
/// and every packet emitted while it was away or coming back reaches it once, in the order of the offsets.
/// </summary>
public sealed partial class SocketIOSocket
{
    private ReplayHold? _replayHold;

    /// <summary>
    /// From now on, the EVENTs sent to this socket wait for <see cref="ReleaseReplayHold"/> (before the socket can be found), at
    /// most <c>EngineIOOptions.MaxOutgoingBufferSize</c> bytes of them (the connection could not have more waiting either).
    /// </summary>
    internal void BeginReplayHold() => System.Threading.Volatile.Write(ref _replayHold, new ReplayHold(Server.Options.EngineIO.MaxOutgoingBufferSize));

    /// <summary>The bytes a connection counts as waiting for these packets (each frame with its Engine.IO type byte).</summary>
    internal static long OutgoingBytes(IReadOnlyList<SocketIOEncodedPacket> packets)
    {
        long bytes = 0;
        foreach (SocketIOEncodedPacket packet in packets)
        {
            bytes += OutgoingBytes(packet);
        }

        return bytes;
    }

    private static long OutgoingBytes(SocketIOEncodedPacket packet)
    {
        long bytes = packet.Text.Length + 1;
        foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
        {
            bytes += attachment.Length + 1;
        }

        return bytes;
    }

    /// <summary>Keeps an EVENT while the socket is being restored; false when it can go out now.</summary>
    private bool TryHoldForReplay(SocketIOEncodedPacket packet, bool isVolatile) =>
        System.Threading.Volatile.Read(ref _replayHold) is { } hold && hold.TryAdd(packet, isVolatile);

    /// <summary>
    /// Queues the CONNECT answer, the missed packets, then the packets held meanwhile that are not among them, and ends the hold;
    /// under the hold's lock, so that a packet sent at the same time goes out after all of them.
    /// </summary>
    /// <returns>The number of held packets sent after the missed ones; -1 (nothing sent) when more than the bound was held.</returns>
    internal int ReleaseReplayHold(SocketIOEncodedPacket connect, IReadOnlyList<SocketIOEncodedPacket> missed)
    {
        ReplayHold hold = System.Threading.Volatile.Read(ref _replayHold) ?? throw new InvalidOperationException("The socket is not being restored.");
        int sent = 0;
        lock (hold.Gate)
        {
            if (hold.Overflowed)
            {
                hold.Released = true;
                System.Threading.Volatile.Write(ref _replayHold, null);
                return -1;
            }

            Client.TrySend(connect, isVolatile: false);
            HashSet<string>? offsets = null;
            foreach (SocketIOEncodedPacket packet in missed)
            {
                if (hold.Packets is { Count: > 0 } && TryReadOffset(packet.Text.Span) is { } offset)
                {
                    (offsets ??= new HashSet<string>(StringComparer.Ordinal)).Add(offset);
                }

                Client.TrySend(packet, isVolatile: false);
            }

            foreach ((SocketIOEncodedPacket packet, bool isVolatile) in hold.Packets ?? [])
            {
                if (offsets is not null && TryReadOffset(packet.Text.Span) is { } offset && offsets.Contains(offset))
                {
                    continue;
                }

                Client.TrySend(packet, isVolatile);
                sent++;
            }

            hold.Packets = null;
            hold.Released = true;
        }

        System.Threading.Volatile.Write(ref _replayHold, null);
        return sent;
    }

    /// <summary>
    /// The offset of an EVENT kept for recovery: its last argument, a string the adapter appended (letters, digits, '-', so never
    /// escaped); <see langword="null"/> when the text does not end with a string.
    /// </summary>
    internal static string? TryReadOffset(ReadOnlySpan<byte> text)
    {
        if (text.Length < 4 || text[^1] != (byte)']' || text[^2] != (byte)'"')
        {
            return null;
        }

        ReadOnlySpan<byte> body = text[..^2];
        int start = body.LastIndexOf((byte)'"');
        if (start <= 0 || body[start - 1] != (byte)',')
        {
            return null;
        }

        ReadOnlySpan<byte> offset = body[(start + 1)..];
        foreach (byte b in offset)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_'))
            {
                return null;
            }
        }

        return offset.IsEmpty ? null : System.Text.Encoding.ASCII.GetString(offset);
    }

    private sealed class ReplayHold(long maxBytes)
    {
        private long _bytes;

        public Lock Gate { get; } = new();

        /// <summary>More than the bound was sent meanwhile: what was held is dropped, the connection is to be closed.</summary>
        public bool Overflowed { get; private set; }

        /// <summary>The EVENTs held, made on the first (most sockets get none).</summary>
        public List<(SocketIOEncodedPacket Packet, bool IsVolatile)>? Packets { get; set; }

        public bool Released { get; set; }

        public bool TryAdd(SocketIOEncodedPacket packet, bool isVolatile)
        {
            lock (Gate)
            {
                if (Released)
                {
                    return false;
                }

                if (Overflowed)
                {
                    return true;
                }

                _bytes += OutgoingBytes(packet);
                if (_bytes > maxBytes)
                {
                    Overflowed = true;
                    Packets = null;
                    return true;
                }

                (Packets ??= []).Add((packet, isVolatile));
                return true;
            }
        }
    }
}
