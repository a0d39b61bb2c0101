using Microsoft.Extensions.Logging;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>The admin UI's log messages (EventIds 1300–1399).</summary>
internal static partial class AdminUILog
{
    [LoggerMessage(1301, LogLevel.Warning, "Admin UI on namespace {Namespace} without authentication: anyone who reaches it can see and act on every socket.", EventName = "NoAuthentication")]
    public static partial void NoAuthentication(ILogger logger, string @namespace);

    [LoggerMessage(1302, LogLevel.Information, "Admin UI instrumentation on namespace {Namespace} ({Mode} mode, read-only: {ReadOnly}).", EventName = "Instrumented")]
    public static partial void Instrumented(ILogger logger, string @namespace, SocketIOAdminUIMode mode, bool readOnly);

    [LoggerMessage(1303, LogLevel.Information, "Admin UI login refused from {RemoteAddress}: invalid credentials.", EventName = "InvalidCredentials")]
    public static partial void InvalidCredentials(ILogger logger, string remoteAddress);

    [LoggerMessage(1304, LogLevel.Debug, "Admin UI command {Command} ignored: {Detail}.", EventName = "CommandIgnored")]
    public static partial void CommandIgnored(ILogger logger, string command, string detail);

    [LoggerMessage(1305, LogLevel.Information, "Admin UI command {Command} on namespace {Namespace} (filter {Filter}).", EventName = "Command")]
    public static partial void Command(ILogger logger, string command, string @namespace, string? filter);

    [LoggerMessage(1306, LogLevel.Warning, "Admin UI could not send {Event}.", EventName = "SendFailed")]
    public static partial void SendFailed(ILogger logger, string @event, Exception exception);
}
