using System.Net.WebSockets;
using System.Text;

namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>
    /// Advisories about the server as a whole (ids, CORS, acknowledgements, refused connections, slow consumers, what a close
    /// frame carries) and the WebSocket upgrade of a polling session (socketioxide #320, #732).
    /// </summary>
    private static IEnumerable<HostileCase> ServerWide()
    {
        // CVE-2017-16031 / socket.io #2320: session and socket ids from a CSPRNG (≥ 120 bits): none repeats, all the same length.
        yield return new HostileCase("CVE-2017-16031_session_and_socket_ids_unique", CaseScope.BothTransports, async context =>
        {
            var sids = new HashSet<string>(StringComparer.Ordinal);
            var socketIds = new HashSet<string>(StringComparer.Ordinal);
            var lengths = new SortedSet<int>();
            for (int i = 0; i < 20; i++)
            {
                await using HostileSession session = await HostileSession.OpenConnectedAsync(context.BaseAddress, context.Transport);
                sids.Add(session.Sid);
                socketIds.Add(session.SocketId!);
                lengths.Add(session.Sid.Length);
                lengths.Add(session.SocketId!.Length);
            }

            return $"{sids.Count} sids, {socketIds.Count} socket ids, lengths {string.Join(",", lengths)}";
        }, "20 sids, 20 socket ids, lengths 20");

        // CVE-2020-28481: no CORS headers for any origin unless configured.
        yield return new HostileCase("CVE-2020-28481_no_cors_headers_by_default", CaseScope.Polling, async context =>
        {
            using var http = new HttpClient { Timeout = HostileSession.Timeout };
            using var request = new HttpRequestMessage(HttpMethod.Get, context.BaseAddress + "/socket.io/?EIO=4&transport=polling");
            request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
            using HttpResponseMessage response = await http.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            string sid = System.Text.Json.JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!;
            await http.PostAsync($"{context.BaseAddress}/socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(sid)}", new StringContent("1"));
            string[] cors = [.. response.Headers.Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).Select(h => h.Key)];
            return cors.Length == 0 ? $"{(int)response.StatusCode} without CORS headers" : $"{(int)response.StatusCode} with {string.Join(",", cors)}";
        }, "200 without CORS headers");

        // CVE-2019-13611: with no CORS policy configured a WebSocket from any Origin opens (a configured policy is enforced: CorsTests).
        yield return Upgrade("CVE-2019-13611_websocket_origin_without_policy_opens", "Origin: https://evil.example\r\n", "101 open");

        // socket.io #4984 (fix 37aad114): a broadcast acknowledgement that times out leaves no pending entry.
        yield return new HostileCase("socket.io-4984_broadcast_ack_timeout_freed", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendAsync("4212[\"broadcast-ask\"]");
            string? answer;
            do
            {
                answer = await session.ReceiveMessageAsync();
            }
            while (answer is not null && !answer.StartsWith("312", StringComparison.Ordinal));
            return answer + " ; " + await session.ProbeAsync();
        }, "312[\"timeout\"] ; " + Open);

        // By design in Node (registerAckCallback): server→client acks without timeout wait until disconnect; ours are bounded (1 000).
        yield return Payload("socket.io-registerAckCallback_1000_unanswered_acks_accepted", Open, [.. Enumerable.Repeat("42[\"ask\"]", 1000)]);
        yield return Payload("socket.io-registerAckCallback_1001_unanswered_acks_closes", "closed | forced server close", [.. Enumerable.Repeat("42[\"ask\"]", 1001)]) with
        {
            NodeExpected = Open,
            Difference = NodeDifference.DecidedLimit,
            Why = "pending server→client acks per socket are bounded (1 000, RELIABILITY-ADVISORIES limits); Node keeps any number until disconnect",
        };

        // socket.io #3582 / #4435, netty-socketio afe8091: a client that stops reading while the server emits 20 MB.
        yield return new HostileCase("socket.io-3582_slow_consumer_20mb_of_emits", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendAsync("42[\"spam\",20000,1000]");
            return await session.ProbeAsync();
        }, "closed | outgoing buffer overflow")
        {
            NodeExpected = Open,
            Difference = NodeDifference.DecidedLimit,
            Why = "the outgoing buffer per session is bounded (1 MiB, then disconnect; RELIABILITY-ADVISORIES limits); Node buffers without bound",
        };

        // python-socketio 66e17fb: connections refused by a namespace's middleware leave nothing behind.
        yield return new HostileCase("python-socketio-66e17fb_100_refused_connects", CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendManyAsync([.. Enumerable.Repeat("40/refused,", 100)]);
            int refused = 0;
            string? last = null;
            while (refused < 100 && await session.ReceiveMessageAsync() is { } packet)
            {
                if (packet.StartsWith("4/refused,", StringComparison.Ordinal))
                {
                    refused++;
                    last = packet;
                }
            }

            return $"{refused} × {last} ; {await session.ProbeAsync()}";
        }, "100 × 4/refused,{\"message\":\"refused\"} ; " + Open);

        // CVE-2026-45736 / CVE-2016-10518: a close frame carries its code and a UTF-8 reason, nothing else.
        yield return new HostileCase("CVE-2026-45736_close_frame_is_code_and_utf8_reason", CaseScope.WebSocket, async context =>
        {
            await using RawTcp raw = await context.OpenConnectedRawWebSocketAsync();
            await raw.SendFrameAsync(1, Utf8("42[\"echo\"]"), rsv: 3);
            while (await raw.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 8)
                {
                    byte[] reason = frame.Payload[2..];
                    bool utf8 = new UTF8Encoding(false, true) is var strict && IsStrictUtf8(strict, reason) && !reason.Contains((byte)0);
                    return $"close {(frame.Payload[0] << 8) | frame.Payload[1]} with {(utf8 ? "a UTF-8 reason" : "bytes " + Convert.ToHexString(reason))}";
                }
            }

            return "eof";
        }, "close 1002 with a UTF-8 reason | transport error");

        // socketioxide #320: Engine.IO packets a WebSocket session must not send.
        yield return WebSocketPackets("socketioxide-320_probe_ping_on_established_websocket", "closed | transport error", "2probe");
        yield return WebSocketPackets("socketioxide-320_upgrade_packet_on_established_websocket", Open, "5");
        yield return WebSocketPackets("socketioxide-320_probe_pong_on_established_websocket", Open, "3probe");
        yield return WebSocketPackets("socketioxide-320_open_packet_from_client", Open, "0");

        // socketioxide #732: an upgrade started and never finished is dropped when its polling session goes.
        yield return Upgrading("socketioxide-732_upgrade_socket_never_probed", probe: false);
        yield return Upgrading("socketioxide-732_upgrade_probed_never_finished", probe: true);
        yield return new HostileCase("upgrade_for_a_session_already_on_websocket", CaseScope.WebSocket, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            using var second = new ClientWebSocket();
            await second.ConnectAsync(new Uri(context.BaseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + $"/socket.io/?EIO=4&transport=websocket&sid={Uri.EscapeDataString(session.Sid)}"), CancellationToken.None);
            return await WebSocketEndAsync(second, HostileSession.SilenceTimeout) + " ; " + await session.ProbeAsync();
        }, "ws closed ; " + Open)
        {
            NodeExpected = "no answer ; " + Open,
            Difference = NodeDifference.NodeQuirk,
            Why = "a WebSocket upgrade for a session that is on WebSocket already: we accept and close it at once; Node takes it as an upgrade and drops it only at the upgrade timeout (10 s)",
        };
        yield return new HostileCase("upgrade_with_unknown_sid", CaseScope.Http, async context =>
        {
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync(RawTcp.WebSocketRequest(context.Uri, "/socket.io/?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA"));
            return await raw.ReadResponseAsync();
        }, "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}")
        {
            NodeExpected = "http 400 Session ID unknown",
            Difference = NodeDifference.HttpLayer,
            Why = "the same refusal; Node's upgrade path writes the message as text/html, ours the Engine.IO error JSON as on every path",
        };

        // CVE-2023-44487 (HTTP/2 rapid reset): Kestrel answers an HTTP/2 prior-knowledge preface on a cleartext endpoint in HTTP/2
        // (its own, patched, stream limits apply); Node's http module refuses it.
        yield return new HostileCase("CVE-2023-44487_http2_preface_on_cleartext", CaseScope.Http, async context =>
        {
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            string head = await raw.ReadHeadAsync();
            return head.StartsWith("HTTP/", StringComparison.Ordinal) ? "http " + RawTcp.Status(head) : head.Length == 0 ? "eof" : "binary: HTTP/2 frames";
        }, "binary: HTTP/2 frames")
        {
            NodeExpected = "http 400",
            Difference = NodeDifference.HttpLayer,
            Why = "Kestrel speaks HTTP/2 with prior knowledge on a cleartext endpoint (Http1AndHttp2); Node's http module answers 400",
        };
    }

    private static bool IsStrictUtf8(UTF8Encoding strict, byte[] bytes)
    {
        try
        {
            strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Sends Engine.IO text packets over a connected WebSocket session (WebSocket only), then probes.</summary>
    private static HostileCase WebSocketPackets(string id, string expected, params string[] packets) =>
        new(id, CaseScope.WebSocket, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            foreach (string packet in packets)
            {
                await session.SendAsync(packet);
            }

            return await session.ProbeAsync();
        }, expected);

    /// <summary>
    /// A connected polling session opens a WebSocket to upgrade (and sends <c>2probe</c> when <paramref name="probe"/>), never
    /// sends <c>5</c>, then closes the polling session: the WebSocket must be closed too.
    /// </summary>
    private static HostileCase Upgrading(string id, bool probe) =>
        new(id, CaseScope.Polling, async context =>
        {
            HostileSession session = await context.OpenConnectedAsync();
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

            await session.DisposeAsync();
            return answer + await WebSocketEndAsync(ws);
        }, probe ? "3probe ; ws closed | transport close" : "ws closed | transport close");

    /// <summary>Reads a WebSocket until the server closes it: <c>ws closed</c>, or <c>no answer</c>.</summary>
    private static async Task<string> WebSocketEndAsync(ClientWebSocket ws, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? HostileSession.Timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return "ws closed";
                }
            }
        }
        catch (WebSocketException)
        {
            return "ws closed";
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }
}
