namespace TypedSocketIO.SocketIO;

/// <summary>
/// A Socket.IO parser other than the default one (the official <c>parser</c> option of the server and the client), seen at the
/// Engine.IO message boundary: it turns each packet, in the default parser's form (the text of the packet, binary values as
/// placeholders, then the attachments), into the Engine.IO messages it sends, and each message it receives back into that form.
/// So the rest of the stack, the typed layer included, stays on System.Text.Json and never knows which parser is on the wire.
/// Implementations are stateless and called from many threads at once.
/// </summary>
/// <remarks>
/// The default parser needs no implementation (leave the option <see langword="null"/>); <c>TypedSocketIO.MessagePack</c>
/// implements the official <c>socket.io-msgpack-parser</c>. Both sides of a connection must use the same parser.
/// </remarks>
public interface ISocketIOParser
{
    /// <summary>The parser's name, for logs (e.g. <c>msgpack</c>).</summary>
    string Name { get; }

    /// <summary>Encodes one packet given in the default parser's form as the one binary Engine.IO message this parser sends.</summary>
    /// <param name="text">The packet's text in the default form, e.g. <c>2/chat,12["event",1]</c> or <c>51-["bin",{"_placeholder":true,"num":0}]</c>.</param>
    /// <param name="attachments">The attachments the placeholders stand for, in order.</param>
    /// <returns>The binary message.</returns>
    byte[] Encode(ReadOnlySpan<byte> text, IReadOnlyList<ReadOnlyMemory<byte>> attachments);

    /// <summary>Decodes one Engine.IO message into the packet in the default parser's form.</summary>
    /// <param name="message">The message, untrusted.</param>
    /// <param name="isBinary">Whether it came as a binary message.</param>
    /// <param name="options">The limits (attachments, nesting depth) the decoded packet must stay within.</param>
    /// <returns>The packet's text and attachments, for the default decoder.</returns>
    /// <exception cref="SocketIOProtocolException">The message is not a packet of this parser; the message says what is wrong.</exception>
    SocketIODecodedMessage Decode(ReadOnlySpan<byte> message, bool isBinary, SocketIOParserOptions options);
}

/// <summary>A packet a <see cref="ISocketIOParser"/> decoded, in the default parser's form.</summary>
/// <param name="Text">The packet's text, e.g. <c>51-/chat,3["upload",{"_placeholder":true,"num":0}]</c>.</param>
/// <param name="Attachments">The attachments, in placeholder order (empty when there is none).</param>
public readonly record struct SocketIODecodedMessage(byte[] Text, IReadOnlyList<byte[]> Attachments);
