using System.Buffers;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>. Only
/// <see cref="WrittenSpan"/> is ever read back: bytes past what was written (left over from the pool's previous
/// user) never leave this type (the .NET analogue of ws CVE-2026-45736).
/// </summary>
internal sealed class PooledByteBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>Buffers larger than this are given back after each packet, so one big emit does not pin memory.</summary>
    private const int RetainedCapacity = 64 * 1024;

    private readonly int _initialCapacity;
    private byte[] _buffer;
    private int _written;
    private bool _disposed;

    public PooledByteBufferWriter(int initialCapacity)
    {
        _initialCapacity = initialCapacity;
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    /// <summary>Forgets what was written; gives an oversized buffer back to the pool.</summary>
    public void Clear()
    {
        _written = 0;
        if (!_disposed && _buffer.Length > RetainedCapacity)
        {
            byte[] old = _buffer;
            _buffer = ArrayPool<byte>.Shared.Rent(_initialCapacity);
            ArrayPool<byte>.Shared.Return(old);
        }
    }

    public void Advance(int count)
    {
        if (count < 0 || count > _buffer.Length - _written)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        byte[] old = _buffer;
        _buffer = [];
        _written = 0;
        ArrayPool<byte>.Shared.Return(old);
    }

    private void EnsureCapacity(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        int needed = checked(_written + sizeHint);
        int newSize = Math.Max(needed, _buffer.Length <= Array.MaxLength / 2 ? _buffer.Length * 2 : Array.MaxLength);
        byte[] bigger = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        byte[] old = _buffer;
        _buffer = bigger;
        ArrayPool<byte>.Shared.Return(old);
    }
}
