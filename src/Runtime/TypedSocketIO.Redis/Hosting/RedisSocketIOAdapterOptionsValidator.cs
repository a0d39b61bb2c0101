using Microsoft.Extensions.Options;

namespace TypedSocketIO.Redis;

/// <summary>Checks the Redis adapters' options at start-up; each failure names the option and the accepted range.</summary>
internal sealed class RedisSocketIOAdapterOptionsValidator :
    IValidateOptions<RedisSocketIOAdapterOptions>,
    IValidateOptions<RedisShardedSocketIOAdapterOptions>,
    IValidateOptions<RedisStreamsSocketIOAdapterOptions>
{
    public bool ConnectionGiven { get; init; }

    public ValidateOptionsResult Validate(string? name, RedisSocketIOAdapterOptions options) => Result(Check(options, ConnectionGiven));

    public ValidateOptionsResult Validate(string? name, RedisShardedSocketIOAdapterOptions options) => Result(Check(options, ConnectionGiven));

    public ValidateOptionsResult Validate(string? name, RedisStreamsSocketIOAdapterOptions options) => Result(Check(options, ConnectionGiven));

    public static void ThrowIfInvalid(RedisStreamsSocketIOAdapterOptions options, bool connectionGiven) => ThrowIfAny(Check(options, connectionGiven), typeof(RedisStreamsSocketIOAdapterOptions));

    public static void ThrowIfInvalid(RedisSocketIOAdapterOptions options, bool connectionGiven) => ThrowIfAny(Check(options, connectionGiven), typeof(RedisSocketIOAdapterOptions));

    public static void ThrowIfInvalid(RedisShardedSocketIOAdapterOptions options, bool connectionGiven) => ThrowIfAny(Check(options, connectionGiven), typeof(RedisShardedSocketIOAdapterOptions));

    /// <summary>The channel prefix every server and emitter of one cluster shares: non-empty, without '#'.</summary>
    public static void CheckKey(string? key, string name, List<string> failures)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('#', StringComparison.Ordinal))
        {
            failures.Add($"{name} must be non-empty and without '#'; it is \"{key}\".");
        }
    }

    private static List<string> Check(RedisSocketIOAdapterOptions options, bool connectionGiven)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CheckCommon(nameof(RedisSocketIOAdapterOptions), options.Configuration, connectionGiven, options.Key, options.RequestsTimeout, options.MaxMessageBytes);
    }

    private static List<string> Check(RedisShardedSocketIOAdapterOptions options, bool connectionGiven)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = CheckCommon(nameof(RedisShardedSocketIOAdapterOptions), options.Configuration, connectionGiven, options.Key, options.RequestsTimeout, options.MaxMessageBytes);
        if (!Enum.IsDefined(options.SubscriptionMode))
        {
            failures.Add($"RedisShardedSocketIOAdapterOptions.SubscriptionMode must be Static, Dynamic or DynamicPrivate; it is {(int)options.SubscriptionMode}.");
        }

        return failures;
    }

    private static List<string> Check(RedisStreamsSocketIOAdapterOptions options, bool connectionGiven)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Type = nameof(RedisStreamsSocketIOAdapterOptions);
        List<string> failures = CheckCommon(Type, options.Configuration, connectionGiven, options.Key, options.RequestsTimeout, options.MaxMessageBytes);
        if (string.IsNullOrEmpty(options.StreamName))
        {
            failures.Add($"{Type}.StreamName must be non-empty.");
        }

        if (options.StreamCount is < 1 or > 1024)
        {
            failures.Add($"{Type}.StreamCount must be between 1 and 1024; it is {options.StreamCount}.");
        }

        if (options.MaxLength < 1)
        {
            failures.Add($"{Type}.MaxLength must be positive; it is {options.MaxLength}.");
        }

        if (options.ReadCount is < 1 or > 100_000)
        {
            failures.Add($"{Type}.ReadCount must be between 1 and 100000; it is {options.ReadCount}.");
        }

        if (options.BlockTime < TimeSpan.FromMilliseconds(1) || options.BlockTime > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Type}.BlockTime must be between 1 ms and 5 minutes; it is {options.BlockTime}.");
        }

        if (string.IsNullOrEmpty(options.SessionKeyPrefix))
        {
            failures.Add($"{Type}.SessionKeyPrefix must be non-empty.");
        }

        return failures;
    }

    private static List<string> CheckCommon(string type, string? configuration, bool connectionGiven, string? key, TimeSpan requestsTimeout, int maxMessageBytes)
    {
        var failures = new List<string>();
        if (!connectionGiven && string.IsNullOrWhiteSpace(configuration))
        {
            failures.Add($"{type}.Configuration must name the Redis server (e.g. \"127.0.0.1:6379\") when no connection is given.");
        }

        CheckKey(key, type + ".Key", failures);

        if (requestsTimeout <= TimeSpan.Zero || requestsTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"{type}.RequestsTimeout must be positive and at most {int.MaxValue} ms; it is {requestsTimeout}.");
        }

        if (maxMessageBytes < 1024)
        {
            failures.Add($"{type}.MaxMessageBytes must be at least 1024; it is {maxMessageBytes}.");
        }

        return failures;
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    private static void ThrowIfAny(List<string> failures, Type type)
    {
        if (failures.Count != 0)
        {
            throw new OptionsValidationException(type.Name, type, failures);
        }
    }
}
