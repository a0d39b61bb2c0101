using TypedSocketIO.SocketIO;

namespace TypedSocketIO.TestHost;

/// <summary>An event the server sent to a <see cref="SocketIOTestClient"/>, as the wire carried it.</summary>
public sealed class SocketIOTestEvent
{
    internal SocketIOTestEvent(string eventName, SocketIOArguments arguments, string text, IReadOnlyList<ReadOnlyMemory<byte>> attachments, bool askedForAck)
    {
        EventName = eventName;
        Arguments = arguments;
        Text = text;
        Attachments = attachments;
        AskedForAck = askedForAck;
    }

    /// <summary>The event's name.</summary>
    public string EventName { get; }

    /// <summary>Its arguments, readable untyped or with a <c>JsonTypeInfo</c>.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>The packet's text exactly as the server encoded it, e.g. <c>2["message",{"text":"hi"}]</c> or <c>451-["file",{"_placeholder":true,"num":0}]</c>.</summary>
    public string Text { get; }

    /// <summary>Its binary attachments, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>Whether the server asked for an acknowledgement.</summary>
    public bool AskedForAck { get; }

    /// <summary>Whether <see cref="SocketIOTestClient.WaitForEventAsync"/> already returned it.</summary>
    internal bool Consumed { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
