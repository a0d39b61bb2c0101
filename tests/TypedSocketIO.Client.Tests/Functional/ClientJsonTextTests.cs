using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// The JSON text our client writes is the official client's, byte for byte: the same calls (a CONNECT with an auth object,
/// emits of strings and of an object, an acknowledgement) from the official socket.io-client 4.8.4
/// (tests/interop-node/json-client.mjs) and from ours, to the official server (sio-exact-server.mjs), which records the text of
/// every Socket.IO packet each client sent. The strings are those whose JSON differs between JSON.stringify and .NET's default
/// encoder (tests/interop-node/json-text.mjs).
/// </summary>
public sealed class ClientJsonTextTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>KEY of json-text.mjs.</summary>
    private const string Key = "é<>&'+`\u2028😀";

    /// <summary>STRINGS of json-text.mjs.</summary>
    private static readonly string[] Strings =
    [
        "line\u2028para\u2029end",
        "😀 👍🏽 🇫🇷",
        "<b>&'\"\\/+`",
        "\u0000\u0007\b\t\n\u000b\f\r\u001f\u007f",
        "é 中文 Ω \u00a0\u200b\ufeff",
    ];

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Client_writes_json_text_as_the_official_client(string transport)
    {
        await using NodeScript server = NodeScript.Start("sio-exact-server.mjs", "0");
        JsonElement listening = await server.WaitForLineAsync(l => l.TryGetProperty("event", out JsonElement e) && e.GetString() == "listening", Wait);
        var uri = new Uri($"http://127.0.0.1:{listening.GetProperty("port").GetInt32()}");

        string[] expected;
        await using (NodeScript js = NodeScript.Start("json-client.mjs", uri.ToString(), transport, "js-" + Guid.NewGuid().ToString("N")))
        {
            JsonElement line = await js.WaitForLineAsync(l => l.TryGetProperty("event", out JsonElement e) && e.GetString() is "received" or "failed", Wait);
            Assert.True(line.GetProperty("event").GetString() == "received", js.Describe());
            expected = Packets(line.GetProperty("packets"));
        }

        var options = new SocketIOClientOptions
        {
            Transports = transport == "websocket" ? SocketIOClientTransports.WebSocket : SocketIOClientTransports.Polling,
            Auth = new JsonObject { [Key] = Strings[0], ["list"] = new JsonArray([.. Strings.Select(s => (JsonNode?)s)]) },
            Reconnection = false,
        };
        options.Query["run"] = "net-" + Guid.NewGuid().ToString("N");
        await using SocketIOClient client = SocketIOClient.Create(uri, options);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("ask-client", (_, ack) =>
        {
            ack.Send(Strings);
            return ValueTask.CompletedTask;
        });
        client.On("asked", _ => asked.TrySetResult());
        await client.ConnectAsync().WaitAsync(Wait);
        client.Emit("client-strings", Strings);
        client.Emit("client-object", new JsonObject { [Key] = Strings[2], ["nested"] = new JsonArray(new JsonObject { [Key] = Strings[4] }) });
        client.Emit("please-ask");
        await asked.Task.WaitAsync(Wait);
        var received = await client.EmitWithAckAsync("received").WaitAsync(Wait);
        string[] actual = Packets(received.GetElement(0));

        // What is compared: the official client writes these raw (U+2028, emoji, the key) and escapes control characters.
        Assert.Equal(5, expected.Length);
        Assert.StartsWith("0{\"é<>&'+`\u2028😀\":\"line\u2028para\u2029end\"", expected[0], StringComparison.Ordinal);
        Assert.Contains("\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f\u007f\"", expected[1], StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// The packets recorded by the server, without the request that asked for them; the id of the ack (<c>3N[…]</c>) is the
    /// server's (one counter per namespace in Node, so each client of a run answers another number) and is replaced by <c>N</c>.
    /// </summary>
    private static string[] Packets(JsonElement packets) =>
    [
        .. packets.EnumerateArray()
            .Select(p => p.GetString()!)
            .Where(p => !p.Contains("[\"received\"]", StringComparison.Ordinal))
            .Select(p => System.Text.RegularExpressions.Regex.Replace(p, "^3[0-9]+\\[", "3N[")),
    ];
}
