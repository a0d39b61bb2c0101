using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Client;

/// <summary>The Socket.IO client's log messages (EventIds 500–599).</summary>
internal static partial class SocketIOClientLog
{
    [LoggerMessage(500, LogLevel.Debug, "Connecting to {Uri}.", EventName = "Opening")]
    public static partial void Opening(ILogger logger, Uri uri);

    [LoggerMessage(501, LogLevel.Debug, "Namespace {Namespace} connected with id {Id} (recovered: {Recovered}).", EventName = "NamespaceConnected")]
    public static partial void NamespaceConnected(ILogger logger, string @namespace, string id, bool recovered);

    [LoggerMessage(502, LogLevel.Information, "Namespace {Namespace} disconnected: {Reason}.", EventName = "NamespaceDisconnected")]
    public static partial void NamespaceDisconnected(ILogger logger, string @namespace, string reason);

    [LoggerMessage(503, LogLevel.Warning, "Namespace {Namespace} refused the connection: {Message}.", EventName = "ConnectRefused")]
    public static partial void ConnectRefused(ILogger logger, string @namespace, string message);

    [LoggerMessage(504, LogLevel.Warning, "Connecting to {Uri} failed.", EventName = "OpenFailed")]
    public static partial void OpenFailed(ILogger logger, Uri uri, Exception exception);

    [LoggerMessage(505, LogLevel.Information, "Connection to {Uri} closed: {Reason}.", EventName = "EngineClosed")]
    public static partial void EngineClosed(ILogger logger, Uri uri, string reason, Exception? exception);

    [LoggerMessage(506, LogLevel.Debug, "Reconnection attempt {Attempt} in {DelayMs} ms.", EventName = "ReconnectScheduled")]
    public static partial void ReconnectScheduled(ILogger logger, int attempt, double delayMs);

    [LoggerMessage(507, LogLevel.Information, "Reconnected after {Attempts} attempt(s).", EventName = "Reconnected")]
    public static partial void Reconnected(ILogger logger, int attempts);

    [LoggerMessage(508, LogLevel.Warning, "Gave up reconnecting after {Attempts} attempt(s).", EventName = "ReconnectFailed")]
    public static partial void ReconnectFailed(ILogger logger, int attempts);

    [LoggerMessage(509, LogLevel.Warning, "Invalid packet from the server; closing the connection.", EventName = "ParseError")]
    public static partial void ParseError(ILogger logger, Exception exception);

    [LoggerMessage(510, LogLevel.Error, "A listener threw.", EventName = "ListenerFailed")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(511, LogLevel.Debug, "Packet for namespace {Namespace}, which has no client, ignored.", EventName = "UnknownNamespace")]
    public static partial void UnknownNamespace(ILogger logger, string @namespace);

    [LoggerMessage(512, LogLevel.Debug, "Acknowledgement {AckId} of namespace {Namespace} matches no emit; ignored.", EventName = "UnknownAck")]
    public static partial void UnknownAck(ILogger logger, string @namespace, long ackId);

    [LoggerMessage(513, LogLevel.Debug, "Volatile \"{EventName}\" dropped: not connected or transport busy.", EventName = "VolatileDropped")]
    public static partial void VolatileDropped(ILogger logger, string eventName);

    [LoggerMessage(514, LogLevel.Warning, "The auth provider of namespace {Namespace} threw.", EventName = "AuthProviderFailed")]
    public static partial void AuthProviderFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(515, LogLevel.Debug, "\"{EventName}\" not acknowledged (try {Try} of {Tries}).", EventName = "RetryTimedOut")]
    public static partial void RetryTimedOut(ILogger logger, string eventName, int @try, int tries);
}
