namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>Socket.IO packets a client must not send, or sends with invalid content (socket.io, socket.io-parser, python-socketio, NodeBB advisories).</summary>
    private static IEnumerable<HostileCase> SocketIOPacketAbuse()
    {
        // CVE-2024-38355: an event named "error" must not reach an internal path (Node 4.6.2+ adds a no-op listener).
        yield return Frames("CVE-2024-38355_event_named_error", Open, "42[\"error\"]");
        yield return Frames("CVE-2024-38355_event_named_error_with_ack", Open, "421[\"error\",{\"message\":\"boom\"}]");

        // CVE-2023-32695: the event name neither a string nor a number; 4.2.4 also refuses the reserved names.
        yield return Frames("CVE-2023-32695_event_name_object_toString", Closed, "42[{\"toString\":\"foo\"}]");
        yield return Frames("CVE-2023-32695_event_name_true", Closed, "42[true]");
        yield return Frames("CVE-2023-32695_event_name_null", Closed, "42[null]");
        foreach (string reserved in new[] { "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener" })
        {
            yield return Frames($"CVE-2023-32695_reserved_name_{reserved}", Closed, $"42[\"{reserved}\"]");
        }

        // CVE-2023-30591 (NodeBB): the event name an array or an object must never have members called on it.
        yield return Frames("CVE-2023-30591_event_name_array", Closed, "42[[\"x\"]]");
        yield return Frames("CVE-2023-30591_event_name_object_startsWith", Closed, "42[{\"startsWith\":1}]");

        // python-socketio 1b901de: an empty event.
        yield return Frames("python-socketio-1b901de_empty_event", Closed, "42[]");
        yield return Frames("python-socketio-1b901de_empty_event_with_ack", Closed, "427[]");

        // Packet abuse: shapes the parser must refuse.
        yield return Frames("packet_unknown_type_9", Closed, "49[\"x\"]");
        yield return Frames("packet_empty_message", Closed, "4");
        yield return Frames("packet_invalid_json", Closed, "42[");
        yield return Frames("packet_event_payload_object", Closed, "42{\"a\":1}");
        yield return Frames("packet_event_payload_string", Closed, "42\"x\"");
        yield return Frames("packet_ack_id_not_digits", Closed, "42abc[\"echo\"]");
        yield return Frames("packet_connect_error_from_client", Closed, "44{\"message\":\"x\"}");
        yield return Frames("packet_trailing_garbage_after_json", Closed, "42[\"echo\"]x");
        yield return Frames("packet_namespace_without_comma", Closed, "42/chat[\"x\"]");
        yield return Frames("packet_event_for_namespace_not_joined", Closed, "42/chat,[\"echo\"]");
        yield return Frames("packet_ack_for_namespace_not_joined", Closed, "43/chat,1[]");
        yield return Frames("packet_disconnect_for_namespace_not_joined", Closed, "41/chat,");
        yield return Frames("packet_ack_for_unknown_id_ignored", Open, "43999[\"x\"]");
        yield return Frames("packet_event_nobody_listens_to_ignored", Open, "42[\"nobody\",1,2]");
        yield return Frames("packet_numeric_event_name_ignored", Open, "42[1,\"x\"]");

        // Ack ids: 0 … 2^53−1 (JS safe integers); beyond is refused (stricter on purpose).
        yield return Frames("ack_id_max_safe_integer_answered", Open, "429007199254740991[\"echo\"]");
        yield return Frames("ack_id_over_max_safe_integer", Closed, "429007199254740992[\"echo\"]") with
        {
            NodeExpected = "open | transport close",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "ack ids outside 0 … 2^53−1 close the connection (RELIABILITY-ADVISORIES decisions); Node accepts any number",
        };
        yield return Frames("ack_id_25_digits", Closed, "421111111111111111111111111[\"echo\"]") with
        {
            NodeExpected = "open | transport close",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "ack ids outside 0 … 2^53−1 close the connection (RELIABILITY-ADVISORIES decisions); Node accepts any number",
        };

        // JSON depth: 64 accepted, deeper refused (CVE-2026-45591; stricter on purpose).
        yield return Frames("CVE-2026-45591_json_depth_64_accepted", Open, "42[\"echo\"," + Nested(63) + "]");
        yield return Frames("CVE-2026-45591_json_depth_65_refused", Closed, "42[\"echo\"," + Nested(64) + "]") with
        {
            NodeExpected = "open | transport close",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "JSON deeper than 64 levels closes the connection (RELIABILITY-ADVISORIES decisions); Node has no depth bound",
        };
        yield return Frames("CVE-2026-45591_json_depth_10000_objects", Closed, "42[\"echo\"," + Repeat("{\"a\":", 10_000) + "1" + new string('}', 10_000) + "]") with
        {
            NodeExpected = "open | transport close",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "JSON deeper than 64 levels closes the connection (RELIABILITY-ADVISORIES decisions); Node has no depth bound",
        };

        // socket.io-parser (observed on 4.8.4): a handler re-emitting 10 000-deep arrays makes Node's hasBinary overflow its stack.
        yield return Frames("socket.io-parser_hasBinary_reemit_depth_10000", Closed, "42[\"reemit\"," + Nested(10_000) + "]") with
        {
            NodeExpected = "node crashed",
            Difference = NodeDifference.NodeCrashes,
            Why = "the encoder's recursive hasBinary overflows the stack (RELIABILITY-ADVISORIES, socket.io-parser observed on 4.8.4)",
        };

        // Namespaces.
        yield return new HostileCase("namespace_connect_unknown_refused_session_stays", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendAsync("40/nope,");
            string? answer = await session.ReceiveMessageAsync();
            return answer + " ; " + await session.ProbeAsync();
        }, "4/nope,{\"message\":\"Invalid namespace\"} ; open | transport close");
        yield return new HostileCase("namespace_connect_payload_not_object", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenAsync();
            await session.SendAsync("40\"str\"");
            return await session.WaitClosedAsync();
        }, "closed");
        yield return new HostileCase("namespace_event_before_connect", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenAsync();
            await session.SendAsync("42[\"echo\"]");
            return await session.WaitClosedAsync();
        }, "closed");
        yield return Frames("namespace_connect_twice_separate_messages", Closed, "40");
        // Polling only: over WebSocket the second CONNECT races Node's asynchronous first one (two sockets or a close, by timing);
        // namespace_connect_twice_separate_messages covers the WebSocket.
        yield return new HostileCase("quirk_two_connects_in_one_payload", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenAsync();
            session.ReceiveTimeout = HostileSession.SilenceTimeout;
            await session.SendManyAsync(["40", "40"]);
            string? first = await session.ReceiveMessageAsync();
            context.SocketId = first is not null && first.StartsWith("0{", StringComparison.Ordinal)
                ? System.Text.Json.JsonDocument.Parse(first[1..]).RootElement.GetProperty("sid").GetString()
                : null;
            return await session.WaitClosedAsync();
        }, "closed | parse error")
        {
            NodeExpected = "no answer | transport error",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "two CONNECTs for one namespace (in one payload or not) close the session (RELIABILITY-ADVISORIES decisions); Node makes two sockets",
        };
        // Polling only: over WebSocket the two messages race Node's asynchronous CONNECT (it answers or closes, by timing).
        yield return new HostileCase("quirk_connect_and_event_in_one_payload", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenAsync();
            await session.SendManyAsync(["40", $"42{HostileSession.ProbeAckId}[\"echo\",\"probe\"]"]);
            while (await session.ReceiveMessageAsync() is { } packet)
            {
                if (packet == $"3{HostileSession.ProbeAckId}[\"probe\"]")
                {
                    return "answered";
                }
            }

            return "closed";
        }, "answered")
        {
            NodeExpected = "closed",
            Difference = NodeDifference.NodeQuirk,
            Why = "Node closes the session on an EVENT that arrives before its asynchronous CONNECT completed (RELIABILITY-ADVISORIES quirk); we handle them in order",
        };
    }
}
