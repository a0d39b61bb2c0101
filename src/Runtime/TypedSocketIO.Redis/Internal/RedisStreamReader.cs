using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// Reads one stream of the Streams adapter (<c>XREAD BLOCK … COUNT … STREAMS {stream} {offset}</c>, in a loop, on a
/// connection of its own because the read blocks it) and hands each entry to the adapter of its namespace, in order. It
/// starts after the stream's last entry (read once at start, so that nothing added after <see cref="Ready"/> is missed) and
/// goes on from the last entry read after Redis returns.
/// </summary>
internal sealed class RedisStreamReader : IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisKey _stream;
    private readonly string _streamName;
    private readonly int _readCount;
    private readonly long _blockMs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisStreamsSocketIOAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();

    public RedisStreamReader(string configuration, string stream, RedisStreamsSocketIOAdapterOptions options, ILogger logger)
    {
        ConfigurationOptions config = ConfigurationOptions.Parse(configuration);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;

        // The read blocks for up to BlockTime: the command timeout must outlast it.
        int timeout = (int)Math.Min(int.MaxValue, options.BlockTime.TotalMilliseconds + 10_000);
        config.AsyncTimeout = timeout;
        config.SyncTimeout = timeout;
        _connection = ConnectionMultiplexer.Connect(config);
        _streamName = stream;
        _stream = stream;
        _readCount = options.ReadCount;
        _blockMs = (long)options.BlockTime.TotalMilliseconds;
        _logger = logger;
        _ = RunAsync();
    }

    /// <summary>Completes once the reader knows where the stream ends (entries added after are read).</summary>
    public Task Ready => _ready.Task;

    public void Register(RedisStreamsSocketIOAdapter adapter) => _adapters[adapter.Nsp.Name] = adapter;

    public void Unregister(RedisStreamsSocketIOAdapter adapter) => _adapters.TryRemove(new KeyValuePair<string, RedisStreamsSocketIOAdapter>(adapter.Nsp.Name, adapter));

    public void Dispose()
    {
        _stop.Cancel();
        _ready.TrySetCanceled();

        // Not waiting for the blocked read to end (up to BlockTime).
        _connection.Close(allowCommandsToComplete: false);
        _connection.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        string? offset = null;
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                IDatabase db = _connection.GetDatabase();
                if (offset is null)
                {
                    StreamEntry[] last = await db.StreamRangeAsync(_stream, "-", "+", count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
                    offset = last.Length == 0 ? "0-0" : last[0].Id.ToString();
                    _ready.TrySetResult();
                }

                RedisResult result = await db.ExecuteAsync(
                    "XREAD", "BLOCK", _blockMs.ToString(CultureInfo.InvariantCulture), "COUNT", _readCount.ToString(CultureInfo.InvariantCulture), "STREAMS", _streamName, offset).ConfigureAwait(false);
                failures = 0;
                if (result.IsNull || result.Resp2Type != ResultType.Array)
                {
                    continue;
                }

                // [[stream, [[id, [field, value, …]], …]]]
                foreach (RedisResult stream in (RedisResult[])result!)
                {
                    RedisResult[] pair = (RedisResult[])stream!;
                    foreach (RedisResult entry in (RedisResult[])pair[1]!)
                    {
                        RedisResult[] idAndFields = (RedisResult[])entry!;
                        string id = (string)idAndFields[0]!;
                        offset = id;
                        Dispatch(id, (RedisResult[])idAndFields[1]!);
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException or ObjectDisposedException)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                if (failures++ == 0)
                {
                    RedisAdapterLog.StreamReadFailed(_logger, _streamName, ex);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * failures)), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void Dispatch(string id, RedisResult[] fields)
    {
        var values = new Dictionary<string, RedisValue>(4, StringComparer.Ordinal);
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            values[(string?)fields[i] ?? string.Empty] = (RedisValue)fields[i + 1];
        }

        // An entry without namespace is not a message (the official reader skips it); one for a namespace without adapter here is dropped.
        if (values.TryGetValue("nsp", out RedisValue nsp) && nsp.HasValue && _adapters.TryGetValue(nsp.ToString(), out RedisStreamsSocketIOAdapter? adapter))
        {
            adapter.OnStreamEntry(id, values);
        }
    }
}
