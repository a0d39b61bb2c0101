using System.Net.WebSockets;
using System.Text;

namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>
    /// Silence: peers that never connect, stop answering pings, vanish, or leave an upgrade half done — each must be closed by
    /// the server's timers (one heartbeat mechanism, no timer per packet) and leave nothing behind. Played with short timers.
    /// </summary>
    private static IEnumerable<HostileCase> TimerCasesCore()
    {
        // socketioxide #252 / connectTimeout: a session that never sends CONNECT is closed.
        yield return new HostileCase("socketioxide-252_never_connects_closed_at_connect_timeout", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenAsync();
            return await session.WaitClosedAsync();
        }, "closed");

        // Netty CVE-2026-42577 / issue 14 "half-open peers": a WebSocket peer that stops reading (and answering pings).
        yield return Silent("netty-CVE-2026-42577_half_open_websocket_closed_at_ping_timeout", CaseScope.WebSocket, pongs: 0);

        // netty-socketio 92ef9b5: a polling client that vanishes (no more GET or POST).
        yield return Silent("netty-socketio-92ef9b5_polling_client_vanishes_closed_at_ping_timeout", CaseScope.Polling, pongs: 0);

        // CVE-2026-48802: unsolicited PONGs start no heartbeat and do not keep a silent peer alive.
        yield return Silent("CVE-2026-48802_unsolicited_pongs_do_not_keep_a_silent_peer", CaseScope.BothTransports, pongs: 50);

        // A polling peer that keeps a GET open (and gets the ping) but never answers it.
        yield return new HostileCase("polling_ping_received_never_answered_closed_at_ping_timeout", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            session.AnswerPings = false;
            string? packet;
            do
            {
                packet = await session.ReceiveAsync();
            }
            while (packet is not null && packet != "2");
            string? reason = await context.DisconnectReason(context.SocketId!);
            return packet == "2" ? "ping unanswered" : "closed before the ping";
        }, "ping unanswered | ping timeout");

        // The heartbeat itself: a peer that answers pings stays.
        yield return new HostileCase("heartbeat_three_pings_answered_session_stays", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            int pings = 0;
            while (pings < 3 && await session.ReceiveAsync() is { } packet)
            {
                pings += packet == "2" ? 1 : 0;
            }

            return $"{pings} pings answered ; {await session.ProbeAsync()}";
        }, "3 pings answered ; " + Open);

        // socketioxide #732 (upgrade_timeout): an upgrade started and never finished is dropped; the polling session goes on.
        yield return UpgradeLeftHalfDone("socketioxide-732_upgrade_never_probed_dropped_at_upgrade_timeout", probe: false);
        yield return UpgradeLeftHalfDone("socketioxide-732_probe_without_upgrade_packet_dropped_at_upgrade_timeout", probe: true);
    }

    /// <summary>
    /// A connected peer that sends <paramref name="pongs"/> unsolicited PONGs, then nothing and reads nothing: the server must
    /// close it at the ping timeout. The case waits for the server-side reason before it lets go of the connection.
    /// </summary>
    private static HostileCase Silent(string id, CaseScope scope, int pongs) =>
        new(id, scope, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            if (pongs > 0)
            {
                await session.SendManyAsync(Enumerable.Repeat("3", pongs));
            }

            string? reason = await context.DisconnectReason(context.SocketId!);
            return reason is null ? "still connected" : "silent";
        }, "silent | ping timeout");

    /// <summary>A connected polling session opens a WebSocket to upgrade and never finishes; the WebSocket is dropped, polling goes on.</summary>
    private static HostileCase UpgradeLeftHalfDone(string id, bool probe) =>
        new(id, CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri(context.BaseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + $"/socket.io/?EIO=4&transport=websocket&sid={Uri.EscapeDataString(session.Sid)}"), CancellationToken.None);
            string answer = "";
            if (probe)
            {
                await ws.SendAsync("2probe"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                var buffer = new byte[64];
                WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, CancellationToken.None);
                answer = Encoding.UTF8.GetString(buffer, 0, result.Count) + " ; ";
            }

            // The polling session keeps answering its pings meanwhile (the probe reads its GETs).
            string dropped = await WebSocketEndAsync(ws);
            return answer + dropped + " ; " + await session.ProbeAsync();
        }, probe ? "3probe ; ws closed ; " + Open : "ws closed ; " + Open);
}
