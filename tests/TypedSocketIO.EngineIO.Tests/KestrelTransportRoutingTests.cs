using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The lean transport's connection middleware, seen from raw TCP on 127.0.0.1: it takes WebSocket handshakes to the Engine.IO
/// path that arrive first on a connection, and leaves everything else to Kestrel's HTTP pipeline byte for byte.
/// </summary>
public sealed class KestrelTransportRoutingTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Handshake(string target, string extra = "")
        => $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n{extra}\r\n";

    private static async Task<LoopbackServer> StartAsync(Action<EngineIOOptions>? configure = null)
    {
        return await LoopbackServer.StartAsync(
            services => services.AddEngineIO(),
            app =>
            {
                app.MapGet("/hello", () => "world");
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o =>
                {
                    o.KestrelWebSocketTransport = true;
                    configure?.Invoke(o);
                });
            });
    }

    private static int Accepted(LoopbackServer server) => server.Services.GetRequiredService<KestrelWebSocketEndpoints>().Find("/engine.io")?.Accepted ?? 0;

    /// <summary>A raw connection: writes bytes, reads the response head (and what follows it in the same read).</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _client = new();
        private NetworkStream _stream = null!;

        public static async Task<RawConnection> OpenAsync(LoopbackServer server)
        {
            var connection = new RawConnection();
            await connection._client.ConnectAsync("127.0.0.1", server.Url.Port);
            connection._stream = connection._client.GetStream();
            return connection;
        }

        public async Task WriteAsync(string text, int chunk = int.MaxValue)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            for (int i = 0; i < bytes.Length; i += chunk)
            {
                await _stream.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
                await _stream.FlushAsync();
                if (chunk < bytes.Length)
                {
                    await Task.Delay(1);
                }
            }
        }

        public async Task WriteAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

        /// <summary>Reads until <paramref name="until"/> appears in what was received (10 s at most).</summary>
        public async Task<string> ReadUntilAsync(string until)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var received = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!received.ToString().Contains(until, StringComparison.Ordinal))
            {
                int read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }

            return received.ToString();
        }

        public void Dispose() => _client.Dispose();
    }

    [Fact]
    public async Task WebSocketHandshake_IsServedOnTheConnection_EvenWhenItsHeadArrivesByteByByte()
    {
        await using LoopbackServer server = await StartAsync();
        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"), chunk: 1);

        string received = await connection.ReadUntilAsync("pingInterval");
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", received, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", received, StringComparison.Ordinal);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", received, StringComparison.Ordinal);
        Assert.Equal(1, Accepted(server));

        // A masked "4hi" is echoed unmasked.
        await connection.WriteAsync(WebSocketFrameTests.ClientFrame(1, "4hi"u8.ToArray()));
        Assert.EndsWith("\u0081\u00034hi", await connection.ReadUntilAsync("4hi"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverythingElse_GoesToTheHttpPipeline_OnTheSamePort()
    {
        await using LoopbackServer server = await StartAsync();

        // Another endpoint, then (keep-alive) a WebSocket handshake on the same connection: the connection was Kestrel's
        // from its first request, so the handshake is served by ASP.NET Core's WebSocket middleware.
        using (RawConnection connection = await RawConnection.OpenAsync(server))
        {
            await connection.WriteAsync("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            // The whole response, up to its last (empty) chunk, so that the next read starts with the 101.
            Assert.Contains("world", await connection.ReadUntilAsync("world\r\n0\r\n\r\n"), StringComparison.Ordinal);
            await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
            Assert.StartsWith("HTTP/1.1 101", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        }

        // Polling, and a WebSocket handshake to another path.
        using (RawConnection connection = await RawConnection.OpenAsync(server))
        {
            await connection.WriteAsync("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Assert.Contains("\"sid\"", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        }

        using (RawConnection connection = await RawConnection.OpenAsync(server))
        {
            await connection.WriteAsync(Handshake("/hello"));
            Assert.StartsWith("HTTP/1.1 200", await connection.ReadUntilAsync("world"), StringComparison.Ordinal);
        }

        // Bytes that are no HTTP/1.1 GET at all reach Kestrel, which answers them as it always does.
        using (RawConnection connection = await RawConnection.OpenAsync(server))
        {
            await connection.WriteAsync("POST /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 405", await connection.ReadUntilAsync("\r\n\r\n"), StringComparison.Ordinal);
        }

        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task Refusals_OnTheLeanPath_AreTheEngineIOErrors()
    {
        await using LoopbackServer server = await StartAsync(o => o.AllowRequest = context =>
            ValueTask.FromResult(context.Request.Headers["X-Token"] == "secret" ? null : "no token"));

        async Task<string> RefusalAsync(string head)
        {
            using RawConnection connection = await RawConnection.OpenAsync(server);
            await connection.WriteAsync(head);
            return await connection.ReadUntilAsync("}");
        }

        string version = await RefusalAsync(Handshake("/engine.io/?EIO=3&transport=websocket", "X-Token: secret\r\n"));
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", version, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", version, StringComparison.Ordinal);
        Assert.EndsWith("{\"code\":5,\"message\":\"Unsupported protocol version\"}", version, StringComparison.Ordinal);

        string forbidden = await RefusalAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", forbidden, StringComparison.Ordinal);
        Assert.EndsWith("{\"code\":4,\"message\":\"no token\"}", forbidden, StringComparison.Ordinal);

        string sid = await RefusalAsync(Handshake("/engine.io/?EIO=4&transport=websocket&sid=nope"));
        Assert.EndsWith("{\"code\":1,\"message\":\"Session ID unknown\"}", sid, StringComparison.Ordinal);

        string transport = await RefusalAsync(Handshake("/engine.io/?EIO=4&transport=carrier-pigeon"));
        Assert.EndsWith("{\"code\":0,\"message\":\"Transport unknown\"}", transport, StringComparison.Ordinal);

        using RawConnection ok = await RawConnection.OpenAsync(server);
        await ok.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket", "X-Token: secret\r\n"));
        Assert.StartsWith("HTTP/1.1 101", await ok.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        Assert.Equal(1, Accepted(server));
    }

    /// <summary>
    /// What makes the official <c>compress(false)</c> a no-op here (see <c>SocketIOSocketEmitter.Compress</c>): no transport compresses.
    /// A client's permessage-deflate offer is declined on both WebSocket transports, and a polling response of 4 kB to a client
    /// that accepts gzip goes uncompressed (Node gzips those by default, over its 1 kB threshold).
    /// </summary>
    [Fact]
    public async Task NoTransportCompresses_DeflateOffersDeclined_PollingNotGzipped()
    {
        const string Offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
        foreach (bool lean in new[] { true, false })
        {
            await using LoopbackServer server = await StartAsync(o => o.KestrelWebSocketTransport = lean);
            using RawConnection connection = await RawConnection.OpenAsync(server);
            await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket", Offer));
            string head = await connection.ReadUntilAsync("pingInterval");
            Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
            Assert.DoesNotContain("Sec-WebSocket-Extensions", head, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(lean ? 1 : 0, Accepted(server));
        }

        await using LoopbackServer polling = await StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = polling.Url };
        string open = await http.GetStringAsync("/engine.io/?EIO=4&transport=polling");
        string sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        string big = "4" + new string('x', 4096);
        using (HttpResponseMessage posted = await http.PostAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}", new StringContent(big)))
        {
            Assert.True(posted.IsSuccessStatusCode);
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, $"/engine.io/?EIO=4&transport=polling&sid={sid}");
        get.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        using HttpResponseMessage response = await http.SendAsync(get);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(big, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SwitchedOff_EveryWebSocketGoesThroughTheAspNetCoreMiddleware()
    {
        await using LoopbackServer server = await StartAsync(o => o.KestrelWebSocketTransport = false);
        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("HTTP/1.1 101", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task AnEndpointThatRequiresAuthorization_IsLeftToTheHttpPipeline()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddAuthorization(),
            app =>
            {
                app.UseAuthorization();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true)
                    .RequireAuthorization(policy => policy.RequireAssertion(context => ((HttpContext)context.Resource!).Request.Headers.ContainsKey("X-Allowed")));
            });

        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        string received = await connection.ReadUntilAsync("\r\n\r\n");
        Assert.DoesNotContain("101", received.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task AnEndpointWithRateLimiting_IsLeftToTheHttpPipeline_WhichLimitsWebSocketHandshakesToo()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddRateLimiter(o =>
            {
                o.RejectionStatusCode = 429;
                o.AddFixedWindowLimiter("handshakes", w =>
                {
                    w.PermitLimit = 1;
                    w.Window = TimeSpan.FromHours(1);
                    w.QueueLimit = 0;
                });
            }),
            app =>
            {
                app.UseRateLimiter();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true).RequireRateLimiting("handshakes");
            });

        using (RawConnection first = await RawConnection.OpenAsync(server))
        {
            await first.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
            Assert.StartsWith("HTTP/1.1 101", await first.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        }

        using RawConnection second = await RawConnection.OpenAsync(server);
        await second.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("HTTP/1.1 429", await second.ReadUntilAsync("\r\n\r\n"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task AGlobalRateLimiter_KeepsEveryHandshakeOnTheHttpPipeline()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO().AddRateLimiter(o => o.GlobalLimiter = System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(
                _ => System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("all"))),
            app =>
            {
                app.UseRateLimiter();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = true);
            });

        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("HTTP/1.1 101", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    [Fact]
    public async Task ByDefault_TheLeanTransportServesWebSockets()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO(),
            app => app.MapEngineIO("/engine.io/", new RecordingEchoHandler()));
        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("HTTP/1.1 101", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        Assert.Equal(1, Accepted(server));
    }

    [Fact]
    public async Task AnApplicationThatAuthenticates_IsLeftToTheHttpPipeline_SoTheHandshakeHasItsUser()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddEngineIO()
                .AddAuthentication(HeaderAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null),
            app =>
            {
                app.UseAuthentication();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler());
            });

        using RawConnection connection = await RawConnection.OpenAsync(server);
        await connection.WriteAsync(Handshake("/engine.io/?EIO=4&transport=websocket", "X-User: ada\r\n"));
        Assert.StartsWith("HTTP/1.1 101", await connection.ReadUntilAsync("pingInterval"), StringComparison.Ordinal);
        Assert.Equal(0, Accepted(server));
    }

    /// <summary>Authenticates a request as the user its <c>X-User</c> header names.</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
