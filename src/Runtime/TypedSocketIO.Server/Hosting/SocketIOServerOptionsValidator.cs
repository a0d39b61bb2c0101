using Microsoft.Extensions.Options;

namespace TypedSocketIO.Server;

/// <summary>Checks the options at startup; each failure names the option and the accepted range.</summary>
internal sealed class SocketIOServerOptionsValidator : IValidateOptions<SocketIOServerOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketIOServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Path) || options.Path[0] != '/')
        {
            failures.Add($"SocketIOServerOptions.Path must start with '/'; it is \"{options.Path}\".");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"SocketIOServerOptions.ConnectTimeout must be positive and at most {int.MaxValue} ms; it is {options.ConnectTimeout}.");
        }

        if (options.MaxPendingAcksPerSocket < 1)
        {
            failures.Add($"SocketIOServerOptions.MaxPendingAcksPerSocket must be at least 1; it is {options.MaxPendingAcksPerSocket}.");
        }

        if (options.MaxPendingEventsPerSocket < 1)
        {
            failures.Add($"SocketIOServerOptions.MaxPendingEventsPerSocket must be at least 1; it is {options.MaxPendingEventsPerSocket}.");
        }

        if (options.DefaultBroadcastAckTimeout is { } ackTimeout && (ackTimeout <= TimeSpan.Zero || ackTimeout.TotalMilliseconds > int.MaxValue))
        {
            failures.Add($"SocketIOServerOptions.DefaultBroadcastAckTimeout must be null or positive and at most {int.MaxValue} ms; it is {ackTimeout}.");
        }

        if (options.MaxAttachments < 0)
        {
            failures.Add($"SocketIOServerOptions.MaxAttachments must be 0 or more; it is {options.MaxAttachments}.");
        }

        if (options.MaxJsonDepth is < 1 or > 4096)
        {
            failures.Add($"SocketIOServerOptions.MaxJsonDepth must be in 1 … 4096; it is {options.MaxJsonDepth}.");
        }

        if (options.ConnectionStateRecovery is { } recovery)
        {
            if (recovery.MaxDisconnectionDuration <= TimeSpan.Zero || recovery.MaxDisconnectionDuration.TotalMilliseconds > int.MaxValue)
            {
                failures.Add($"SocketIOServerOptions.ConnectionStateRecovery.MaxDisconnectionDuration must be positive and at most {int.MaxValue} ms; it is {recovery.MaxDisconnectionDuration}.");
            }

            if (recovery.MaxPacketsPerNamespace < 1)
            {
                failures.Add($"SocketIOServerOptions.ConnectionStateRecovery.MaxPacketsPerNamespace must be at least 1; it is {recovery.MaxPacketsPerNamespace}.");
            }

            if (recovery.MaxBytesPerNamespace < 1)
            {
                failures.Add($"SocketIOServerOptions.ConnectionStateRecovery.MaxBytesPerNamespace must be at least 1; it is {recovery.MaxBytesPerNamespace}.");
            }
        }

        try
        {
            options.EngineIO.Validate();
        }
        catch (InvalidOperationException ex)
        {
            failures.Add("SocketIOServerOptions.EngineIO: " + ex.Message);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
