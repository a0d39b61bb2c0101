using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSocketIO.Redis.Internal;

/// <summary>Subscribing while Redis may not be reachable yet, as every Redis adapter does.</summary>
internal static class RedisSubscriptions
{
    /// <summary>
    /// Subscribes to a channel, retrying (bounded backoff) while Redis is unreachable and <paramref name="stillWanted"/>;
    /// <paramref name="onMessage"/> gets its messages in order (one queue per channel). Null once no longer wanted.
    /// </summary>
    public static async Task<ChannelMessageQueue?> SubscribeWithRetryAsync(
        IConnectionMultiplexer connection, RedisChannel channel, Func<bool> stillWanted, Action<ChannelMessage> onMessage, ILogger logger, string @namespace)
    {
        ISubscriber subscriber = connection.GetSubscriber();
        for (int attempt = 0; stillWanted(); attempt++)
        {
            try
            {
                if (!subscriber.IsConnected(channel))
                {
                    // Just connected, the subscription connection is not up yet: no attempt that would stay half-registered.
                    throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "the subscription connection is not up yet");
                }

                ChannelMessageQueue queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
                queue.OnMessage(onMessage);
                return queue;
            }
            catch (RedisException ex)
            {
                // Not connected: StackExchange.Redis keeps reconnecting; try again. A failed attempt stays registered in the
                // multiplexer, which subscribes it again on its own once connected, with a queue nobody reads (it would grow
                // without bound): it goes first (the adapter is the channel's only subscriber on its connection).
                if (attempt == 0)
                {
                    RedisAdapterLog.SubscribeFailed(logger, @namespace, ex);
                }

                try
                {
                    subscriber.Unsubscribe(channel, null, CommandFlags.FireAndForget);
                }
                catch (RedisException)
                {
                    // Still not connected: the registration is gone all the same.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (attempt + 1)))).ConfigureAwait(false);
            }
        }

        return null;
    }
}
