using System.Text;
using BenchmarkDotNet.Attributes;
using TypedSocketIO.MessagePack;
using TypedSocketIO.SocketIO;

namespace Micro;

/// <summary>
/// The cost of the msgpack parser's transcoding, per packet, on top of the default JSON path (which does none of it): a chat
/// message (an object of three strings and a number), and an event with a 1 kB binary value. Encode: the default form to the
/// msgpack message (what the server adds per recipient); Decode: a msgpack message to the default form (per received packet).
/// </summary>
[MemoryDiagnoser]
public class MessagePackParserBenchmarks
{
    private static readonly SocketIOParserOptions Limits = new();
    private readonly SocketIOMessagePackParser _parser = SocketIOMessagePackParser.Instance;
    private readonly byte[] _chatText = Encoding.UTF8.GetBytes("2[\"message\",{\"user\":\"ada\",\"room\":\"lobby\",\"text\":\"hello there, how are you?\",\"ts\":1733580000000}]");
    private readonly byte[] _binaryText = Encoding.UTF8.GetBytes("51-[\"upload\",{\"name\":\"a.bin\",\"data\":{\"_placeholder\":true,\"num\":0}}]");
    private readonly ReadOnlyMemory<byte>[] _attachments = [new byte[1024]];
    private byte[] _chatMessage = [];
    private byte[] _binaryMessage = [];

    [GlobalSetup]
    public void Setup()
    {
        _chatMessage = _parser.Encode(_chatText, []);
        _binaryMessage = _parser.Encode(_binaryText, _attachments);
    }

    [Benchmark]
    public byte[] EncodeChat() => _parser.Encode(_chatText, []);

    [Benchmark]
    public SocketIODecodedMessage DecodeChat() => _parser.Decode(_chatMessage, isBinary: true, Limits);

    [Benchmark]
    public byte[] EncodeBinary1k() => _parser.Encode(_binaryText, _attachments);

    [Benchmark]
    public SocketIODecodedMessage DecodeBinary1k() => _parser.Decode(_binaryMessage, isBinary: true, Limits);
}
