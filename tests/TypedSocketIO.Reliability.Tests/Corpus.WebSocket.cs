using System.Text;

namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>Over a raw connected WebSocket: writes the frames, then reads until the server closes (or probes, when <paramref name="probe"/>).</summary>
    private static HostileCase Raw(string id, string expected, Func<RawTcp, Task> send, bool probe = false) =>
        new(id, CaseScope.WebSocket, async context =>
        {
            await using RawTcp raw = await context.OpenConnectedRawWebSocketAsync();
            await send(raw);
            return probe ? await raw.ProbeAsync() : await raw.ReadUntilClosedAsync();
        }, expected);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>WebSocket frames a client must not send (RFC 6455), limits of ws (CVE-2016-10542, CVE-2026-48779) and of the upgrade request.</summary>
    private static IEnumerable<HostileCase> WebSocketFramingAbuse()
    {
        byte[] echo = Utf8("42[\"echo\"]");

        // CVE-2022-21676: invalid frame bytes ("RSV2 and RSV3 must be clear") crashed engine.io.
        yield return Raw("CVE-2022-21676_rsv2_rsv3_set", "ws close 1002 | transport error", raw => raw.SendFrameAsync(1, echo, rsv: 3));
        yield return Raw("CVE-2022-21676_rsv1_without_extension", "ws close 1002 | transport error", raw => raw.SendFrameAsync(1, echo, rsv: 4));
        yield return Raw("ws_reserved_data_opcode_3", "ws close 1002 | transport error", raw => raw.SendFrameAsync(3, echo));
        yield return Raw("ws_reserved_control_opcode_11", "ws close 1002 | transport error", raw => raw.SendFrameAsync(11, []));
        yield return Raw("ws_unmasked_client_frame", "ws close 1002 | transport error", raw => raw.SendFrameAsync(1, echo, masked: false));
        yield return Raw("ws_fragmented_control_frame", "ws close 1002 | transport error", raw => raw.SendFrameAsync(9, [1], fin: false));
        yield return Raw("ws_control_frame_over_125_bytes", "ws close 1002 | transport error", raw => raw.SendFrameAsync(9, Bytes(126)));
        yield return Raw("ws_continuation_without_start", "ws close 1002 | transport error", raw => raw.SendFrameAsync(0, echo));
        yield return Raw("ws_new_message_inside_fragmented_one", "ws close 1002 | transport error", async raw =>
        {
            await raw.SendFrameAsync(1, Utf8("42[\"ec"), fin: false);
            await raw.SendFrameAsync(1, Utf8("ho\"]"));
        });
        yield return Raw("ws_invalid_utf8_text", "ws close 1007 | transport error", raw => raw.SendFrameAsync(1, [(byte)'4', (byte)'2', 0xC3, 0x28]));
        yield return Raw("ws_close_code_999", "ws close 1002 | transport error", raw => raw.SendFrameAsync(8, [0x03, 0xE7]));
        yield return Raw("ws_close_one_byte_payload", "ws close 1002 | transport error", raw => raw.SendFrameAsync(8, [0x03]));
        yield return Raw("ws_ping_answered_session_stays", "open | transport close", raw => raw.SendFrameAsync(9, Utf8("hello")), probe: true);
        yield return Raw("ws_unsolicited_pong_ignored", "open | transport close", raw => raw.SendFrameAsync(10, Utf8("hello")), probe: true);

        // CVE-2016-10518 / CVE-2026-45736: what the server sends back is exactly what it means, never uninitialised bytes.
        yield return new HostileCase("CVE-2016-10518_pong_echoes_exactly_the_ping_payload", CaseScope.WebSocket, async context =>
        {
            await using RawTcp raw = await context.OpenConnectedRawWebSocketAsync();
            byte[] payload = Utf8("hello-" + new string('x', 119));
            await raw.SendFrameAsync(9, payload);
            while (await raw.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 10)
                {
                    return frame.Payload.AsSpan().SequenceEqual(payload) ? "pong hello-125" : "pong " + Convert.ToHexString(frame.Payload);
                }
            }

            return "eof";
        }, "pong hello-125 | transport close");

        // CVE-2016-10542: one huge message; the limit is maxHttpBufferSize (ws maxPayload), declared or sent.
        // (ASP.NET Core's WebSocket does not expose a frame's declared length: on that path the connection waits for the payload,
        // held until the heartbeat closes it, and nothing is allocated for it.)
        yield return Raw("CVE-2016-10542_declared_length_2_pow_62", "ws close 1009 | transport error", raw => raw.SendFrameAsync(2, [], declaredLength: 1L << 62)) with
        {
            ExpectedMiddleware = "no answer | transport close",
        };
        yield return Raw("CVE-2016-10542_message_over_max_http_buffer_size", "ws close 1009 | transport error",
            raw => raw.SendFrameAsync(1, Utf8("42[\"echo\",\"" + new string('a', 1_000_000) + "\"]")));
        yield return Raw("CVE-2016-10542_fragments_summing_over_max", "ws close 1009 | transport error", async raw =>
        {
            await raw.SendFrameAsync(1, Utf8("42[\"echo\",\"" + new string('a', 600_000)), fin: false);
            await raw.SendFrameAsync(0, Utf8(new string('a', 600_000) + "\"]"));
        });

        // CVE-2026-48779: the number of fragments, empty ones included, is bounded (131 072).
        yield return Raw("CVE-2026-48779_empty_fragments_over_max", "ws close 1008 | transport error", async raw =>
        {
            byte[] empty = RawTcp.Frame(0, [], fin: false);
            var burst = new List<byte>(RawTcp.Frame(1, Utf8("42"), fin: false));
            for (int i = 0; i < 131_073; i++)
            {
                burst.AddRange(empty);
            }

            await raw.WriteAsync([.. burst]);
        });
        yield return Raw("CVE-2026-48779_1000_fragments_accepted", "open | transport close", async raw =>
        {
            var burst = new List<byte>(RawTcp.Frame(1, Utf8("42[\"echo\""), fin: false));
            for (int i = 0; i < 1000; i++)
            {
                burst.AddRange(RawTcp.Frame(0, Utf8(",1"), fin: false));
            }

            burst.AddRange(RawTcp.Frame(0, Utf8("]")));
            await raw.WriteAsync([.. burst]);
        }, probe: true);

        // Netty CVE-2026-42577 and transport loss: a peer that half-closes or resets mid-frame.
        yield return new HostileCase("netty-CVE-2026-42577_reset_mid_frame", CaseScope.WebSocket, async context =>
        {
            RawTcp raw = await context.OpenConnectedRawWebSocketAsync();
            byte[] frame = RawTcp.Frame(1, echo);
            await raw.WriteAsync(frame[..5]);
            raw.Reset();
            await raw.DisposeAsync();
            return "reset";
        }, "reset | transport error")
        {
            NodeExpected = "reset | transport close",
            ExpectedMiddleware = "reset | transport close",
            Difference = NodeDifference.ReasonName,
            Why = "a connection reset mid-frame: we report transport error, Node (ws) transport close",
        };
        yield return new HostileCase("ws_fin_without_close_frame", CaseScope.WebSocket, async context =>
        {
            RawTcp raw = await context.OpenConnectedRawWebSocketAsync();
            await raw.DisposeAsync();
            return "fin";
        }, "fin | transport close");

        // Upgrade requests (ws: GHSA-5v72-xg48-5rpm, CVE-2021-32640, CVE-2024-37890; engine.io CVE-2022-21676, CVE-2022-41940).
        yield return Upgrade("GHSA-5v72-xg48-5rpm_extensions_named_constructor", "Sec-WebSocket-Extensions: constructor, __proto__; x=1, permessage-deflate; hasOwnProperty\r\n", "101 open");
        yield return Upgrade("CVE-2021-32640_long_sec_websocket_protocol", "Sec-WebSocket-Protocol: " + Repeat("a,", 8_000) + "b\r\n", "101 open") with
        {
            NodeExpected = "400",
            Difference = NodeDifference.HttpLayer,
            Why = "ws refuses a Sec-WebSocket-Protocol with a repeated name (400); we open the session without a subprotocol",
        };
        yield return Upgrade("CVE-2024-37890_2000_headers", string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-H{i}: v\r\n")), "431") with
        {
            NodeExpected = "101 open",
            Difference = NodeDifference.HttpLayer,
            Why = "Kestrel refuses more than 100 request headers (431); Node's http keeps 2 000 and ws 8.21 handles the upgrade",
        };
        yield return Upgrade("ws_upgrade_version_8", null, "400", request: uri =>
            RawTcp.WebSocketRequest(uri, "/socket.io/?EIO=4&transport=websocket").Replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", StringComparison.Ordinal)) with
        {
            NodeExpected = "101 open",
            Difference = NodeDifference.HttpLayer,
            Why = "ws accepts Sec-WebSocket-Version 8 as well as 13; we accept 13 only (RFC 6455) and answer 400",
        };
        yield return Upgrade("ws_upgrade_without_key", null, "400", request: uri =>
            string.Join("\r\n", RawTcp.WebSocketRequest(uri, "/socket.io/?EIO=4&transport=websocket").Split("\r\n").Where(l => !l.StartsWith("Sec-WebSocket-Key", StringComparison.Ordinal))));
        yield return Upgrade("CVE-2022-21676_upgrade_get_with_body", "Content-Length: 10\r\n", "400", body: "0123456789") with
        {
            NodeExpected = "101 no open packet",
            Difference = NodeDifference.HttpLayer,
            Why = "we refuse an upgrade GET with a body (400); Node upgrades and reads the body as frames, then closes",
        };
        yield return new HostileCase("CVE-2022-41940_h2c_upgrade_then_reset", CaseScope.Http, async context =>
        {
            RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            // An unknown sid: the request is refused without creating a session (a handshake would leave one for the heartbeat to end).
            await raw.WriteAsync($"GET /socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: {context.Uri.Authority}\r\nConnection: Upgrade, HTTP2-Settings\r\n" +
                "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            raw.Reset();
            await raw.DisposeAsync();
            return "reset";
        }, "reset");
    }

    /// <summary>
    /// A WebSocket handshake over raw TCP with extra headers: <c>101 open</c> when the session opens and answers a probe, else
    /// the HTTP status.
    /// </summary>
    private static HostileCase Upgrade(string id, string? extraHeaders, string expected, Func<Uri, string>? request = null, string body = "") =>
        new(id, CaseScope.Http, async context =>
        {
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync((request?.Invoke(context.Uri) ?? RawTcp.WebSocketRequest(context.Uri, "/socket.io/?EIO=4&transport=websocket", extraHeaders ?? "")) + body);
            string head = await raw.ReadHeadAsync();
            string status = RawTcp.Status(head);
            if (status != "101")
            {
                return status;
            }

            var open = await raw.ReadFrameAsync();
            if (open is not { Opcode: 1 })
            {
                return "101 no open packet";
            }

            await raw.SendFrameAsync(1, "40"u8.ToArray());
            var connected = await raw.ReadFrameAsync();
            return connected is { Opcode: 1 } && Encoding.UTF8.GetString(connected.Value.Payload).StartsWith("40{", StringComparison.Ordinal)
                ? "101 " + await raw.ProbeAsync()
                : "101 not connected";
        }, expected);
}
