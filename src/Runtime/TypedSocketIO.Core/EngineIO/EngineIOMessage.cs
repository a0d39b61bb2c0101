namespace TypedSocketIO.EngineIO;

/// <summary>One Engine.IO message to send: UTF-8 text (sent as <c>4…</c>) or binary.</summary>
/// <param name="Data">The bytes. Must not be changed after it is handed to a connection: it may be shared and written later.</param>
/// <param name="IsBinary">Whether the message is binary.</param>
public readonly record struct EngineIOMessage(ReadOnlyMemory<byte> Data, bool IsBinary)
{
    /// <summary>A text message.</summary>
    /// <param name="utf8">The UTF-8 text, without the Engine.IO type digit.</param>
    /// <returns>The message.</returns>
    public static EngineIOMessage Text(ReadOnlyMemory<byte> utf8) => new(utf8, false);

    /// <summary>A binary message.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The message.</returns>
    public static EngineIOMessage Binary(ReadOnlyMemory<byte> data) => new(data, true);
}
