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

    public int ServerPid => Int("server-pid", 0) is > 0 and int pid ? pid : throw new ArgumentException("--server-pid is required");

    public double Warmup => Double("warmup", 2);

    public double Duration => Double("duration", 8);

    /// <summary>The server, from --url http://127.0.0.1:PORT; only loopback addresses are accepted.</summary>
    public IPEndPoint Server
    {
        get
        {
            var uri = new Uri(Require("url"));
            IPAddress address = IPAddress.Parse(uri.Host);
            if (!IPAddress.IsLoopback(address))
            {
                throw new ArgumentException("the load generator only talks to loopback addresses");
            }

            return new IPEndPoint(address, uri.Port);
        }
    }
}
