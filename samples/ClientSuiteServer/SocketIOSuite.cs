using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Samples.ClientSuiteServer;

/// <summary>What packages/socket.io-client/test/support/server.ts does, on our API.</summary>
internal static class SocketIOSuite
{
    public static void Configure(SocketIOServerOptions options)
    {
        options.EngineIO.PingInterval = TimeSpan.FromMilliseconds(2000);
        options.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();

        // A fixed delay before each handshake is accepted: the client tests its connect timeout against it.
        options.EngineIO.AllowRequest = static async _ =>
        {
            await Task.Delay(10).ConfigureAwait(false);
            return null;
        };
    }

    public static void Map(WebApplication app)
    {
        app.MapSocketIO("/foo", ns => ns.OnConnection(socket => OnGetId(socket)));
        app.MapSocketIO("/timeout_socket", _ => { });
        app.MapSocketIO("/valid", _ => { });
        app.MapSocketIO("/asd", _ => { });
        app.MapSocketIO("/abc", ns => ns.OnConnection(socket => socket.Emit("handshake", Json.Handshake(socket.Handshake))));
        app.MapSocketIO("/no", ns => ns.Use(static (_, _) => throw new SocketIOConnectionRejectedException("Auth failed (custom namespace)")));
        app.MapSocketIO("/", ns =>
        {
            ns.Use(static (socket, _) =>
            {
                // Node's test checks a truthy "fail" query parameter.
                if (!string.IsNullOrEmpty(socket.Handshake.Query["fail"]))
                {
                    throw new SocketIOConnectionRejectedException("Auth failed (main namespace)");
                }

                return ValueTask.CompletedTask;
            });
            ns.OnConnection(OnMainConnection);
        });
    }

    private static void OnGetId(SocketIOSocket socket) =>
        socket.On("getId", (_, ack) =>
        {
            ack.Send(socket.Id);
            return ValueTask.CompletedTask;
        });

    private static void OnMainConnection(SocketIOSocket socket)
    {
        socket.On("hi", _ => socket.Emit("hi"));
        socket.On("echo", (arguments, ack) =>
        {
            // cb(arg): one argument, null when the client sent none (JSON.stringify([undefined]) is "[null]").
            ack.Send(arguments, static (writer, args) =>
            {
                if (args.Count == 0)
                {
                    writer.WriteArgument(null);
                }
                else
                {
                    ArgumentEcho.WriteOne(writer, args, 0);
                }
            });
            return ValueTask.CompletedTask;
        });
        socket.On("ack", arguments => _ = AskForAckAsync(socket));
        socket.On("getAckDate", (_, ack) =>
        {
            ack.Send(Json.Now());
            return ValueTask.CompletedTask;
        });
        socket.On("getDate", _ => socket.Emit("takeDate", Json.Now()));
        socket.On("getDateObj", _ => socket.Emit("takeDateObj", new JsonObject { ["date"] = Json.Now() }));
        socket.On("getUtf8", _ =>
        {
            socket.Emit("takeUtf8", "てすと");
            socket.Emit("takeUtf8", "Я Б Г Д Ж Й");
            socket.Emit("takeUtf8", "Ä ä Ü ü ß");
            socket.Emit("takeUtf8", "utf8 — string");
            socket.Emit("takeUtf8", "utf8 — string");
        });
        socket.On("false", _ => socket.Emit("false", false));
        socket.On("doge", _ => socket.Emit("doge", "asdfasdf"u8.ToArray()));
        socket.On("buffa", arguments =>
        {
            if (IsBinary(arguments, 0))
            {
                socket.Emit("buffack");
            }
        });
        socket.On("jsonbuff", arguments =>
        {
            if (IsMixed(arguments))
            {
                socket.Emit("jsonbuff-ack");
            }
        });

        // Buffers (and, from browsers, blobs) sent one after the other arrive in order.
        var receivedAbuff1 = false;
        socket.On("abuff1", arguments => receivedAbuff1 = IsBinary(arguments, 0));
        socket.On("abuff2", _ =>
        {
            if (receivedAbuff1)
            {
                socket.Emit("abuff2-ack");
            }
        });
        socket.On("blob", arguments =>
        {
            if (IsBinary(arguments, 0))
            {
                socket.Emit("back");
            }
        });
        socket.On("jsonblob", arguments =>
        {
            if (IsMixed(arguments))
            {
                socket.Emit("jsonblob-ack");
            }
        });
        var receivedBlob1 = false;
        var receivedBlob2 = false;
        socket.On("blob1", arguments => receivedBlob1 = IsBinary(arguments, 0));
        socket.On("blob2", arguments => receivedBlob2 = receivedBlob1 && arguments.Count > 0
            && arguments.GetKind(0) == JsonValueKind.String && arguments.GetElement(0).GetString() == "second");
        socket.On("blob3", arguments =>
        {
            if (IsBinary(arguments, 0) && receivedBlob1 && receivedBlob2)
            {
                socket.Emit("blob3-ack");
            }
        });
        socket.On("getbin", _ => socket.Emit("takebin", "asdfasdf"u8.ToArray()));
        socket.On("getHandshake", (_, ack) =>
        {
            ack.Send(Json.Handshake(socket.Handshake));
            return ValueTask.CompletedTask;
        });
        OnGetId(socket);
    }

    // socket.emit("ack", (a, b) => { if (a === 5 && b.test) socket.emit("got it"); }): no timeout, as in Node.
    private static async Task AskForAckAsync(SocketIOSocket socket)
    {
        SocketIOArguments answer;
        try
        {
            answer = await socket.EmitWithAckAsync("ack").ConfigureAwait(false);
        }
        catch (SocketIODisconnectedException)
        {
            return;
        }

        if (answer.Count >= 2
            && answer.GetKind(0) == JsonValueKind.Number && answer.GetElement(0).GetDouble() == 5
            && answer.GetKind(1) == JsonValueKind.Object
            && answer.GetElement(1).TryGetProperty("test", out var test) && test.ValueKind == JsonValueKind.True)
        {
            socket.Emit("got it");
        }
    }

    private static bool IsBinary(SocketIOArguments arguments, int index) => arguments.Count > index && arguments.IsBinary(index);

    // { hello: "lol", message: <binary>, goodbye: "gotcha" }
    private static bool IsMixed(SocketIOArguments arguments)
    {
        if (arguments.Count == 0 || arguments.GetKind(0) != JsonValueKind.Object)
        {
            return false;
        }

        var value = arguments.GetElement(0);
        return value.TryGetProperty("hello", out var hello) && hello.ValueKind == JsonValueKind.String && hello.GetString() == "lol"
            && value.TryGetProperty("message", out var message) && arguments.TryGetBinary(message, out _)
            && value.TryGetProperty("goodbye", out var goodbye) && goodbye.ValueKind == JsonValueKind.String && goodbye.GetString() == "gotcha";
    }
}

/// <summary>The JSON values the Node support servers send, built as Node builds them.</summary>
internal static class Json
{
    /// <summary><c>JSON.stringify(new Date())</c> without the quotes: ISO 8601 in UTC with milliseconds.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The headers of a request as Node's <c>req.headers</c>: lower-case names, repeated values joined.</summary>
    public static JsonObject Headers(IHeaderDictionary headers)
    {
        var result = new JsonObject();
        foreach (var (name, values) in headers)
        {
            result[name.ToLowerInvariant()] = string.Equals(name, "set-cookie", StringComparison.OrdinalIgnoreCase)
                ? new JsonArray([.. values.Select(v => JsonValue.Create(v))])
                : JsonValue.Create(values.ToString());
        }

        return result;
    }

    /// <summary><c>socket.handshake</c> as Node serializes it.</summary>
    public static JsonObject Handshake(SocketIOHandshake handshake)
    {
        var query = new JsonObject();
        foreach (var (name, values) in handshake.Query)
        {
            query[name] = values.ToString();
        }

        var address = handshake.RemoteAddress;
        return new JsonObject
        {
            ["headers"] = Headers(handshake.Headers),
            ["time"] = handshake.IssuedAt.ToString("ddd MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", CultureInfo.InvariantCulture),
            ["address"] = address is null ? null : (address.IsIPv4MappedToIPv6 || address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? address.ToString() : "::ffff:" + address),
            ["xdomain"] = handshake.Headers.ContainsKey("Origin"),
            ["secure"] = handshake.IsSecure,
            ["issued"] = handshake.IssuedAt.ToUnixTimeMilliseconds(),
            ["url"] = handshake.Url,
            ["query"] = query,
            ["auth"] = JsonNode.Parse(handshake.AuthJson.Span),
        };
    }
}
