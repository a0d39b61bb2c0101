namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>Floods of packets, acks, rooms, namespaces and heartbeats from one client (python-engineio, socket.io, netty-socketio).</summary>
    private static IEnumerable<HostileCase> ResourceFloods()
    {
        // python-engineio c8407ae: a payload of very many packets.
        yield return Payload("python-engineio-c8407ae_payload_of_5000_events", Open, [.. Enumerable.Repeat("42[\"nobody\"]", 5000)]);
        yield return Payload("python-engineio-c8407ae_payload_of_2000_echo_acks", Open,
            [.. Enumerable.Range(0, 2000).Select(i => $"42{i}[\"echo\",{i}]")]);

        // CVE-2026-48802: a PONG flood starts no heartbeat work per PONG (the heartbeat timer count is part of the oracle).
        yield return Payload("CVE-2026-48802_pong_flood_1000", Open, [.. Enumerable.Repeat("3", 1000)]);
        yield return Payload("CVE-2026-48802_ping_from_client_closes", "closed | transport error", [.. Enumerable.Repeat("2", 100)]);

        // engine.io 336e05b4 / socket.io #4937 / netty-socketio #868: per-packet timers; many noops must not multiply anything.
        yield return Payload("engine.io-336e05b4_noop_flood_1000", Open, [.. Enumerable.Repeat("6", 1000)]);

        // Rooms and acks left behind when the client goes.
        yield return Payload("flood_join_500_rooms_freed_on_disconnect", Open,
            [.. Enumerable.Range(0, 500).Select(i => $"42[\"join\",\"room-{i}\"]")]);
        yield return Payload("socket.io-registerAckCallback_100_unanswered_acks_freed_on_disconnect", Open, [.. Enumerable.Repeat("42[\"ask\"]", 100)]);

        // cleanupEmptyChildNamespaces (socket.io 4.6.0): dynamic namespaces a client creates.
        yield return new HostileCase("socket.io-cleanupEmptyChildNamespaces_50_dynamic_namespaces", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendManyAsync([.. Enumerable.Range(1, 50).Select(i => $"40/dyn-{i},")]);
            int connected = 0;
            while (connected < 50 && await session.ReceiveMessageAsync() is { } packet)
            {
                if (packet.StartsWith("0/dyn-", StringComparison.Ordinal))
                {
                    connected++;
                }
            }

            return $"{connected} connected ; " + await session.ProbeAsync();
        }, "50 connected ; open | transport close");

        // Big but legal inputs.
        yield return Frames("flood_event_name_900kb", Open, "42[\"" + new string('n', 900_000) + "\"]");
        yield return Frames("flood_100000_arguments", Open, "42[\"echo\"" + Repeat(",0", 100_000) + "]") with
        {
            NodeExpected = "node crashed",
            Difference = NodeDifference.NodeCrashes,
            Why = "socket.io 4.8.4 dies dispatching an event of 100 000 arguments to its listener (Socket.emitUntyped applies them: RangeError, Maximum call stack size exceeded)",
        };
        yield return Frames("flood_string_of_100000_escapes", Open, "42[\"echo\",\"" + Repeat("\\u0000", 100_000) + "\"]");
        yield return Frames("flood_10_attachments_of_90kb", Open,
            ["4510-[\"echo\"" + string.Concat(Enumerable.Range(0, 10).Select(i => "," + Placeholder(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + "]",
             .. Enumerable.Repeat<object>(Bytes(90_000), 10)]);
    }
}
