using System.Buffers;
using System.Net.WebSockets;

namespace TypedSocketIO.EngineIO.Internal;

/// <summary>A received WebSocket message; <see cref="Data"/> is valid until the next receive.</summary>
internal readonly record struct WebSocketMessage(ReadOnlyMemory<byte> Data, bool IsBinary, bool IsClose);

/// <summary>
/// Assembles whole WebSocket messages into one pooled buffer, enforcing the size limit
/// (<see cref="EngineIOOptions.MaxHttpBufferSize"/>) and the fragment limit (<see cref="EngineIOOptions.MaxWebSocketFragments"/>),
/// empty fragments included (CVE-2026-48779).
/// </summary>
internal sealed class WebSocketMessageReader : IDisposable
{
    private const int InitialSize = 4096;
    private readonly WebSocket _socket;
    private readonly int _maxSize;
    private readonly int _maxFragments;
    private byte[] _buffer;

    public WebSocketMessageReader(WebSocket socket, EngineIOOptions options)
    {
        _socket = socket;
        _maxSize = options.MaxHttpBufferSize;
        _maxFragments = options.MaxWebSocketFragments;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    }

    public async ValueTask<WebSocketMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        int count = 0;
        int fragments = 0;
        while (true)
        {
            if (count == _buffer.Length)
            {
                // Grow up to one byte past the limit, so that crossing it is seen.
                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(_buffer.Length * 2, InitialSize), _maxSize + 1));
                _buffer.AsSpan(0, count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new WebSocketMessage(ReadOnlyMemory<byte>.Empty, false, true);
            }

            count += result.Count;
            if (count > _maxSize)
            {
                throw new EngineIOLimitExceededException($"WebSocket message over EngineIOOptions.MaxHttpBufferSize ({_maxSize} bytes)");
            }

            if (++fragments > _maxFragments)
            {
                throw new EngineIOLimitExceededException($"WebSocket message in more than EngineIOOptions.MaxWebSocketFragments ({_maxFragments}) fragments");
            }

            if (result.EndOfMessage)
            {
                return new WebSocketMessage(_buffer.AsMemory(0, count), result.MessageType == WebSocketMessageType.Binary, false);
            }
        }
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
