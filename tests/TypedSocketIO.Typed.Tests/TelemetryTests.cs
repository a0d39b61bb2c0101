using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TypedSocketIO.Server;
using TypedSocketIO.TestHost;

namespace TypedSocketIO.Typed.Tests;

/// <summary>
/// The server's traces (ActivitySource <c>TypedSocketIO.Server</c>) and metrics (meter <c>TypedSocketIO.Server</c>) as an
/// OpenTelemetry application collects them, through OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task ConnectsAndEvents_AreSpans_EventsAndDisconnectsAreCounted()
    {
        const string Ns = "/telemetry"; // other tests of the process trace too: only this namespace's data is looked at
        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        using TracerProvider tracer = Sdk.CreateTracerProviderBuilder().AddSource(SocketIOServer.ActivitySourceName).AddInMemoryExporter(activities).Build();
        using MeterProvider meter = Sdk.CreateMeterProviderBuilder().AddMeter(SocketIOServer.MeterName).AddInMemoryExporter(metrics).Build();

        await using (var host = SocketIOTestHost.Create())
        {
            host.Map<ITestServer, ITestClient>(Ns, ns => ns.OnConnection(socket =>
            {
                socket.On.Add(async (a, b) =>
                {
                    await Task.Yield();
                    return new Sum(a + b);
                });
                socket.On.Hello(name => throw new InvalidOperationException("no hello for " + name));
            }));
            host.Map<ITestServer, ITestClient>("/refusing" + Ns, ns => ns.Use((_, _) => throw new SocketIOConnectionRejectedException("go away")));

            await using var client = await host.ConnectAsync<ITestClient, ITestServer>(Ns);
            Assert.Equal(new Sum(3), await client.Emit.Add(1, 2));
            client.Emit.Hello("ada");
            await Assert.ThrowsAsync<SocketIOTestConnectException>(() => host.ConnectAsync("/refusing" + Ns));
            string id = client.Id;
            await client.CloseTransportAsync();

            await WaitUntilAsync(() =>
            {
                tracer.ForceFlush();
                lock (activities)
                {
                    return activities.Count(a => Tag(a, "messaging.destination.name")?.EndsWith(Ns, StringComparison.Ordinal) == true) >= 4;
                }
            });

            Activity[] ours;
            lock (activities)
            {
                ours = [.. activities.Where(a => Tag(a, "messaging.destination.name")?.EndsWith(Ns, StringComparison.Ordinal) == true)];
            }

            Activity connect = Assert.Single(ours, a => a.OperationName == "socketio.connect" && Tag(a, "messaging.destination.name") == Ns);
            Assert.Equal(("connect " + Ns, ActivityKind.Server, id), (connect.DisplayName, connect.Kind, Tag(connect, "socketio.socket.id")));
            Activity refused = Assert.Single(ours, a => a.OperationName == "socketio.connect" && Tag(a, "messaging.destination.name") == "/refusing" + Ns);
            Assert.Equal((ActivityStatusCode.Error, "go away"), (refused.Status, refused.StatusDescription));

            Activity add = Assert.Single(ours, a => a.DisplayName == "process add");
            Assert.Equal(("add", id, "socket.io", ActivityStatusCode.Unset), (Tag(add, "messaging.operation.name"), Tag(add, "socketio.socket.id"), Tag(add, "messaging.system"), add.Status));
            Assert.Equal(true, add.GetTagItem("socketio.ack_requested"));
            Activity hello = Assert.Single(ours, a => a.DisplayName == "process hello");
            Assert.Equal((ActivityStatusCode.Error, "no hello for ada"), (hello.Status, hello.StatusDescription));

            meter.ForceFlush(); // while the server (and its observable instruments) exists
            Assert.Equal(2, Sum(metrics, "socketio.server.events_received", ("socketio.namespace", Ns)));
            Assert.Equal(1, Sum(metrics, "socketio.server.disconnects", ("socketio.namespace", Ns), ("socketio.disconnect.reason", "transport close")));
            Assert.Contains(metrics, m => m.Name == "socketio.server.sockets");
        }
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;

    private static long Sum(List<Metric> metrics, string name, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (Metric metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (KeyValuePair<string, object?> tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value;
                }

                if (tags.All(t => pointTags.TryGetValue(t.Key, out object? v) && (string?)v == t.Value))
                {
                    total = Math.Max(total, point.GetSumLong());
                }
            }
        }

        return total;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
