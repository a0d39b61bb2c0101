namespace TypedSocketIO.Client.EngineIO;

/// <summary>
/// What an <see cref="EngineIOClientSession"/> reports to the layer above it. Calls are made one at a time,
/// never concurrently, in the order the packets arrived.
/// </summary>
internal interface IEngineIOClientHandler
{
    /// <summary>A text message arrived (the payload of a <c>4…</c> packet, without the <c>4</c>).</summary>
    /// <param name="utf8">The UTF-8 text; valid only during the call.</param>
    void OnText(ReadOnlyMemory<byte> utf8);

    /// <summary>A binary message arrived.</summary>
    /// <param name="data">The bytes; valid only during the call.</param>
    void OnBinary(ReadOnlyMemory<byte> data);

    /// <summary>
    /// The session ended. Called exactly once after a successful <see cref="EngineIOClientSession.OpenAsync"/>,
    /// with <c>transport close</c>, <c>transport error</c>, <c>ping timeout</c>, <c>parse error</c> or <c>forced close</c>.
    /// </summary>
    /// <param name="reason">The reason string of the official client.</param>
    /// <param name="error">The error behind the reason, or <see langword="null"/>.</param>
    void OnClose(string reason, Exception? error);
}
