using Microsoft.Extensions.Logging;

namespace TypedSocketIO.EngineIO.Internal;

/// <summary>Log messages of the Engine.IO server. EventIds 100–199.</summary>
internal static partial class EngineIOLog
{
    [LoggerMessage(100, LogLevel.Debug, "Engine.IO session opened over {Transport}.", EventName = "SessionOpened")]
    public static partial void SessionOpened(ILogger logger, string transport);

    [LoggerMessage(101, LogLevel.Debug, "Engine.IO session upgraded to {Transport}.", EventName = "Upgraded")]
    public static partial void Upgraded(ILogger logger, string transport);

    [LoggerMessage(102, LogLevel.Debug, "Engine.IO session closed: {Reason}.", EventName = "SessionClosed")]
    public static partial void SessionClosed(ILogger logger, string reason);

    [LoggerMessage(103, LogLevel.Information, "Engine.IO request refused with code {Code} ({Message}).", EventName = "RequestRefused")]
    public static partial void RequestRefused(ILogger logger, int code, string message);

    [LoggerMessage(104, LogLevel.Information, "Engine.IO session closed for bad input: {Detail}.", EventName = "ProtocolViolation")]
    public static partial void ProtocolViolation(ILogger logger, string detail);

    [LoggerMessage(105, LogLevel.Error, "The Engine.IO handler threw; the session is closed.", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(106, LogLevel.Debug, "WebSocket upgrade abandoned: {Detail}.", EventName = "UpgradeAbandoned")]
    public static partial void UpgradeAbandoned(ILogger logger, string detail);

    [LoggerMessage(107, LogLevel.Debug, "Transport failed.", EventName = "TransportFailed")]
    public static partial void TransportFailed(ILogger logger, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "Engine.IO session closed: a message of {Bytes} bytes would cross EngineIOOptions.MaxOutgoingBufferSize ({Limit} bytes waiting to be sent); the client does not read fast enough.", EventName = "OutgoingBufferOverflow")]
    public static partial void OutgoingBufferOverflow(ILogger logger, int bytes, int limit);
}
