using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The Engine.IO server's security defaults, one test each: no CORS headers unless configured; the WebSocket <c>Origin</c> held
/// to the application's CORS policy on both WebSocket transports; session ids of 120 bits from a CSPRNG; <c>AllowRequest</c>
/// decides before any session exists and its exception text stays on the server; and the lean Kestrel WebSocket transport leaves
/// to the HTTP pipeline every endpoint whose authorization, host or rate limiting only that pipeline applies.
/// (The endpoint CORS policy on WebSocket handshakes is <see cref="CorsTests.WebSocketHandshake_FromAnOriginThePolicyRefuses_IsForbidden_OthersConnect"/>;
/// authorization, rate limiting and authentication on the lean transport are in <see cref="KestrelTransportRoutingTests"/>.)
/// </summary>
public sealed class SecurityDefaultsTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithoutCors_NoResponseCarriesACorsHeader_WhateverTheOrigin(bool kestrelTransport)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO(),
            app => app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = kestrelTransport));
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(15) };
        var responses = new List<(string What, HttpResponseMessage Response)>();
        try
        {
            responses.Add(("handshake", await SendAsync(http, HttpMethod.Get, "/engine.io/?EIO=4&transport=polling")));
            string sid = System.Text.Json.JsonDocument.Parse((await responses[0].Response.Content.ReadAsStringAsync())[1..]).RootElement.GetProperty("sid").GetString()!;
            responses.Add(("post", await SendAsync(http, HttpMethod.Post, $"/engine.io/?EIO=4&transport=polling&sid={sid}", "4hi")));
            responses.Add(("poll", await SendAsync(http, HttpMethod.Get, $"/engine.io/?EIO=4&transport=polling&sid={sid}")));
            responses.Add(("preflight", await SendAsync(http, HttpMethod.Options, "/engine.io/?EIO=4&transport=polling", preflight: true)));
            responses.Add(("error", await SendAsync(http, HttpMethod.Get, "/engine.io/?EIO=4&transport=polling&sid=unknown")));
            Assert.Equal(HttpStatusCode.OK, responses[0].Response.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, responses[4].Response.StatusCode);
            foreach ((string what, HttpResponseMessage response) in responses)
            {
                string[] cors = [.. response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))];
                Assert.True(cors.Length == 0, $"{what} answered {string.Join(", ", cors)}");
            }
        }
        finally
        {
            foreach ((_, HttpResponseMessage response) in responses)
            {
                response.Dispose();
            }
        }

        // The WebSocket handshake's 101 (an evil origin connects: without a CORS policy, nothing restricts origins, as Node).
        string head = await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket", "Origin: http://evil.example\r\n");
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.DoesNotContain("access-control-", head, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WebSocketOrigin_IsHeldToTheApplicationsDefaultCorsPolicy_OnBothTransports(bool kestrelTransport)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins("http://allowed.example"))),
            app =>
            {
                app.UseCors();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = kestrelTransport);
            });

        Assert.StartsWith("HTTP/1.1 403", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket", "Origin: http://evil.example\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket", "Origin: http://allowed.example\r\n"), StringComparison.Ordinal);
        Assert.Equal(kestrelTransport ? 1 : 0, Accepted(server));
    }

    [Fact]
    public void SessionIds_Are120BitsFromACsprng()
    {
        // 20 base64url characters = 15 random bytes; every bit a fair coin (6 sigma: a false alarm once in ~10^7 runs).
        const int Count = 4096;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int[] ones = new int[120];
        for (int i = 0; i < Count; i++)
        {
            string id = EngineIOServer.NewSessionId();
            Assert.Matches("^[A-Za-z0-9_-]{20}$", id);
            Assert.True(ids.Add(id), "a session id repeated: " + id);
            byte[] bytes = System.Buffers.Text.Base64Url.DecodeFromChars(id);
            Assert.Equal(15, bytes.Length);
            for (int bit = 0; bit < 120; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }

        double sigma = Math.Sqrt(Count) / 2;
        for (int bit = 0; bit < 120; bit++)
        {
            Assert.InRange(ones[bit], (Count / 2) - (6 * sigma), (Count / 2) + (6 * sigma));
        }
    }

    [Theory]
    [InlineData("polling", false)]
    [InlineData("websocket", false)]
    [InlineData("websocket", true)]
    public async Task AllowRequest_DecidesBeforeAnySessionExists_AndItsExceptionTextStaysOnTheServer(string transport, bool kestrelTransport)
    {
        var handler = new RecordingEchoHandler();
        EngineIOServer? engine = null;
        var sessionsSeen = new List<int>();
        var options = new EngineIOOptions
        {
            KestrelWebSocketTransport = kestrelTransport,
            AllowRequest = context =>
            {
                lock (sessionsSeen)
                {
                    sessionsSeen.Add(engine!.SessionCount);
                }

                return context.Request.Headers["X-Token"] == "secret" ? ValueTask.FromResult<string?>(null)
                    : context.Request.Headers["X-Token"] == "boom" ? throw new InvalidOperationException("connection string Password=hunter2")
                    : ValueTask.FromResult<string?>("no token");
            },
        };
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO(),
            app =>
            {
                EngineIOEndpointRouteBuilderExtensions.MapEngineIO(app, "/engine.io/", handler, options, out EngineIOServer mapped);
                engine = mapped;
            });

        string target = $"/engine.io/?EIO=4&transport={transport}";
        string refused = await RawRequestAsync(server, target, transport == "websocket", "X-Token: wrong\r\n");
        string thrown = await RawRequestAsync(server, target, transport == "websocket", "X-Token: boom\r\n");

        Assert.StartsWith("HTTP/1.1 403", refused, StringComparison.Ordinal);
        Assert.EndsWith("{\"code\":4,\"message\":\"no token\"}", refused, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", thrown, StringComparison.Ordinal);
        Assert.EndsWith("{\"code\":4,\"message\":\"Forbidden\"}", thrown, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", thrown, StringComparison.Ordinal);
        Assert.Equal(0, engine!.SessionCount);
        Assert.Empty(handler.Events);
        Assert.Equal(0, Accepted(server));

        string accepted = await RawRequestAsync(server, target, transport == "websocket", "X-Token: secret\r\n");
        Assert.Contains("\"sid\":", accepted, StringComparison.Ordinal);
        Assert.Equal([0, 0, 0], sessionsSeen);
    }

    [Fact]
    public async Task LeanTransport_LeavesToThePipeline_AnAppWithAFallbackAuthorizationPolicy()
    {
        // No authentication scheme: only the fallback policy (an assertion on a header) guards the endpoint.
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAssertion(context => ((HttpContext)context.Resource!).Request.Headers.ContainsKey("X-Allowed")).Build()),
            app =>
            {
                app.UseAuthorization();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true);
            });

        Assert.DoesNotContain(" 101 ", FirstLine(await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket")), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task LeanTransport_LeavesToThePipeline_AnEndpointWithAnAuthorizationPolicyAsMetadata()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddAuthorization(),
            app =>
            {
                app.UseAuthorization();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true)
                    .WithMetadata(new AuthorizationPolicyBuilder().RequireAssertion(context => ((HttpContext)context.Resource!).Request.Headers.ContainsKey("X-Allowed")).Build());
            });

        Assert.DoesNotContain(" 101 ", FirstLine(await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket")), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task LeanTransport_LeavesToThePipeline_AnEndpointBoundToAHost()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO(),
            app => app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true).RequireHost("internal.example"));

        // Routing does not match another host: 404, as any other request to that host.
        Assert.StartsWith("HTTP/1.1 404", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket", host: "internal.example"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task LeanTransport_LeavesToThePipeline_AnAppThatFiltersHosts()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddHostFiltering(o => o.AllowedHosts = ["allowed.example"]),
            app =>
            {
                app.UseHostFiltering();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true);
            });

        Assert.StartsWith("HTTP/1.1 400", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket", host: "allowed.example"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task LeanTransport_StillServes_AnAppWhoseHostFilterAllowsAnyHost()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddHostFiltering(o => o.AllowedHosts = ["*"]),
            app =>
            {
                app.UseHostFiltering();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true);
            });

        Assert.StartsWith("HTTP/1.1 101", await RawHandshakeAsync(server, "/engine.io/?EIO=4&transport=websocket"), StringComparison.Ordinal);
        Assert.Equal(1, Accepted(server));
    }

    private static int Accepted(LoopbackServer server) => server.Services.GetRequiredService<KestrelWebSocketEndpoints>().Find("/engine.io")?.Accepted ?? 0;

    private static string FirstLine(string head) => head.Split("\r\n")[0];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string target, string? body = null, bool preflight = false)
    {
        using var request = new HttpRequestMessage(method, target);
        request.Headers.Add("Origin", "http://evil.example");
        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        return await http.SendAsync(request);
    }

    private static Task<string> RawHandshakeAsync(LoopbackServer server, string target, string extra = "", string host = "127.0.0.1") =>
        RawRequestAsync(server, target, webSocket: true, extra, host);

    /// <summary>
    /// One request on a new TCP connection (a WebSocket handshake first on it, so that the lean transport may take it); returns
    /// the response head, and the body of a non-101 answer (a polling request closes its connection: read to the end).
    /// </summary>
    private static async Task<string> RawRequestAsync(LoopbackServer server, string target, bool webSocket, string extra = "", string host = "127.0.0.1")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Url.Port);
        NetworkStream stream = client.GetStream();
        string upgrade = webSocket ? $"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n" : "Connection: close\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\n{upgrade}{extra}\r\n"));
        var received = new StringBuilder();
        byte[] buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            string text = received.ToString();
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && webSocket)
            {
                if (text.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    // The Engine.IO open packet follows in a WebSocket frame (read a little of it).
                    if (text.Contains("\"sid\":", StringComparison.Ordinal))
                    {
                        return text;
                    }
                }
                else if (ContentLength(text[..end]) is not { } length)
                {
                    return text[..(end + 4)];
                }
                else if (text.Length >= end + 4 + length)
                {
                    return text[..(end + 4 + length)];
                }
            }

            int read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return received.ToString();
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
    }

    private static int? ContentLength(string head)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
