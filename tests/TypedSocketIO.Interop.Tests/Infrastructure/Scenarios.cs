namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>The scenarios of tests/interop-node/client.mjs and the transport modes they run over.</summary>
public static class Scenarios
{
    /// <summary>The hard timeout given to client.mjs; the test waits a little longer before killing it.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(15);

    public static readonly string[] Transports = ["websocket", "polling", "default"];

    public static readonly string[] Names = ["emit-ack", "binary", "namespaces", "rooms", "middleware", "dynamic-namespaces", "server-disconnect", "ping-timeout"];

    /// <summary>Every scenario over every transport mode.</summary>
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Names)
        {
            foreach (var transport in Transports)
            {
                data.Add(name, transport);
            }
        }
        return data;
    }

    /// <summary>The three transport modes.</summary>
    public static TheoryData<string> TransportModes() => new(Transports);

    /// <summary>Runs <c>node client.mjs scenario url --transports mode</c>.</summary>
    public static Task<NodeScriptResult> RunClientAsync(string scenario, string baseAddress, string transports, string path = "/socket.io/") =>
        NodeScript.RunAsync(
            "client.mjs",
            [scenario, baseAddress, "--transports", transports, "--path", path, "--timeout", ((int)ScriptTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ScriptTimeout + TimeSpan.FromSeconds(5));
}
