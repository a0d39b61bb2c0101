namespace TypedSocketIO.SocketIO;

/// <summary>Constants of the Socket.IO v5 wire protocol.</summary>
public static class SocketIOProtocol
{
    /// <summary>The protocol revision this library speaks.</summary>
    public const int Version = 5;

    /// <summary>The main namespace, which is omitted from the encoded packet header.</summary>
    public const string DefaultNamespace = "/";

    /// <summary>
    /// The largest acknowledgement id accepted and produced: 2^53−1 (<c>Number.MAX_SAFE_INTEGER</c>), the largest
    /// integer a JavaScript peer holds exactly.
    /// </summary>
    public const long MaxAckId = 9_007_199_254_740_991;
}
