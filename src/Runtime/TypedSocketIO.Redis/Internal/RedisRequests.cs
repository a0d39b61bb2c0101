using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// The requests of one adapter that wait for the other servers: broadcasts with acknowledgements (until their caller stops
/// waiting) and requests with a count of expected answers (bounded by the requests timeout).
/// </summary>
internal sealed class RedisRequests
{
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ISocketIOBroadcastAckCollector> _ackRequests = new(StringComparer.Ordinal);
    private readonly int _idLength;

    /// <param name="idLength">The length of the request ids, in hex digits, as the official adapter makes them.</param>
    public RedisRequests(int idLength) => _idLength = idLength;

    public string NewRequestId() => RandomNumberGenerator.GetHexString(_idLength, lowercase: true);

    /// <summary>Keeps a broadcast with acknowledgements until its caller stops waiting; returns its request id.</summary>
    public string AddAckRequest(ISocketIOBroadcastAckCollector collector)
    {
        string requestId = NewRequestId();
        _ackRequests[requestId] = collector;
        collector.Abandoned.UnsafeRegister(static (state, _) =>
        {
            var (requests, id) = ((RedisRequests, string))state!;
            requests._ackRequests.TryRemove(id, out ISocketIOBroadcastAckCollector? _);
        }, (this, requestId));
        return requestId;
    }

    /// <summary>Whether the request id is one of this server's broadcasts with acknowledgements.</summary>
    public bool IsAckRequest(string requestId) => _ackRequests.ContainsKey(requestId);

    public bool TryGetAckRequest(string requestId, out ISocketIOBroadcastAckCollector? collector) => _ackRequests.TryGetValue(requestId, out collector);

    public bool TryGetRequest(string requestId, out PendingRequest? pending) => _requests.TryGetValue(requestId, out pending);

    /// <summary>One more server answered <paramref name="pending"/> (its answer added under the request's lock); completes it after the last.</summary>
    public void Answered(string requestId, PendingRequest pending)
    {
        bool complete;
        lock (pending)
        {
            pending.Received++;
            complete = pending.Received >= pending.Expected;
        }

        if (complete && _requests.TryRemove(requestId, out _))
        {
            pending.Completion.TrySetResult();
        }
    }

    /// <summary>
    /// Sends a request and waits for every expected answer, at most <paramref name="timeout"/>; then fails with
    /// <see cref="SocketIOAdapterTimeoutException"/> holding what arrived.
    /// </summary>
    public async Task SendAsync(string requestId, PendingRequest pending, Func<Task> publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _requests[requestId] = pending;
        try
        {
            await publish().ConfigureAwait(false);
            try
            {
                await pending.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                int received;
                JsonElement[] answers;
                lock (pending)
                {
                    received = pending.Received;
                    answers = [.. pending.Answers];
                }

                throw new SocketIOAdapterTimeoutException(pending.Name, timeout, received, pending.Expected, answers);
            }
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    /// <summary>Fails every waiting request (the adapter is disposed).</summary>
    public void FailAll(string adapter)
    {
        foreach (KeyValuePair<string, PendingRequest> entry in _requests)
        {
            entry.Value.Completion.TrySetException(new ObjectDisposedException(adapter));
        }
    }
}
