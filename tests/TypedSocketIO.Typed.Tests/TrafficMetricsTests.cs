using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server;

namespace TypedSocketIO.Typed.Tests;

/// <summary>
/// Packets and bytes in and out, errors by reason, upgrades and acknowledgement spans: exact values from a <see cref="MeterListener"/>
/// that listens to this host's meters only (other tests of the process measure too), and what OpenTelemetry's in-memory exporter gets.
/// </summary>
public sealed class TrafficMetricsTests
{
    [Fact]
    public async Task PacketsBytesErrorsAndUpgrades_AreCounted_AcksAreSpans()
    {
        var activities = new List<Activity>();
        var exported = new List<Metric>();
        using TracerProvider tracer = Sdk.CreateTracerProviderBuilder().AddSource(SocketIOServer.ActivitySourceName).AddInMemoryExporter(activities).Build();
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(SocketIOServer.MeterName, EngineIOServer.MeterName).AddInMemoryExporter(exported).Build();

        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket =>
        {
            socket.On.Hello(name => throw new InvalidOperationException("no hello for " + name));
            socket.On.Add((a, b) => Task.FromResult(new Sum(a + b)));
            socket.On.Echo(async text =>
            {
                try
                {
                    // "fast" is never answered by the test: its acknowledgement times out.
                    return await socket.Timeout(TimeSpan.FromSeconds(text == "fast" ? 0.2 : 30)).Emit.Confirm(text!) ? text : "no";
                }
                catch (SocketIOAckTimeoutException)
                {
                    return "timeout";
                }
            });
        })));

        var measured = new Dictionary<string, long>(StringComparer.Ordinal);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name is "socketio.server.packets_received" or "socketio.server.packets_sent"
                    or "socketio.server.bytes_received" or "socketio.server.bytes_sent" or "socketio.server.errors" or "engineio.upgrades")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measured)
            {
                if (instrument.Name == "socketio.server.errors")
                {
                    foreach (KeyValuePair<string, object?> tag in tags)
                    {
                        if (tag.Key == "error.type")
                        {
                            errors[(string)tag.Value!] = errors.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
                else if (instrument.Name == "engineio.upgrades")
                {
                    measured[instrument.Name] = value; // observed: the running total
                }
                else
                {
                    measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value;
                }
            }
        });
        listener.Start();

        // Every packet each way, as the raw client writes and reads them (ASCII: characters are bytes).
        var sent = new List<string> { "0" };
        var received = new List<string>();
        await using (RawClient client = await RawClient.ConnectAsync(host.Address))
        {
            received.Add("0{\"sid\":\"" + client.Sid + "\"}");
            async Task SendAsync(string packet)
            {
                sent.Add(packet);
                await client.SendAsync(packet);
            }

            async Task<string> ReceiveAsync()
            {
                string packet = await client.ReceiveTextAsync();
                received.Add(packet);
                return packet;
            }

            await SendAsync("2[\"hello\",\"ada\"]");
            await SendAsync("21[\"add\",1,2]");
            Assert.Equal("31[{\"value\":3}]", await ReceiveAsync());
            await SendAsync("22[\"echo\",\"slow\"]");
            Assert.Equal("20[\"confirm\",\"slow\"]", await ReceiveAsync());
            await SendAsync("30[true]");
            Assert.Equal("32[\"slow\"]", await ReceiveAsync());
            await SendAsync("23[\"echo\",\"fast\"]");
            Assert.Equal("21[\"confirm\",\"fast\"]", await ReceiveAsync());
            Assert.Equal("33[\"timeout\"]", await ReceiveAsync());
        }

        await UpgradeAsync(host.Address, () =>
        {
            listener.RecordObservableInstruments();
            lock (measured)
            {
                return measured.GetValueOrDefault("engineio.upgrades") == 1;
            }
        });
        lock (measured)
        {
            Assert.Equal(sent.Count, measured["socketio.server.packets_received"]);
            Assert.Equal(sent.Sum(p => p.Length), measured["socketio.server.bytes_received"]);
            Assert.Equal(received.Count, measured["socketio.server.packets_sent"]);
            Assert.Equal(received.Sum(p => p.Length), measured["socketio.server.bytes_sent"]);
            Assert.Equal(1, measured["engineio.upgrades"]);
            Assert.Equal(1, errors.GetValueOrDefault("handler_failed"));
            Assert.Equal(1, errors.GetValueOrDefault("ack_timeout"));
        }

        // The acknowledgements the server waited for are spans: one answered, one timed out.
        tracer.ForceFlush();
        Activity[] acks;
        lock (activities)
        {
            acks = [.. activities.Where(a => a.OperationName == "socketio.ack" && a.DisplayName == "ack confirm" && a.GetTagItem("socketio.socket.id") is string)];
        }

        Assert.Contains(acks, a => a.Status == ActivityStatusCode.Unset);
        Assert.Contains(acks, a => (a.Status, a.StatusDescription) == (ActivityStatusCode.Error, "timed out"));

        meters.ForceFlush();
        foreach (string name in (string[])["socketio.server.packets_received", "socketio.server.packets_sent", "socketio.server.bytes_received",
            "socketio.server.bytes_sent", "socketio.server.errors", "engineio.upgrades", "socketio.server.pending_acks", "socketio.server.sockets"])
        {
            Assert.Contains(exported, m => m.Name == name);
        }

        Assert.Equal("By", exported.First(m => m.Name == "socketio.server.bytes_sent").Unit);
    }

    /// <summary>An Engine.IO session opened over polling and upgraded to WebSocket (probe, then upgrade), then closed.</summary>
    private static async Task UpgradeAsync(Uri server, Func<bool> upgraded)
    {
        using var http = new HttpClient { BaseAddress = server };
        string open = await http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
        string sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{server.Authority}/socket.io/?EIO=4&transport=websocket&sid={sid}"), CancellationToken.None);
        await ws.SendAsync("2probe"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        byte[] buffer = new byte[64];
        WebSocketReceiveResult probe = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("3probe", Encoding.UTF8.GetString(buffer, 0, probe.Count));
        await ws.SendAsync("5"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);


        // The server completes the upgrade when it reads "5": wait for the counter to say so.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!upgraded())
        {
            await Task.Delay(20, deadline.Token);
        }

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
