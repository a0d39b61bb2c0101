using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Internal;

/// <summary>
/// The answer to a server-side event another server asked answers for: only the first <c>Send</c> counts, and only its first
/// argument travels (as the official adapters send it), as UTF-8 JSON (<c>null</c> when there is none).
/// </summary>
internal sealed class ServerSideAck : SocketIOAck
{
    private static readonly byte[] Null = "null"u8.ToArray();
    private readonly SocketIONamespace _namespace;
    private readonly Action<ReadOnlyMemory<byte>> _onAnswer;
    private int _sent;

    public ServerSideAck(SocketIONamespace ns, Action<ReadOnlyMemory<byte>> onAnswer)
    {
        _namespace = ns;
        _onAnswer = onAnswer;
    }

    public override bool IsRequested => true;

    public override bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return false;
        }

        SocketIOEncodedPacket packet;
        using (SocketIOPacketWriter writer = _namespace.CreateWriter())
        {
            writer.MaxAttachments = 0;
            writer.StartAck();
            writeArguments(writer, state);
            packet = writer.Build(SocketIOProtocol.DefaultNamespace, 0);
        }

        // "30[…]": the array after the header.
        ReadOnlyMemory<byte> array = packet.Text[2..];
        var reader = new Utf8JsonReader(array.Span, new JsonReaderOptions { MaxDepth = 4096 });
        reader.Read();
        ReadOnlyMemory<byte> first = Null;
        if (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            first = array[start..(int)reader.BytesConsumed];
        }

        _onAnswer(first);
        return true;
    }
}
