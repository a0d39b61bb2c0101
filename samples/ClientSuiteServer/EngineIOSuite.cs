using System.Text;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Samples.ClientSuiteServer;

/// <summary>What packages/engine.io-client/test/support/hooks.js does, on our API.</summary>
internal static class EngineIOSuite
{
    public static void Map(WebApplication app)
    {
        var handler = new BounceHandler(app.Services.GetRequiredService<IHttpContextAccessor>());
        app.MapEngineIO("/engine.io/", handler, options =>
        {
            options.PingInterval = TimeSpan.FromMilliseconds(500);
            options.MaxHttpBufferSize = 100;

            // allowRequest: a "deny" query parameter refuses the handshake (Node answers 403 "Forbidden").
            options.AllowRequest = static context =>
                ValueTask.FromResult(context.Request.Query.ContainsKey("deny") ? "Forbidden" : null);

            // engine.on("initial_headers"): cookies the client's jar keeps ("1", "2") or drops at once ("3", "4").
            options.OnResponseHeaders = static context =>
            {
                if (!context.IsHandshake)
                {
                    return;
                }

                context.Headers.Append("Set-Cookie", "1=1; Max-Age=86400");
                context.Headers.Append("Set-Cookie", "2=2; Path=/; HttpOnly; Secure; SameSite=Strict");
                context.Headers.Append("Set-Cookie", "3=3; Max-Age=0");
                context.Headers.Append("Set-Cookie", "4=4; Expires=" + DateTime.UtcNow.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            };
        });
    }

    /// <summary>Says "hi" on open and bounces every message back, with three special requests.</summary>
    private sealed class BounceHandler(IHttpContextAccessor httpContextAccessor) : IEngineIOHandler
    {
        public ValueTask OnOpenAsync(EngineIOConnection connection)
        {
            connection.TrySend(EngineIOMessage.Text("hi"u8.ToArray()));
            return ValueTask.CompletedTask;
        }

        // The buffers are valid only during the call: send copies.
        public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
        {
            var span = utf8.Span;
            if (span.SequenceEqual("give binary"u8))
            {
                connection.TrySend(EngineIOMessage.Binary(new byte[] { 0, 1, 2, 3, 4 }));
            }
            else if (span.SequenceEqual("give utf8"u8))
            {
                connection.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes("пойду спать всем спокойной ночи")));
            }
            else if (span.SequenceEqual("sendHeaders"u8))
            {
                // socket.transport.dataReq.headers: the headers of the polling POST that carried this message.
                var request = httpContextAccessor.HttpContext?.Request;
                var json = request is null ? "null" : Json.Headers(request.Headers).ToJsonString();
                connection.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes(json)));
            }
            else
            {
                connection.TrySend(EngineIOMessage.Text(utf8.ToArray()));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
        {
            connection.TrySend(EngineIOMessage.Binary(data.ToArray()));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason) => ValueTask.CompletedTask;
    }
}
