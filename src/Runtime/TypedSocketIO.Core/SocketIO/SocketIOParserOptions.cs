namespace TypedSocketIO.SocketIO;

/// <summary>Limits applied by <see cref="SocketIOPacketDecoder"/> to every packet a peer sends.</summary>
public sealed class SocketIOParserOptions
{
    /// <summary>The default of <see cref="MaxAttachments"/>: 10, as socket.io-parser 4.2.6 (CVE-2026-33151).</summary>
    public const int DefaultMaxAttachments = 10;

    /// <summary>The default of <see cref="MaxDepth"/>: 64, as System.Text.Json (CVE-2026-45591).</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>
    /// The largest number of binary attachments one packet may announce (<c>5N-…</c>). A packet announcing more is
    /// rejected with <c>"too many attachments"</c> before anything is buffered. Defaults to 10.
    /// </summary>
    public int MaxAttachments { get; set; } = DefaultMaxAttachments;

    /// <summary>
    /// The deepest nesting of JSON arrays and objects allowed in a payload, the payload's own outer array or object
    /// counting as 1. Deeper payloads are rejected with <c>"JSON too deep"</c>. Defaults to 64.
    /// </summary>
    public int MaxDepth { get; set; } = DefaultMaxDepth;
}
