using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>An event emitted while disconnected, kept to be sent in order on (re)connection.</summary>
internal sealed record Outgoing(string EventName, SocketIOEncodedPacket Packet, long AckId);

/// <summary>An emit of the at-least-once queue (<see cref="SocketIOClientOptions.Retries"/>): one in flight at a time.</summary>
internal sealed class QueuedEmit(string eventName, Func<long, SocketIOEncodedPacket> encode, TimeSpan? timeout, TaskCompletionSource<SocketIOArguments>? result)
{
    public string EventName { get; } = eventName;

    public Func<long, SocketIOEncodedPacket> Encode { get; } = encode;

    public TimeSpan? Timeout { get; } = timeout;

    public TaskCompletionSource<SocketIOArguments>? Result { get; } = result;

    public int TryCount { get; set; }

    public bool Pending { get; set; }
}
