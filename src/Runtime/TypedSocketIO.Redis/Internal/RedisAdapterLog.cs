using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Redis.Internal;

/// <summary>Log messages of the Redis adapter. EventIds 500–599.</summary>
internal static partial class RedisAdapterLog
{
    [LoggerMessage(501, LogLevel.Warning, "Redis adapter of namespace {Namespace}: a message on {Channel} was dropped: {Detail}.", EventName = "BadMessage")]
    public static partial void BadMessage(ILogger logger, string @namespace, string channel, string detail);

    [LoggerMessage(502, LogLevel.Warning, "Redis adapter of namespace {Namespace}: Redis is unreachable; messages to {Channel} and the others are dropped until it is back (local traffic goes on).", EventName = "PublishDropped")]
    public static partial void PublishDropped(ILogger logger, string @namespace, string channel);

    [LoggerMessage(503, LogLevel.Warning, "Redis adapter of namespace {Namespace}: publishing to {Channel} failed.", EventName = "PublishFailed")]
    public static partial void PublishFailed(ILogger logger, string @namespace, string channel, Exception exception);

    [LoggerMessage(504, LogLevel.Warning, "Redis adapter of namespace {Namespace}: subscribing failed; retrying until Redis is reachable.", EventName = "SubscribeFailed")]
    public static partial void SubscribeFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(505, LogLevel.Warning, "Redis adapter: the connection to Redis ({EndPoint}) failed ({FailureType}); local traffic goes on, reconnecting.", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(506, LogLevel.Information, "Redis adapter: the connection to Redis ({EndPoint}) is restored; subscriptions are renewed.", EventName = "ConnectionRestored")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(507, LogLevel.Debug, "Redis adapter of namespace {Namespace}: the data of a fetched socket ({Type}) has no JSON metadata; sent without data.", EventName = "DataNotSerializable")]
    public static partial void DataNotSerializable(ILogger logger, string @namespace, string type);

    [LoggerMessage(508, LogLevel.Warning, "Redis Streams adapter: reading stream {Stream} failed; retrying until Redis is reachable (local traffic goes on).", EventName = "StreamReadFailed")]
    public static partial void StreamReadFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(509, LogLevel.Warning, "Redis Streams adapter of namespace {Namespace}: keeping or restoring session {Pid} failed.", EventName = "SessionFailed")]
    public static partial void SessionFailed(ILogger logger, string @namespace, string pid, Exception exception);
}
