using System.Security.Cryptography;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>
/// The session ids given after a successful login (the official <c>InMemoryStore</c>), each valid for a while; bounded: past the
/// limit the oldest is forgotten (its dashboard then asks for the password again).
/// </summary>
internal sealed class AdminUISessionStore(TimeProvider time, TimeSpan duration, int maxSessions)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _expiry = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _expiry.Count;
            }
        }
    }

    /// <summary>A new session id: 8 random bytes in hexadecimal, as the official one.</summary>
    public string Create()
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        long now = time.GetTimestamp();
        long expiresAt = now + (long)(duration.TotalSeconds * time.TimestampFrequency);
        lock (_gate)
        {
            // Ids expire in the order they were made: the expired ones (and those Exists already dropped) lead the queue.
            while (_order.TryPeek(out string? head) && (!_expiry.TryGetValue(head, out long headExpiry) || headExpiry <= now))
            {
                _order.Dequeue();
                _expiry.Remove(head);
            }

            while (_expiry.Count >= maxSessions && _order.TryDequeue(out string? oldest))
            {
                _expiry.Remove(oldest);
            }

            _expiry[id] = expiresAt;
            _order.Enqueue(id);
        }

        return id;
    }

    public bool Exists(string id)
    {
        lock (_gate)
        {
            if (!_expiry.TryGetValue(id, out long expiresAt))
            {
                return false;
            }

            if (time.GetTimestamp() < expiresAt)
            {
                return true;
            }

            _expiry.Remove(id);
            return false;
        }
    }
}
