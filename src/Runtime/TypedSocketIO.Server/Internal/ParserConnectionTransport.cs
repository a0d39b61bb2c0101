using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The Socket.IO view of an Engine.IO session whose packets go through another parser (<see cref="SocketIOServerOptions.Parser"/>):
/// each packet, in the default form, becomes the one binary message the parser makes of it.
/// </summary>
internal sealed class ParserConnectionTransport(EngineIOConnection connection, ISocketIOParser parser) : ISocketIOTransport
{
    public string Id => connection.Id;

    public string? Name => connection.Transport;

    public bool IsOpen => connection.IsOpen;

    public CancellationToken Closed => connection.Closed;

    // A broadcast hands the same packet to every connection: encoded by the parser once, on the first of them.
    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile) =>
        connection.TrySend(EngineIOMessage.Binary(packet.EncodeWith(parser)), isVolatile);

    public bool TrySendText(byte[] text, bool isVolatile) =>
        connection.TrySend(EngineIOMessage.Binary(parser.Encode(text, [])), isVolatile);

    public bool TrySendPooled(PooledPacketText text, bool isVolatile)
    {
        byte[] encoded;
        try
        {
            encoded = parser.Encode(text.Text.Span, []);
        }
        finally
        {
            text.Release();
        }

        return connection.TrySend(EngineIOMessage.Binary(encoded), isVolatile);
    }

    public int BufferedAmount => connection.BufferedAmount;

    public ValueTask<bool> WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken) => maxBufferedBytes < 0
        ? connection.WaitForCapacityAsync(cancellationToken)
        : connection.WaitForCapacityAsync(maxBufferedBytes, cancellationToken);

    public ValueTask CloseAsync(EngineIOCloseReason reason) => connection.CloseAsync(reason);
}
