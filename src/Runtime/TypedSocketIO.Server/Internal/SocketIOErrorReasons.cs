namespace TypedSocketIO.Server;

/// <summary>The values of the <c>error.type</c> tag of the counter <c>socketio.server.errors</c>.</summary>
internal static class SocketIOErrorReasons
{
    /// <summary>An event refused by <c>[Authorize]</c> on its method: the user is anonymous.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>An event refused by <c>[Authorize]</c> on its method: the user is not allowed.</summary>
    public const string Forbidden = "forbidden";
}
