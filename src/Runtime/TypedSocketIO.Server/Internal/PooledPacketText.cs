using System.Buffers;
using System.Diagnostics;
using TypedSocketIO.EngineIO.Internal.Transports;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The text of one outgoing packet without attachments (an EVENT or an ACK to one socket) in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>, lent to the Engine.IO session until it is written or dropped: then <see cref="Release"/>
/// gives the array back, and this object to a small pool. Exactly one release per rental: whoever holds it last (the session,
/// the transport that took it, or the sender when the send is refused) releases it, and nobody reads it after.
/// </summary>
internal sealed class PooledPacketText : IEngineIOMessageOwner
{
    private const int PoolSize = 256;

    // A small stack of idle instances under a lock: the renting thread (an emit) and the releasing one (the transport's writer)
    // differ, so a per-thread cache would drain on one side and fill on the other.
    private static readonly Lock PoolGate = new();
    private static readonly PooledPacketText?[] Pool = new PooledPacketText?[PoolSize];
    private static int s_pooled;
    private static long s_outstanding;

    private byte[] _array = [];
    private int _length;
    private int _rented;

    private PooledPacketText()
    {
    }

    /// <summary>How many texts are rented and not yet released (for tests: it returns to where it was once everything is sent).</summary>
    internal static long Outstanding => Volatile.Read(ref s_outstanding);

    /// <summary>The text frame, without the Engine.IO <c>4</c>. Valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Text => _array.AsMemory(0, _length);

    /// <summary>Ends the writer's packet (no attachments) into a rented array; <see langword="null"/> when it has attachments (then call <see cref="SocketIOPacketWriter.Build"/>).</summary>
    public static PooledPacketText? TryBuild(SocketIOPacketWriter writer, string @namespace, long ackId = -1)
    {
        byte[]? array = writer.TryBuildPooledText(@namespace, ackId, out int length);
        if (array is null)
        {
            return null;
        }

        PooledPacketText? text = null;
        lock (PoolGate)
        {
            if (s_pooled > 0)
            {
                text = Pool[--s_pooled];
                Pool[s_pooled] = null;
            }
        }

        text ??= new PooledPacketText();
        text._array = array;
        text._length = length;
        Volatile.Write(ref text._rented, 1);
        Interlocked.Increment(ref s_outstanding);
        return text;
    }

    /// <summary>A copy of the text (for what keeps a packet: outgoing catch-all listeners, the recovery buffer).</summary>
    public byte[] ToArray() => Text.ToArray();

    /// <summary>Gives the array back to the pool and this object to its own; the text is never read again.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _rented, 0) != 1)
        {
            // Never reached when every path releases once; if one did not, failing here beats handing the array out twice.
            Debug.Fail("A pooled packet text was released twice.");
            return;
        }

        byte[] array = _array;
        _array = [];
        _length = 0;
        Interlocked.Decrement(ref s_outstanding);
        ArrayPool<byte>.Shared.Return(array);
        lock (PoolGate)
        {
            if (s_pooled < PoolSize)
            {
                Pool[s_pooled++] = this;
            }
        }
    }
}
