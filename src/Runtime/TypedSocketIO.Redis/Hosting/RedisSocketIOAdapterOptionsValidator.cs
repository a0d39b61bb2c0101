using Microsoft.Extensions.Options;

namespace TypedSocketIO.Redis;

/// <summary>Checks the Redis adapter's options at start-up; each failure names the option and the accepted range.</summary>
internal sealed class RedisSocketIOAdapterOptionsValidator : IValidateOptions<RedisSocketIOAdapterOptions>
{
    public bool ConnectionGiven { get; init; }

    public ValidateOptionsResult Validate(string? name, RedisSocketIOAdapterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Check(options, ConnectionGiven);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void ThrowIfInvalid(RedisSocketIOAdapterOptions options, bool connectionGiven)
    {
        List<string> failures = Check(options, connectionGiven);
        if (failures.Count != 0)
        {
            throw new OptionsValidationException(nameof(RedisSocketIOAdapterOptions), typeof(RedisSocketIOAdapterOptions), failures);
        }
    }

    private static List<string> Check(RedisSocketIOAdapterOptions options, bool connectionGiven)
    {
        var failures = new List<string>();
        if (!connectionGiven && string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("RedisSocketIOAdapterOptions.Configuration must name the Redis server (e.g. \"127.0.0.1:6379\") when no connection is given.");
        }

        CheckKey(options.Key, "RedisSocketIOAdapterOptions.Key", failures);

        if (options.RequestsTimeout <= TimeSpan.Zero || options.RequestsTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"RedisSocketIOAdapterOptions.RequestsTimeout must be positive and at most {int.MaxValue} ms; it is {options.RequestsTimeout}.");
        }

        if (options.MaxMessageBytes < 1024)
        {
            failures.Add($"RedisSocketIOAdapterOptions.MaxMessageBytes must be at least 1024; it is {options.MaxMessageBytes}.");
        }

        return failures;
    }

    /// <summary>The channel prefix every server and emitter of one cluster shares: non-empty, without '#'.</summary>
    public static void CheckKey(string? key, string name, List<string> failures)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('#', StringComparison.Ordinal))
        {
            failures.Add($"{name} must be non-empty and without '#'; it is \"{key}\".");
        }
    }
}
