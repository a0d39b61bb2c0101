using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Server;

/// <summary>Log messages of the Socket.IO server. EventIds 300–399.</summary>
internal static partial class SocketIOServerLog
{
    [LoggerMessage(301, LogLevel.Information, "Socket.IO connection from {RemoteAddress} closed: protocol error ({Detail}).", EventName = "ProtocolError")]
    public static partial void ProtocolError(ILogger logger, string remoteAddress, string detail);

    [LoggerMessage(302, LogLevel.Debug, "Socket connected to namespace {Namespace}.", EventName = "SocketConnected")]
    public static partial void SocketConnected(ILogger logger, string @namespace);

    [LoggerMessage(303, LogLevel.Debug, "Socket disconnected from namespace {Namespace}: {Reason}.", EventName = "SocketDisconnected")]
    public static partial void SocketDisconnected(ILogger logger, string @namespace, string reason);

    [LoggerMessage(304, LogLevel.Debug, "Socket refused by the middleware of namespace {Namespace}: {Message}.", EventName = "ConnectionRejected")]
    public static partial void ConnectionRejected(ILogger logger, string @namespace, string message);

    [LoggerMessage(305, LogLevel.Error, "A middleware of namespace {Namespace} failed; the socket was refused with \"Internal server error\".", EventName = "MiddlewareFailed")]
    public static partial void MiddlewareFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(306, LogLevel.Error, "A handler of \"{EventName}\" in namespace {Namespace} failed.", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string @namespace, string eventName, Exception exception);

    [LoggerMessage(307, LogLevel.Debug, "Acknowledgement {AckId} in namespace {Namespace} matches no waiting emit (late or unknown); ignored.", EventName = "UnknownAck")]
    public static partial void UnknownAck(ILogger logger, string @namespace, long ackId);

    [LoggerMessage(308, LogLevel.Information, "Socket.IO connection closed: a socket of namespace {Namespace} left {Limit} acknowledgements unanswered (SocketIOServerOptions.MaxPendingAcksPerSocket).", EventName = "TooManyPendingAcks")]
    public static partial void TooManyPendingAcks(ILogger logger, string @namespace, int limit);

    [LoggerMessage(309, LogLevel.Debug, "Socket.IO connection closed: no namespace joined within {ConnectTimeoutMs} ms (SocketIOServerOptions.ConnectTimeout).", EventName = "ConnectTimeout")]
    public static partial void ConnectTimeout(ILogger logger, double connectTimeoutMs);

    [LoggerMessage(310, LogLevel.Debug, "Closing a Socket.IO connection failed.", EventName = "CloseFailed")]
    public static partial void CloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(311, LogLevel.Information, "Socket.IO server shutting down: {ConnectionCount} connections closed.", EventName = "ShuttingDown")]
    public static partial void ShuttingDown(ILogger logger, int connectionCount);

    [LoggerMessage(312, LogLevel.Warning, "An event of namespace {Namespace} was dropped: {Detail} (logged once per socket).", EventName = "InvalidArguments")]
    public static partial void InvalidArguments(ILogger logger, string @namespace, string detail);

    [LoggerMessage(313, LogLevel.Warning, "Connection state recovery failed in namespace {Namespace} (the adapter threw); the socket starts fresh.", EventName = "RecoveryFailed")]
    public static partial void RecoveryFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(321, LogLevel.Warning, "Connection state recovery in namespace {Namespace}: the packets emitted while the socket was being restored could not be read (the adapter no longer keeps them, or threw); the client may have missed some.", EventName = "RecoveryIncomplete")]
    public static partial void RecoveryIncomplete(ILogger logger, string @namespace, Exception? exception);

    [LoggerMessage(322, LogLevel.Warning, "Connection state recovery in namespace {Namespace}: the {MissedCount} missed events are more than EngineIOOptions.MaxOutgoingBufferSize ({Limit} bytes) lets wait for a connection; the client starts fresh.", EventName = "RecoveryTooLarge")]
    public static partial void RecoveryTooLarge(ILogger logger, string @namespace, int missedCount, int limit);

    [LoggerMessage(314, LogLevel.Debug, "Socket restored in namespace {Namespace} by connection state recovery; {MissedCount} missed events replayed.", EventName = "SocketRecovered")]
    public static partial void SocketRecovered(ILogger logger, string @namespace, int missedCount);

    [LoggerMessage(315, LogLevel.Warning, "The adapter of namespace {Namespace} could not forward {Operation} to the other servers; it was done on this server.", EventName = "AdapterRequestFailed")]
    public static partial void AdapterRequestFailed(ILogger logger, string @namespace, string operation, Exception exception);

    [LoggerMessage(316, LogLevel.Warning, "A server-side event for namespace {Namespace} was dropped: {Detail}.", EventName = "BadServerSideEvent")]
    public static partial void BadServerSideEvent(ILogger logger, string @namespace, string detail);

    [LoggerMessage(317, LogLevel.Debug, "Dynamic namespace {Namespace} created as a child of {Parent}.", EventName = "ChildNamespaceCreated")]
    public static partial void ChildNamespaceCreated(ILogger logger, string @namespace, string parent);

    [LoggerMessage(318, LogLevel.Debug, "Dynamic namespace {Namespace} removed: no socket left.", EventName = "ChildNamespaceRemoved")]
    public static partial void ChildNamespaceRemoved(ILogger logger, string @namespace);

    [LoggerMessage(319, LogLevel.Warning, "The matcher of parent namespace {Parent} threw for {Namespace}; taken as no match.", EventName = "NamespaceMatcherFailed")]
    public static partial void NamespaceMatcherFailed(ILogger logger, string parent, string @namespace, Exception exception);

    [LoggerMessage(320, LogLevel.Information, "Event {EventName} of namespace {Namespace} was refused by its [Authorize] policy (status {Status}); the socket stays connected.", EventName = "EventRefused")]
    public static partial void EventRefused(ILogger logger, string @namespace, string eventName, int status);
}
