using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSocketIO.Redis;
using TypedSocketIO.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Redis adapter: <c>services.AddSocketIO().AddRedisAdapter(o => o.Configuration = "127.0.0.1:6379")</c> (or <c>AddRedisShardedAdapter</c>, <c>AddRedisStreamsAdapter</c>).</summary>
public static class RedisSocketIOServerBuilderExtensions
{
    /// <summary>
    /// Makes every namespace use a <see cref="RedisSocketIOAdapter"/> on one connection to Redis (opened from
    /// <see cref="RedisSocketIOAdapterOptions.Configuration"/>), replacing the in-memory adapter. The options are validated at
    /// start-up.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisAdapter(this ISocketIOServerBuilder builder, Action<RedisSocketIOAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register<RedisSocketIOAdapterOptions>(builder, configure, connectionGiven: false);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(static sp => RedisSocketIOAdapterFactory.Connect(
            sp.GetRequiredService<IOptions<RedisSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    /// <summary>Makes every namespace use a <see cref="RedisSocketIOAdapter"/> on a connection the application provides (and disposes).</summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="connection">Gives this server's connection to Redis.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisAdapter(
        this ISocketIOServerBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisSocketIOAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        Register<RedisSocketIOAdapterOptions>(builder, configure ?? (static _ => { }), connectionGiven: true);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(sp => new RedisSocketIOAdapterFactory(
            connection(sp), sp.GetRequiredService<IOptions<RedisSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    /// <summary>
    /// Makes every namespace use a <see cref="RedisShardedSocketIOAdapter"/> (Redis 7 sharded pub/sub, the official
    /// <c>createShardedAdapter</c>) on one connection to Redis (opened from
    /// <see cref="RedisShardedSocketIOAdapterOptions.Configuration"/>), replacing the in-memory adapter. The options are
    /// validated at start-up.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisShardedAdapter(this ISocketIOServerBuilder builder, Action<RedisShardedSocketIOAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register<RedisShardedSocketIOAdapterOptions>(builder, configure, connectionGiven: false);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(static sp => RedisShardedSocketIOAdapterFactory.Connect(
            sp.GetRequiredService<IOptions<RedisShardedSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    /// <summary>Makes every namespace use a <see cref="RedisShardedSocketIOAdapter"/> on a connection the application provides (and disposes).</summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="connection">Gives this server's connection to Redis.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisShardedAdapter(
        this ISocketIOServerBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisShardedSocketIOAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        Register<RedisShardedSocketIOAdapterOptions>(builder, configure ?? (static _ => { }), connectionGiven: true);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(sp => new RedisShardedSocketIOAdapterFactory(
            connection(sp), sp.GetRequiredService<IOptions<RedisShardedSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    /// <summary>
    /// Makes every namespace use a <see cref="RedisStreamsSocketIOAdapter"/> (the official
    /// <c>@socket.io/redis-streams-adapter</c>: one Redis stream, connection state recovery across the cluster) on connections
    /// opened from <see cref="RedisStreamsSocketIOAdapterOptions.Configuration"/>, replacing the in-memory adapter. The
    /// options are validated at start-up.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisStreamsAdapter(this ISocketIOServerBuilder builder, Action<RedisStreamsSocketIOAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register<RedisStreamsSocketIOAdapterOptions>(builder, configure, connectionGiven: false);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(static sp => RedisStreamsSocketIOAdapterFactory.Connect(
            sp.GetRequiredService<IOptions<RedisStreamsSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    /// <summary>
    /// Makes every namespace use a <see cref="RedisStreamsSocketIOAdapter"/> on a connection the application provides (and
    /// disposes); the stream readers open connections of their own with its configuration.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSocketIO</c>.</param>
    /// <param name="connection">Gives this server's connection to Redis.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddRedisStreamsAdapter(
        this ISocketIOServerBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisStreamsSocketIOAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        Register<RedisStreamsSocketIOAdapterOptions>(builder, configure ?? (static _ => { }), connectionGiven: true);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISocketIOAdapterFactory>(sp => new RedisStreamsSocketIOAdapterFactory(
            connection(sp), sp.GetRequiredService<IOptions<RedisStreamsSocketIOAdapterOptions>>().Value, sp.GetService<ILoggerFactory>())));
        return builder;
    }

    private static void Register<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(ISocketIOServerBuilder builder, Action<TOptions> configure, bool connectionGiven)
        where TOptions : class
    {
        builder.Services.Configure(configure);
        builder.Services.AddOptions<TOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton(
            typeof(IValidateOptions<TOptions>), new RedisSocketIOAdapterOptionsValidator { ConnectionGiven = connectionGiven }));
    }
}
