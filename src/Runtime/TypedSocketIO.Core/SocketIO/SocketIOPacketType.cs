namespace TypedSocketIO.SocketIO;

/// <summary>The Socket.IO v5 packet types, as the single ASCII digit that starts every encoded packet.</summary>
public enum SocketIOPacketType : byte
{
    /// <summary><c>0</c>: connection to a namespace (client request, or server approval with <c>{"sid":…}</c>).</summary>
    Connect = 0,

    /// <summary><c>1</c>: disconnection from a namespace; carries no payload.</summary>
    Disconnect = 1,

    /// <summary><c>2</c>: an event; the payload is a non-empty array whose first element is the event name.</summary>
    Event = 2,

    /// <summary><c>3</c>: an acknowledgement; the payload is an array (possibly empty) of the ack arguments.</summary>
    Ack = 3,

    /// <summary><c>4</c>: refusal of a namespace connection; the payload is an object (or, from old peers, a string).</summary>
    ConnectError = 4,

    /// <summary><c>5</c>: an event whose arguments carry binary attachments sent as separate frames.</summary>
    BinaryEvent = 5,

    /// <summary><c>6</c>: an acknowledgement whose arguments carry binary attachments sent as separate frames.</summary>
    BinaryAck = 6,
}
