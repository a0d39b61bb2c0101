namespace TypedSocketIO.Client.Internal;

/// <summary>
/// Exponential back-off with jitter, as the JavaScript client's: the n-th delay (from 0) is
/// <c>min × 2^n</c>, moved up or down by at most <c>randomizationFactor × that</c>, then capped at <c>max</c>.
/// Not thread-safe: the manager calls it under its lock.
/// </summary>
internal sealed class Backoff
{
    private readonly double _minMs;
    private readonly double _maxMs;
    private readonly double _jitter;
    private readonly Func<double> _random;

    public Backoff(TimeSpan min, TimeSpan max, double jitter, Func<double>? random = null)
    {
        _minMs = min.TotalMilliseconds;
        _maxMs = max.TotalMilliseconds;
        _jitter = jitter;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The number of delays handed out since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The next delay; counts one attempt.</summary>
    public TimeSpan Next()
    {
        // Doubles cannot overflow here: 2^1024 is infinity, and the cap below brings it back.
        double ms = _minMs * Math.Pow(2, Attempts);
        Attempts++;
        if (_jitter > 0)
        {
            double rand = _random();
            double deviation = Math.Floor(rand * _jitter * ms);

            // The same draw picks the direction (its first decimal digit's parity) and the size.
            ms = ((int)Math.Floor(rand * 10) & 1) == 0 ? ms - deviation : ms + deviation;
        }

        return TimeSpan.FromMilliseconds(Math.Floor(Math.Max(0, Math.Min(ms, _maxMs))));
    }

    /// <summary>Starts again from the minimum delay.</summary>
    public void Reset() => Attempts = 0;
}
