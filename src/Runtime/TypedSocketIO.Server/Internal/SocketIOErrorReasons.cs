namespace TypedSocketIO.Server;

/// <summary>The values of the <c>error.type</c> tag of the counter <c>socketio.server.errors</c>.</summary>
internal static class SocketIOErrorReasons
{
    /// <summary>An event refused by <c>[Authorize]</c> on its method: the user is anonymous.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>An event refused by <c>[Authorize]</c> on its method: the user is not allowed.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>A connection closed because the client sent invalid input (no namespace tag).</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>An event dropped because an argument did not fit its typed parameter.</summary>
    public const string InvalidArguments = "invalid_arguments";

    /// <summary>An event handler threw.</summary>
    public const string HandlerFailed = "handler_failed";

    /// <summary>A namespace CONNECT refused by a middleware (<c>connect_error</c> sent).</summary>
    public const string ConnectRejected = "connect_rejected";

    /// <summary>A middleware threw something other than a refusal.</summary>
    public const string MiddlewareFailed = "middleware_failed";

    /// <summary>An acknowledgement the server waited for did not come in time.</summary>
    public const string AckTimeout = "ack_timeout";

    /// <summary>A connection closed because its client left too many acknowledgements unanswered.</summary>
    public const string TooManyPendingAcks = "too_many_pending_acks";
}
