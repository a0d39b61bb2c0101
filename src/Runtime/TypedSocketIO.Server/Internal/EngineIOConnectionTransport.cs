using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>The Socket.IO view of an Engine.IO session.</summary>
internal sealed class EngineIOConnectionTransport(EngineIOConnection connection) : ISocketIOTransport
{
    public string Id => connection.Id;

    public string? Name => connection.Transport;

    public bool IsOpen => connection.IsOpen;

    public CancellationToken Closed => connection.Closed;

    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile)
    {
        IReadOnlyList<ReadOnlyMemory<byte>> attachments = packet.Attachments;
        if (attachments.Count == 0)
        {
            return connection.TrySend(EngineIOMessage.Text(packet.Text), isVolatile);
        }

        // A binary packet is one text message then its attachments, all or none, with nothing in between.
        var messages = new EngineIOMessage[attachments.Count + 1];
        messages[0] = EngineIOMessage.Text(packet.Text);
        for (int i = 0; i < attachments.Count; i++)
        {
            messages[i + 1] = EngineIOMessage.Binary(attachments[i]);
        }

        return connection.TrySend(messages, isVolatile);
    }

    public bool TrySendText(byte[] text, bool isVolatile) => connection.TrySend(EngineIOMessage.Text(text), isVolatile);

    public bool TrySendPooled(PooledPacketText text, bool isVolatile) => connection.TrySendOwned(text.Text, text, isVolatile);

    public int BufferedAmount => connection.BufferedAmount;

    public ValueTask<bool> WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken) => maxBufferedBytes < 0
        ? connection.WaitForCapacityAsync(cancellationToken)
        : connection.WaitForCapacityAsync(maxBufferedBytes, cancellationToken);

    public ValueTask CloseAsync(EngineIOCloseReason reason) => connection.CloseAsync(reason);
}
