namespace TypedSocketIO.EngineIO;

/// <summary>Constants of the Engine.IO v4 wire protocol.</summary>
public static class EngineIOProtocol
{
    /// <summary>The protocol revision this library speaks (the <c>EIO</c> query parameter).</summary>
    public const int Version = 4;

    /// <summary>The record separator (0x1E) that joins packets in an HTTP long-polling payload.</summary>
    public const byte RecordSeparator = 0x1E;

    /// <summary>The prefix of a base64-encoded binary packet in a polling payload.</summary>
    public const byte BinaryPrefix = (byte)'b';

    /// <summary>The name of the HTTP long-polling transport.</summary>
    public const string PollingTransport = "polling";

    /// <summary>The name of the WebSocket transport.</summary>
    public const string WebSocketTransport = "websocket";
}
