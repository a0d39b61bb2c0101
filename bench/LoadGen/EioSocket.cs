using System.Buffers.Text;
using System.Net;

namespace LoadGen;

/// <summary>
/// A Socket.IO v5 client connection on Engine.IO v4 over a <see cref="WsConnection"/>, to the main namespace "/": the
/// open packet, CONNECT and its answer, heartbeats answered (a ping "2" gets a pong "3"). Everything else is the
/// scenario's: <see cref="ReceiveAsync"/> gives Socket.IO packets (the text after the Engine.IO "4") and binary frames.
/// </summary>
internal sealed class EioSocket : IDisposable
{
    private static readonly byte[] PongFrame = BuildFrame("3"u8);
    private static readonly byte[] ConnectFrame = BuildFrame("40"u8);

    private static long s_pingsAnswered;

    private EioSocket(WsConnection connection) => Connection = connection;

    /// <summary>Engine.IO pings answered so far by every connection of this process.</summary>
    public static long PingsAnswered => Interlocked.Read(ref s_pingsAnswered);

    public WsConnection Connection { get; }

    /// <summary>Connects to ws://server/socket.io/ and joins the main namespace.</summary>
    public static async Task<EioSocket> ConnectAsync(IPEndPoint server, IPAddress? localAddress, bool lowMemory, CancellationToken cancellationToken)
    {
        WsConnection connection = await WsConnection.ConnectAsync(
            server, localAddress, "/socket.io/?EIO=4&transport=websocket", lowMemory, cancellationToken);
        var socket = new EioSocket(connection);
        try
        {
            WsMessage open = await connection.ReceiveAsync(cancellationToken);
            if (open.Opcode != WsOpcode.Text || open.Payload.Length == 0 || open.Payload.Span[0] != (byte)'0')
            {
                throw new IOException("Expected the Engine.IO open packet.");
            }

            await connection.SendRawAsync(ConnectFrame, cancellationToken);
            while (true)
            {
                (bool isBinary, ReadOnlyMemory<byte> packet) = await socket.ReceiveAsync(cancellationToken);
                if (!isBinary && packet.Length >= 1 && packet.Span[0] == (byte)'0')
                {
                    break; // 0{"sid":…}: connected
                }

                if (!isBinary && packet.Length >= 1 && packet.Span[0] == (byte)'4')
                {
                    throw new IOException($"CONNECT refused: {System.Text.Encoding.UTF8.GetString(packet.Span)}");
                }
            }

            connection.ReleaseBufferIfIdle();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next Socket.IO packet (text after the Engine.IO message type, e.g. <c>3[…]</c>), or a binary attachment.
    /// Pings are answered here; an Engine.IO close or a WebSocket close fails with <see cref="IOException"/>.
    /// </summary>
    public async ValueTask<(bool IsBinary, ReadOnlyMemory<byte> Packet)> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            WsMessage message = await Connection.ReceiveAsync(cancellationToken);
            switch (message.Opcode)
            {
                case WsOpcode.Binary:
                    return (true, message.Payload);
                case WsOpcode.Close:
                    throw new IOException("The server closed the WebSocket.");
                case WsOpcode.Text:
                    ReadOnlySpan<byte> text = message.Payload.Span;
                    if (text.Length == 0)
                    {
                        throw new IOException("Empty Engine.IO packet.");
                    }

                    switch (text[0])
                    {
                        case (byte)'4':
                            return (false, message.Payload[1..]);
                        case (byte)'2':
                            await Connection.SendRawAsync(PongFrame, cancellationToken);
                            Interlocked.Increment(ref s_pingsAnswered);
                            Connection.ReleaseBufferIfIdle();
                            continue;
                        case (byte)'1':
                            throw new IOException("The server closed the Engine.IO session.");
                        default:
                            continue; // noop (6) and anything else
                    }

                default:
                    continue;
            }
        }
    }

    /// <summary>A masked text frame holding <paramref name="text"/>.</summary>
    public static byte[] BuildFrame(ReadOnlySpan<byte> text)
    {
        byte[] frame = new byte[WsConnection.HeaderSize(text.Length) + text.Length];
        int header = WsConnection.WriteHeader(frame, WsOpcode.Text, text.Length);
        text.CopyTo(frame.AsSpan(header));
        return frame;
    }

    /// <summary>Reads the ack id of <c>3&lt;id&gt;[…]</c> or <c>6&lt;n&gt;-&lt;id&gt;[…]</c> (main namespace).</summary>
    public static bool TryParseAck(ReadOnlySpan<byte> packet, out long ackId, out int attachments)
    {
        ackId = -1;
        attachments = 0;
        if (packet.Length < 2)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = packet[1..];
        if (packet[0] == (byte)'6')
        {
            int dash = rest.IndexOf((byte)'-');
            if (dash <= 0 || !Utf8Parser.TryParse(rest[..dash], out attachments, out _))
            {
                return false;
            }

            rest = rest[(dash + 1)..];
        }
        else if (packet[0] != (byte)'3')
        {
            return false;
        }

        return Utf8Parser.TryParse(rest, out ackId, out int consumed) && consumed < rest.Length && rest[consumed] == (byte)'[';
    }

    /// <summary>Reads N of <c>{"n":N,…}</c> in an EVENT <c>2["tick",{"n":N,…}]</c>.</summary>
    public static bool TryParseTick(ReadOnlySpan<byte> packet, out long sequence)
    {
        sequence = -1;
        if (packet.Length < 2 || packet[0] != (byte)'2' || !packet[1..].StartsWith("[\"tick\","u8))
        {
            return false;
        }

        int at = packet.IndexOf("\"n\":"u8);
        return at >= 0 && Utf8Parser.TryParse(packet[(at + 4)..], out sequence, out _);
    }

    public void Dispose() => Connection.Dispose();
}
