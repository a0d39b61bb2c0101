namespace TypedSocketIO.Server;

/// <summary>
/// The resource an authorization handler gets when <c>[Authorize]</c> on a handler class's method checks an event (as SignalR passes a
/// <c>HubInvocationContext</c>): the socket and the event's wire name.
/// </summary>
public sealed class SocketIOEventAuthorizationContext
{
    internal SocketIOEventAuthorizationContext(SocketIOSocket socket, string eventName)
    {
        Socket = socket;
        EventName = eventName;
    }

    /// <summary>The socket that sent the event (its handshake carries the user).</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The event's wire name, e.g. <c>sendMessage</c>.</summary>
    public string EventName { get; }
}
