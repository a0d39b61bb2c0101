using System.Diagnostics;
using System.Globalization;
using System.Numerics;

namespace LoadGen;

/// <summary>
/// A latency histogram in microseconds, log-linear (exact below 1024 µs, then 64 buckets per power of two: under 1.6 %
/// error), safe to record into from any thread, fixed size.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 1024;
    private const int SubBuckets = 64;
    private readonly long[] _counts = new long[Linear + (64 - 10) * SubBuckets];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void RecordTicks(long stopwatchTicks) => Record(stopwatchTicks * 1_000_000 / Stopwatch.Frequency);

    public void Record(long microseconds)
    {
        if (microseconds < 0)
        {
            microseconds = 0;
        }

        int index;
        if (microseconds < Linear)
        {
            index = (int)microseconds;
        }
        else
        {
            int exponent = 63 - BitOperations.LeadingZeroCount((ulong)microseconds); // ≥ 10
            int sub = (int)((microseconds >> (exponent - 6)) & (SubBuckets - 1));
            index = Linear + ((exponent - 10) * SubBuckets) + sub;
        }

        Interlocked.Increment(ref _counts[index]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0–1), in microseconds (the bucket's lower bound).</summary>
    public double Quantile(double q)
    {
        long total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                if (i < Linear)
                {
                    return i;
                }

                int exponent = ((i - Linear) / SubBuckets) + 10;
                int sub = (i - Linear) % SubBuckets;
                return ((long)SubBuckets + sub) << (exponent - 6);
            }
        }

        return double.NaN;
    }
}

/// <summary>CPU time and memory of a process, from /proc (Linux).</summary>
internal static class ProcFs
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET runs on

    /// <summary>utime + stime of the whole process (all threads), in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>User and kernel CPU seconds separately.</summary>
    public static (double User, double System) CpuSplit(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / TicksPerSecond,
            long.Parse(fields[12], CultureInfo.InvariantCulture) / TicksPerSecond);
    }

    /// <summary>VmRSS in KiB.</summary>
    public static long RssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no VmRSS for pid {pid}");
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

/// <summary>
/// A measured window: wall time, the server's CPU time (utime + stime of its pid) and the load generator's own, so every
/// figure says how busy each side was.
/// </summary>
internal sealed class Window
{
    private readonly int[] _serverPids;
    private readonly int _otherPid;
    private long _startTimestamp;
    private double _serverCpuStart;
    private double _serverSysStart;
    private double _selfCpuStart;
    private double _otherCpuStart;

    public Window(int serverPid)
        : this([serverPid])
    {
    }

    /// <summary>A window over the summed CPU of <paramref name="serverPids"/>, and of <paramref name="otherPid"/> (Redis, say) apart.</summary>
    public Window(int[] serverPids, int otherPid = 0)
    {
        _serverPids = serverPids;
        _otherPid = otherPid;
    }

    /// <summary>CPU seconds of the other process (0 when none was given).</summary>
    public double OtherCpuSeconds { get; private set; }

    public double Seconds { get; private set; }

    public double ServerCpuSeconds { get; private set; }

    public double ServerSystemSeconds { get; private set; }

    public double SelfCpuSeconds { get; private set; }

    public void Start()
    {
        (double user, double system) = ServerCpu();
        _serverCpuStart = user + system;
        _serverSysStart = system;
        _selfCpuStart = ProcFs.CpuSeconds(Environment.ProcessId);
        _otherCpuStart = _otherPid > 0 ? ProcFs.CpuSeconds(_otherPid) : 0;
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    public void Stop()
    {
        Seconds = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        (double user, double system) = ServerCpu();
        ServerCpuSeconds = user + system - _serverCpuStart;
        ServerSystemSeconds = system - _serverSysStart;
        SelfCpuSeconds = ProcFs.CpuSeconds(Environment.ProcessId) - _selfCpuStart;
        OtherCpuSeconds = _otherPid > 0 ? ProcFs.CpuSeconds(_otherPid) - _otherCpuStart : 0;
    }

    private (double User, double System) ServerCpu()
    {
        double user = 0, system = 0;
        foreach (int pid in _serverPids)
        {
            (double u, double s) = ProcFs.CpuSplit(pid);
            user += u;
            system += s;
        }

        return (user, system);
    }

    /// <summary>Adds the CPU figures of the window to a result.</summary>
    public void AddTo(ScenarioResult result)
    {
        result.Add("server CPU (% of a core)", 100 * ServerCpuSeconds / Seconds);
        result.Add("server kernel CPU (% of its CPU)", ServerCpuSeconds > 0 ? 100 * ServerSystemSeconds / ServerCpuSeconds : double.NaN);
        result.Add("load generator CPU (% of a core)", 100 * SelfCpuSeconds / Seconds);
        result.Add("window (s)", Seconds);
    }
}
