using System.Globalization;
using System.Net;

namespace LoadGen;

/// <summary>"--name value" arguments.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Options(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            string name = args[i][2..];
            _values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int ServerPid => ServerPids[0];

    /// <summary>
    /// The process ids of the server(s) under test, from --server-pid PID[,PID…]: their CPU times are summed (the cluster
    /// scenario runs two server processes).
    /// </summary>
    public int[] ServerPids
    {
        get
        {
            string value = Require("server-pid");
            string[] parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var pids = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                pids[i] = int.Parse(parts[i], CultureInfo.InvariantCulture) is > 0 and int pid ? pid : throw new ArgumentException("--server-pid takes positive process ids");
            }

            return pids.Length > 0 ? pids : throw new ArgumentException("--server-pid is required");
        }
    }

    public double Warmup => Double("warmup", 2);

    public double Duration => Double("duration", 8);

    /// <summary>The server, from --url http://127.0.0.1:PORT; only loopback addresses are accepted.</summary>
    public IPEndPoint Server => Endpoint("url");

    /// <summary>The second server of a cluster, from --url2, when given.</summary>
    public IPEndPoint? SecondServer => Get("url2") is null ? null : Endpoint("url2");

    private IPEndPoint Endpoint(string name)
    {
        var uri = new Uri(Require(name));
        IPAddress address = IPAddress.Parse(uri.Host);
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("the load generator only talks to loopback addresses");
        }

        return new IPEndPoint(address, uri.Port);
    }
}
