using System.Diagnostics.Metrics;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Diagnostics_CountLiveState_AndReturnToZero()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        var (a, socketA) = await fixture.ConnectAsync();
        var (b, _) = await fixture.ConnectAsync("/chat");
        socketA.Join("lobby");
        _ = socketA.EmitWithAckAsync("q");
        await b.SendAsync("451-/chat,[\"x\",{\"_placeholder\":true,\"num\":0}]");

        SocketIOServerDiagnostics d = fixture.Server.Diagnostics;
        Assert.Equal(2, d.ConnectionCount);
        Assert.Equal(2, d.SocketCount);
        Assert.Equal(1, d.GetSocketCount("/"));
        Assert.Equal(1, d.GetSocketCount("/chat"));
        Assert.Equal(0, d.GetSocketCount("/none"));
        Assert.Equal(2, d.GetRoomCount("/"));
        Assert.Equal(3, d.RoomCount);
        Assert.Equal(1, d.PendingAckCount);
        Assert.Equal(1, d.PendingBinaryPacketCount);

        await a.CloseFromEngineAsync("transport close");
        await b.CloseFromEngineAsync("transport close");

        Assert.Equal(0, d.ConnectionCount);
        Assert.Equal(0, d.SocketCount);
        Assert.Equal(0, d.RoomCount);
        Assert.Equal(0, d.PendingAckCount);
        Assert.Equal(0, d.PendingBinaryPacketCount);
    }

    [Fact]
    public async Task Metrics_PublishTheSameCounts()
    {
        using var fixture = new ServerFixture();
        var (_, socket) = await fixture.ConnectAsync();
        socket.Join("lobby");
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SocketIOServer.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => values[i.Name] = values.GetValueOrDefault(i.Name) + v);
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => values[i.Name] = values.GetValueOrDefault(i.Name) + v);
        listener.Start();

        listener.RecordObservableInstruments();

        // Other servers of parallel tests publish on the same meter name: assert at least this server's counts.
        Assert.True(values["socketio.server.connections"] >= 1);
        Assert.True(values["socketio.server.sockets"] >= 1);
        Assert.True(values["socketio.server.rooms"] >= 2);
        Assert.True(values.ContainsKey("socketio.server.pending_acks"));
        Assert.True(values.ContainsKey("socketio.server.pending_binary_packets"));
        Assert.True(values.ContainsKey("socketio.server.protocol_errors"));
    }
}
