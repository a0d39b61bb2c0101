using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Client.EngineIO;

/// <summary>Log messages of the Engine.IO client. EventIds 700–749.</summary>
internal static partial class EngineIOClientLog
{
    [LoggerMessage(700, LogLevel.Debug, "Engine.IO session {Sid} opened over {Transport} (pingInterval {PingInterval} ms, pingTimeout {PingTimeout} ms, maxPayload {MaxPayload}).", EventName = "Opened")]
    public static partial void Opened(ILogger logger, string sid, string transport, long pingInterval, long pingTimeout, int maxPayload);

    [LoggerMessage(701, LogLevel.Debug, "Engine.IO session {Sid} upgraded to websocket.", EventName = "Upgraded")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(702, LogLevel.Debug, "Engine.IO session {Sid}: the websocket probe failed, staying on polling.", EventName = "ProbeFailed")]
    public static partial void ProbeFailed(ILogger logger, string sid, Exception? exception);

    [LoggerMessage(703, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}.", EventName = "Closed")]
    public static partial void Closed(ILogger logger, string? sid, string reason, Exception? exception);

    [LoggerMessage(704, LogLevel.Error, "Engine.IO session {Sid}: the handler threw.", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string? sid, Exception exception);

    [LoggerMessage(705, LogLevel.Warning, "Engine.IO session {Sid}: more than {MaxOutgoingBufferSize} bytes queued (EngineIOClientOptions.MaxOutgoingBufferSize); closing.", EventName = "OutgoingBufferFull")]
    public static partial void OutgoingBufferFull(ILogger logger, string? sid, int maxOutgoingBufferSize);
}
