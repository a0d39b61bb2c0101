using System.Net.Http.Headers;
using System.Text;

namespace TypedSocketIO.Reliability.Tests;

public static partial class Corpus
{
    /// <summary>One HTTP request: <c>http {status} {body}</c>, or <c>failed</c> when the server dropped it.</summary>
    private static async Task<string> HttpAsync(string method, string url, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient { Timeout = HostileSession.Timeout };
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using HttpResponseMessage response = await http.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            return $"http {(int)response.StatusCode} {body}".TrimEnd();
        }
        catch (HttpRequestException)
        {
            return "failed";
        }
    }

    private static ByteArrayContent Body(string text, string contentType = "text/plain;charset=UTF-8")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>A POST of <paramref name="body"/> on a connected polling session: <c>post {status} ; </c> then the probe.</summary>
    private static HostileCase Post(string id, string expected, string body, string contentType = "text/plain;charset=UTF-8") =>
        new(id, CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            int status = await session.PostAsync(body, contentType);
            return $"post {status} ; {await session.ProbeAsync()}";
        }, expected);

    /// <summary>Engine.IO over HTTP long-polling: bodies, content types, overlapping requests, unknown sessions.</summary>
    private static IEnumerable<HostileCase> EngineIOPollingAbuse()
    {
        const string transportError = "closed | transport error";

        // A payload that does not decode: we answer the POST 400 (the request is refused) and close with parse error; Node answers
        // 200 "ok" and closes the session the same way.
        static HostileCase Undecodable(string id, string body, string nodeReason = "parse error") =>
            Post(id, "post 400 ; closed | parse error", body) with
            {
                NodeExpected = "post 200 ; closed | " + nodeReason,
                Difference = NodeDifference.HttpLayer,
                Why = "we refuse the POST of an undecodable payload with 400; Node answers it 200 and closes the session alike",
            };

        // GHSA-r635-g3xr-vw7x: a binary content type after the handshake is answered 400 and the request ended.
        yield return Post("GHSA-r635-g3xr-vw7x_post_octet_stream", "post 400 ; " + transportError, "4" + "2[\"echo\"]", "application/octet-stream");

        // CVE-2020-36048: a POST over maxHttpBufferSize (1 000 000 bytes) is answered 413, and we close the session.
        yield return Post("CVE-2020-36048_post_over_max_http_buffer_size", "post 413 ; " + transportError, "42[\"echo\",\"" + new string('a', 1_000_000) + "\"]") with
        {
            NodeExpected = "post 413 ; open | transport close",
            Difference = NodeDifference.StricterOnPurpose,
            Why = "a polling POST over maxHttpBufferSize closes the session; Node answers 413 and leaves the session to its client",
        };
        yield return Post("CVE-2020-36048_post_at_max_http_buffer_size", "post 200 ; open | transport close", "42[\"echo\",\"" + new string('a', 1_000_000 - 13) + "\"]");
        yield return new HostileCase("CVE-2020-36048_post_declared_huge_content_length", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync($"POST /socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(session.Sid)} HTTP/1.1\r\nHost: {context.Uri.Authority}\r\n" +
                "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100000000\r\n\r\n42[\"echo\"");
            string response = await raw.ReadResponseAsync(HostileSession.SilenceTimeout);
            return response + " ; " + await session.ProbeAsync();
        }, "http 413 ; " + transportError)
        {
            NodeExpected = "no answer ; closed | transport error",
            Difference = NodeDifference.HttpLayer,
            Why = "we refuse a declared Content-Length over maxHttpBufferSize at once (413, the session closed); Node waits for the body (no answer), so the probe's POST overlaps it and closes the session",
        };

        // CVE-2020-36049: an Engine.IO v3 length prefix announcing ~1e8 characters (v4 has no length prefix: not a packet type).
        yield return Undecodable("CVE-2020-36049_v3_length_prefix_99999991", "99999991:4222");
        yield return Undecodable("socketioxide-739_v3_payload_with_binary_prefix", "\u0000\u0001\u00ff42[\"echo\"]");

        // Payload framing.
        yield return Undecodable("polling_empty_body", "");
        yield return Undecodable("polling_only_separators", "\u001e\u001e");
        yield return Undecodable("polling_unknown_engine_packet_type", "9hello");
        yield return Undecodable("polling_invalid_base64_binary", "b!!!", nodeReason: "forced close");
        yield return Post("polling_open_packet_from_client_ignored", "post 200 ; open | transport close", "0");
        yield return Post("polling_client_noop_ignored", "post 200 ; open | transport close", "6");
        yield return Post("polling_upgrade_packet_without_upgrade_ignored", "post 200 ; open | transport close", "5");
        yield return Post("polling_close_packet_closes", "post 200 ; closed | transport close", "1");

        // socket.io #2320 / #3416: overlapping requests on one sid close the session (a replayed GET does not read another client's packets quietly).
        yield return new HostileCase("socket.io-2320_overlapping_get_closes_session", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            using var http = new HttpClient { Timeout = HostileSession.Timeout };
            Task<HttpResponseMessage> first = http.GetAsync(session.PollUrl);
            await Task.Delay(200);
            string second = await HttpAsync("GET", session.PollUrl);
            using HttpResponseMessage firstResponse = await first;
            string firstBody = await firstResponse.Content.ReadAsStringAsync();
            return $"{second} ; first {(int)firstResponse.StatusCode} {firstBody} ; {await session.ProbeAsync()}";
        }, "http 400 {\"code\":3,\"message\":\"Bad request\"} ; first 200 1 ; " + transportError)
        {
            NodeExpected = "http 400 ; first 200 1 ; " + transportError,
            Difference = NodeDifference.HttpLayer,
            Why = "the same refusal; Node's 400 to an overlapping request has no body, ours the Engine.IO error JSON (code 3)",
        };
        yield return new HostileCase("polling_overlapping_post_closes_session", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await using RawTcp slow = await RawTcp.ConnectAsync(context.Uri);
            await slow.WriteAsync($"POST /socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(session.Sid)} HTTP/1.1\r\nHost: {context.Uri.Authority}\r\n" +
                "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 20\r\n\r\n42[\"echo\"");
            await Task.Delay(200);
            string second = await HttpAsync("POST", session.PollUrl, Body("42[\"echo\"]"));
            return $"{second} ; {await session.ProbeAsync()}";
        }, "http 400 {\"code\":3,\"message\":\"Bad request\"} ; " + transportError)
        {
            NodeExpected = "http 400 ; " + transportError,
            Difference = NodeDifference.HttpLayer,
            Why = "the same refusal; Node's 400 to an overlapping request has no body, ours the Engine.IO error JSON (code 3)",
        };

        // Unknown or forged session ids.
        yield return Http("polling_get_unknown_sid", "GET", "/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}");
        yield return Http("polling_post_unknown_sid", "POST", "/socket.io/?EIO=4&transport=polling&sid=nope", "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}", "42[\"echo\"]");
        yield return Http("polling_sid_4000_chars", "GET", "/socket.io/?EIO=4&transport=polling&sid=" + new string('A', 4_000), "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}");
        yield return Http("polling_sid_proto", "GET", "/socket.io/?EIO=4&transport=polling&sid=__proto__", "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}");
        yield return Http("polling_put_with_sid", "PUT", "/socket.io/?EIO=4&transport=polling&sid=x", "http 400 {\"code\":1,\"message\":\"Session ID unknown\"}");
        yield return new HostileCase("polling_put_on_live_session", CaseScope.Polling, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            string put = await HttpAsync("PUT", session.PollUrl, Body("42[\"echo\"]"));
            return put + " ; " + await session.ProbeAsync();
        }, "http 400 {\"code\":3,\"message\":\"Bad request\"} ; open | transport close")
        {
            NodeExpected = "http 500 ; open | transport close",
            Difference = NodeDifference.HttpLayer,
            Why = "a PUT on a live session: Node answers 500 (no handler for the method), we answer 400 Bad request",
        };
    }

    /// <summary>A request to <paramref name="pathAndQuery"/> with no session of the case's own.</summary>
    private static HostileCase Http(string id, string method, string pathAndQuery, string expected, string? body = null) =>
        new(id, CaseScope.Http, context => HttpAsync(method, context.BaseAddress + pathAndQuery, body is null ? null : Body(body)), expected);

    /// <summary>Handshake requests: versions, methods, transports looked up by client input (CVE-2023-31125), header floods.</summary>
    private static IEnumerable<HostileCase> HandshakeAbuse()
    {
        yield return Http("handshake_eio_3", "GET", "/socket.io/?EIO=3&transport=polling", "http 400 {\"code\":5,\"message\":\"Unsupported protocol version\"}");
        yield return Http("handshake_eio_missing", "GET", "/socket.io/?transport=polling", "http 400 {\"code\":5,\"message\":\"Unsupported protocol version\"}");
        yield return Http("handshake_post", "POST", "/socket.io/?EIO=4&transport=polling", "http 400 {\"code\":2,\"message\":\"Bad handshake method\"}", "40");
        yield return Http("handshake_transport_missing", "GET", "/socket.io/?EIO=4", "http 400 {\"code\":0,\"message\":\"Transport unknown\"}");
        foreach (string name in new[] { "__proto__", "constructor", "toString", "hasOwnProperty", "flashsocket" })
        {
            yield return Http($"CVE-2023-31125_transport_{name}", "GET", $"/socket.io/?EIO=4&transport={name}", "http 400 {\"code\":0,\"message\":\"Transport unknown\"}");
        }

        yield return new HostileCase("CVE-2023-31125_transport_proto_on_websocket_path", CaseScope.Http, async context =>
        {
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync(RawTcp.WebSocketRequest(context.Uri, "/socket.io/?EIO=4&transport=__proto__"));
            return await raw.ReadResponseAsync();
        }, "http 400 {\"code\":0,\"message\":\"Transport unknown\"}")
        {
            NodeExpected = "http 400 Transport unknown",
            Difference = NodeDifference.HttpLayer,
            Why = "the same refusal; Node's upgrade path writes the message as text/html, ours the Engine.IO error JSON as on every path",
        };
        yield return Http("handshake_websocket_transport_without_upgrade", "GET", "/socket.io/?EIO=4&transport=websocket", "http 400 {\"code\":3,\"message\":\"Bad request\"}");
        yield return new HostileCase("handshake_origin_with_control_character", CaseScope.Http, async context =>
        {
            await using RawTcp raw = await RawTcp.ConnectAsync(context.Uri);
            await raw.WriteAsync($"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: {context.Uri.Authority}\r\nOrigin: http://a\u0001b\r\n\r\n");
            return await raw.ReadResponseAsync();
        }, "http 400 {\"code\":3,\"message\":\"Bad request\"}")
        {
            NodeExpected = "http 400",
            Difference = NodeDifference.HttpLayer,
            Why = "the same refusal; Node's answer to an Origin with a control character has no body, ours the Engine.IO error JSON (code 3)",
        };
    }
}
