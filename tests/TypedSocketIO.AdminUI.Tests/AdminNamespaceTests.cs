using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;
using static TypedSocketIO.AdminUI.Tests.AdminUIServer;

namespace TypedSocketIO.AdminUI.Tests;

/// <summary>
/// The admin namespace as the dashboard sees it, with the official client: what the official <c>instrument()</c> sends (checked
/// against @socket.io/admin-ui 0.5.1 on socket.io 4.8.4), in the same order, with the same fields.
/// </summary>
public sealed class AdminNamespaceTests
{
    private static readonly string[] AllFeatures = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"];

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task Login_gets_a_session_the_config_and_every_socket_with_its_rooms(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        NodeScript user = server.StartClient("/", "{}");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;

        NodeScript admin = server.StartClient();
        string adminId = (await WaitForAsync(admin, "connect")).GetProperty("id").GetString()!;
        JsonElement sockets = (await WaitForEventAsync(admin, "all_sockets")).GetProperty("args")[0];

        // As the official one: the session id (16 hex digits), then its own socket's room and connection, then config, then all_sockets.
        Assert.Equal(["session", "room_joined", "socket_connected", "config", "all_sockets"], ReceivedNames(admin).Where(n => n != "server_stats").Take(5));
        JsonElement session = (await WaitForEventAsync(admin, "session")).GetProperty("args")[0];
        Assert.Matches("^[0-9a-f]{16}$", session.GetString());
        JsonElement config = (await WaitForEventAsync(admin, "config")).GetProperty("args")[0];
        Assert.Equal(AllFeatures, config.GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString()));

        JsonElement userSocket = sockets.EnumerateArray().Single(s => s.GetProperty("id").GetString() == userId);
        Assert.Equal(["clientId", "data", "handshake", "id", "nsp", "rooms", "transport"], Keys(userSocket));
        Assert.Equal(["address", "headers", "issued", "query", "secure", "time", "url", "xdomain"], Keys(userSocket.GetProperty("handshake")));
        Assert.Equal("/", userSocket.GetProperty("nsp").GetString());
        Assert.Equal("websocket", userSocket.GetProperty("transport").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{12}$", userSocket.GetProperty("clientId").GetString());
        Assert.Equal(JsonValueKind.Object, userSocket.GetProperty("data").ValueKind);
        Assert.Equal(new[] { userId, "lobby" }.Order(StringComparer.Ordinal), userSocket.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        JsonElement handshake = userSocket.GetProperty("handshake");
        Assert.Equal("4", handshake.GetProperty("query").GetProperty("EIO").GetString());
        Assert.Equal("websocket", handshake.GetProperty("query").GetProperty("transport").GetString());
        Assert.StartsWith("/socket.io/?EIO=4&transport=websocket", handshake.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", handshake.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.Equal(new Uri(server.BaseAddress).Authority, handshake.GetProperty("headers").GetProperty("host").GetString());
        Assert.False(handshake.GetProperty("secure").GetBoolean());
        Assert.False(handshake.GetProperty("xdomain").GetBoolean());
        Assert.True(handshake.GetProperty("issued").GetInt64() > 1_700_000_000_000);
        Assert.Contains(" GMT", handshake.GetProperty("time").GetString(), StringComparison.Ordinal);
        Assert.False(handshake.TryGetProperty("auth", out _));

        JsonElement adminSocket = sockets.EnumerateArray().Single(s => s.GetProperty("id").GetString() == adminId);
        Assert.Equal("/admin", adminSocket.GetProperty("nsp").GetString());
        Assert.NotEqual(userSocket.GetProperty("clientId").GetString(), adminSocket.GetProperty("clientId").GetString());
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task Wrong_credentials_get_connect_error_invalid_credentials(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        foreach (string auth in new[] { """{"username":"admin","password":"wrong"}""", """{"username":"root","password":"changeit"}""", "{}", """{"sessionId":"0123456789abcdef"}""" })
        {
            NodeScript admin = server.StartClient(authJson: auth);
            JsonElement error = await WaitForAsync(admin, "connect_error");
            Assert.Equal("invalid credentials", error.GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, error.GetProperty("data").ValueKind);
            Assert.DoesNotContain(admin.Lines, l => l.GetProperty("event").GetString() == "received");
        }
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task The_session_id_logs_in_again_without_the_password(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        NodeScript first = server.StartClient();
        string session = (await WaitForEventAsync(first, "session")).GetProperty("args")[0].GetString()!;

        NodeScript again = server.StartClient(authJson: JsonSerializer.Serialize(new Dictionary<string, string> { ["sessionId"] = session }));
        await WaitForAsync(again, "connect");
        await WaitForEventAsync(again, "config");
        Assert.DoesNotContain("session", ReceivedNames(again));
    }

    [Fact]
    public async Task Without_authentication_anyone_logs_in()
    {
        await using AdminUIServer server = await StartAsync(o => o.Authentication = SocketIOAdminUIAuthentication.None);
        NodeScript admin = server.StartClient(authJson: "{}");
        await WaitForEventAsync(admin, "config");
        Assert.DoesNotContain("session", ReceivedNames(admin));
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task A_socket_s_life_reaches_the_dashboard_in_the_official_order(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        NodeScript admin = server.StartClient();
        await WaitForEventAsync(admin, "all_sockets");
        int before = admin.Lines.Count;

        NodeScript user = server.StartClient("/", "{}");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;
        JsonElement connected = (await WaitForEventAsync(admin, "socket_connected", a => a[0].GetProperty("id").GetString() == userId)).GetProperty("args");
        Assert.Equal("/", connected[0].GetProperty("nsp").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", connected[1].GetString());
        await WaitForEventAsync(admin, "room_joined", a => a[1].GetString() == "lobby");

        // An event with a binary argument, and the server's answer.
        await SendAsync(user, "hello", new System.Text.Json.Nodes.JsonObject { ["x"] = 1 }, new System.Text.Json.Nodes.JsonObject { ["binary"] = new System.Text.Json.Nodes.JsonArray(1, 2, 3) });
        JsonElement received = (await WaitForEventAsync(admin, "event_received")).GetProperty("args");
        Assert.Equal("/", received[0].GetString());
        Assert.Equal(userId, received[1].GetString());
        Assert.Equal("""["hello",{"x":1},{"binary":[1,2,3]}]""", received[2].GetRawText());
        JsonElement sent = (await WaitForEventAsync(admin, "event_sent")).GetProperty("args");
        Assert.Equal("""["world",{"x":1},{"binary":[1,2,3]}]""", sent[2].GetRawText());

        await user.SendAsync("""{"disconnect":true}""");
        JsonElement disconnected = (await WaitForEventAsync(admin, "socket_disconnected")).GetProperty("args");
        Assert.Equal("/", disconnected[0].GetString());
        Assert.Equal(userId, disconnected[1].GetString());
        Assert.Equal("client namespace disconnect", disconnected[2].GetString());
        await WaitForEventAsync(admin, "room_left", a => a[1].GetString() == "lobby");

        // The official order: own room, connected, lobby, the events, disconnected, then the rooms left.
        List<string> names = [.. admin.Lines.Skip(before)
            .Where(l => l.GetProperty("event").GetString() == "received")
            .Select(l => l.GetProperty("name").GetString()!)
            .Where(n => n != "server_stats")];
        Assert.Equal(["room_joined", "socket_connected", "room_joined", "event_received", "event_sent", "socket_disconnected", "room_left", "room_left"], names);
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task An_upgrade_to_websocket_and_new_data_reach_the_dashboard_as_socket_updated(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        NodeScript admin = server.StartClient();
        await WaitForEventAsync(admin, "all_sockets");

        NodeScript user = server.StartClient("/", "{}", transport: "upgrade");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;
        await WaitForAsync(user, "upgrade");
        JsonElement connected = (await WaitForEventAsync(admin, "socket_connected", a => a[0].GetProperty("id").GetString() == userId)).GetProperty("args")[0];

        // The CONNECT usually comes over polling, before the upgrade; it may come after (the two race, on Node too).
        if (connected.GetProperty("transport").GetString() == "polling")
        {
            JsonElement upgraded = (await WaitForEventAsync(admin, "socket_updated", a => a[0].TryGetProperty("transport", out _))).GetProperty("args")[0];
            Assert.Equal($$"""{"id":"{{userId}}","nsp":"/","transport":"websocket"}""", upgraded.GetRawText());
        }
        else
        {
            Assert.Equal("websocket", connected.GetProperty("transport").GetString());
        }

        await SendAsync(user, "setData", new System.Text.Json.Nodes.JsonObject { ["team"] = "blue" });
        JsonElement data = (await WaitForEventAsync(admin, "socket_updated", a => a[0].TryGetProperty("data", out _))).GetProperty("args")[0];
        Assert.Equal($$$"""{"id":"{{{userId}}}","nsp":"/","data":{"team":"blue"}}""", data.GetRawText());
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task With_the_msgpack_parser_the_dashboard_logs_in_and_sees_events_with_binary(string kind)
    {
        // The dashboard's "parser: msgpack" option, for a server with socket.io-msgpack-parser.
        await using AdminUIServer server = kind == "node" ? await StartNodeAsync(msgpack: true) : await StartAsync(msgpack: true);
        NodeScript admin = server.StartClient();
        await WaitForEventAsync(admin, "all_sockets");
        Assert.Equal(["session", "room_joined", "socket_connected", "config", "all_sockets"], ReceivedNames(admin).Where(n => n != "server_stats").Take(5));

        NodeScript user = server.StartClient("/", "{}");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;
        await SendAsync(user, "hello", "bytes", new System.Text.Json.Nodes.JsonObject { ["binary"] = new System.Text.Json.Nodes.JsonArray(1, 2, 3) });
        JsonElement received = (await WaitForEventAsync(admin, "event_received")).GetProperty("args");
        Assert.Equal(userId, received[1].GetString());
        Assert.Equal("""["hello","bytes",{"binary":[1,2,3]}]""", received[2].GetRawText());
        JsonElement sent = (await WaitForEventAsync(admin, "event_sent")).GetProperty("args");
        Assert.Equal("""["world","bytes",{"binary":[1,2,3]}]""", sent[2].GetRawText());
    }

    [Fact]
    public async Task Two_servers_sharing_Redis_show_in_one_dashboard()
    {
        // As the official package with a cluster adapter: the admin events go through the adapter, so a dashboard connected to one
        // server sees the other's stats and sockets.
        await using RedisProcess redis = await RedisProcess.StartAsync();
        await using AdminUIServer a = await StartAsync(o => { o.ServerId = "server-a"; o.StatsInterval = TimeSpan.FromMilliseconds(300); }, redis: redis.Configuration);
        await using AdminUIServer b = await StartAsync(o => { o.ServerId = "server-b"; o.StatsInterval = TimeSpan.FromMilliseconds(300); }, redis: redis.Configuration);
        NodeScript first = b.StartClient("/", "{}");
        string firstId = (await WaitForAsync(first, "connect")).GetProperty("id").GetString()!;

        NodeScript admin = a.StartClient();
        JsonElement sockets = (await WaitForEventAsync(admin, "all_sockets")).GetProperty("args")[0];
        JsonElement remote = sockets.EnumerateArray().Single(s => s.GetProperty("id").GetString() == firstId);
        Assert.Equal(new[] { firstId, "lobby" }.Order(StringComparer.Ordinal), remote.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        await WaitForEventAsync(admin, "server_stats", x => x[0].GetProperty("serverId").GetString() == "server-b");
        await WaitForEventAsync(admin, "server_stats", x => x[0].GetProperty("serverId").GetString() == "server-a");

        NodeScript second = b.StartClient("/", "{}");
        string secondId = (await WaitForAsync(second, "connect")).GetProperty("id").GetString()!;
        await WaitForEventAsync(admin, "socket_connected", x => x[0].GetProperty("id").GetString() == secondId);
        await WaitForEventAsync(admin, "room_joined", x => x[1].GetString() == "lobby" && x[2].GetString() == secondId);
    }

    [Fact]
    public async Task Server_stats_name_the_server_its_namespaces_and_its_counts()
    {
        await using AdminUIServer server = await StartAsync(o => o.StatsInterval = TimeSpan.FromMilliseconds(200));
        NodeScript user = server.StartClient("/", "{}", transport: "polling");
        await WaitForAsync(user, "connect");
        NodeScript admin = server.StartClient();
        JsonElement stats = (await WaitForEventAsync(admin, "server_stats", a =>
            a[0].GetProperty("pollingClientsCount").GetInt32() == 1
            && a[0].GetProperty("aggregatedEvents").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "packetsOut"))).GetProperty("args")[0];
        Assert.Equal("dotnet-1", stats.GetProperty("serverId").GetString());
        Assert.Equal(Environment.MachineName, stats.GetProperty("hostname").GetString());
        Assert.Equal(Environment.ProcessId, stats.GetProperty("pid").GetInt32());
        Assert.True(stats.GetProperty("uptime").GetDouble() > 0);
        Assert.Equal(2, stats.GetProperty("clientsCount").GetInt32());
        Assert.Equal(
            ["/:1", "/admin:1"],
            stats.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString() + ":" + n.GetProperty("socketsCount").GetInt32()));

        // Every count since the dashboard came: both connections were opened before, but packets keep flowing.
        foreach (JsonElement e in stats.GetProperty("aggregatedEvents").EnumerateArray())
        {
            Assert.Contains(e.GetProperty("type").GetString(), new[] { "rawConnection", "rawDisconnection", "packetsIn", "bytesIn", "packetsOut", "bytesOut" });
            Assert.True(e.GetProperty("count").GetInt64() > 0);
            Assert.Equal(0, e.GetProperty("timestamp").GetInt64() % 1000);
        }

        // A connection closing is counted with its reason.
        await server.StopClientAsync(user);
        await WaitForEventAsync(admin, "server_stats", a => a[0].GetProperty("aggregatedEvents").EnumerateArray().Any(e =>
            e.GetProperty("type").GetString() == "rawDisconnection" && e.GetProperty("subType").GetString() == "transport close"));
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task Production_mode_sends_the_stats_but_no_socket(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind, SocketIOAdminUIMode.Production);
        NodeScript admin = server.StartClient();
        JsonElement config = (await WaitForEventAsync(admin, "config")).GetProperty("args")[0];
        Assert.Equal(AllFeatures[..^1], config.GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString()));

        NodeScript user = server.StartClient("/", "{}");
        await WaitForAsync(user, "connect");
        await WaitForEventAsync(admin, "server_stats", a => a[0].GetProperty("namespaces").EnumerateArray().Any(n => n.GetProperty("name").GetString() == "/" && n.GetProperty("socketsCount").GetInt32() == 1));
        Assert.Equal(["session", "config"], ReceivedNames(admin).Where(n => n != "server_stats"));
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("node")]
    public async Task Commands_join_leave_emit_and_disconnect_the_selected_sockets(string kind)
    {
        await using AdminUIServer server = await StartAsync(kind);
        NodeScript user = server.StartClient("/", "{}");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;
        NodeScript admin = server.StartClient();
        await WaitForEventAsync(admin, "all_sockets");

        await SendAsync(admin, "join", "/", "vip", "lobby");
        await WaitForEventAsync(admin, "room_joined", a => a[1].GetString() == "vip" && a[2].GetString() == userId);
        await SendAsync(admin, "emit", "/", "vip", "news", "for vips", new System.Text.Json.Nodes.JsonObject { ["binary"] = new System.Text.Json.Nodes.JsonArray(7) });
        JsonElement news = (await WaitForEventAsync(user, "news")).GetProperty("args");
        Assert.Equal("""["for vips",{"binary":[7]}]""", news.GetRawText());
        await SendAsync(admin, "leave", "/", "vip");
        await WaitForEventAsync(admin, "room_left", a => a[1].GetString() == "vip" && a[2].GetString() == userId);
        await SendAsync(admin, "emit", "/", null, "news", "for all");
        await WaitForEventAsync(user, "news", a => a[0].GetString() == "for all");

        // Here a command naming a namespace that does not exist does nothing (Node creates the namespace).
        await SendAsync(admin, "join", "/nowhere", "x");
        await SendAsync(admin, "_disconnect", "/", false, "lobby");
        JsonElement gone = await WaitForAsync(user, "disconnect");
        Assert.Equal("io server disconnect", gone.GetProperty("reason").GetString());
        if (server.Loopback is not null)
        {
            Assert.DoesNotContain(server.Io.Namespaces, n => n.Name == "/nowhere");
        }
    }

    [Fact]
    public async Task Read_only_offers_no_command_and_ignores_them()
    {
        await using AdminUIServer server = await StartAsync(o => o.ReadOnly = true);
        NodeScript user = server.StartClient("/", "{}");
        string userId = (await WaitForAsync(user, "connect")).GetProperty("id").GetString()!;
        NodeScript admin = server.StartClient();
        JsonElement config = (await WaitForEventAsync(admin, "config")).GetProperty("args")[0];
        Assert.Equal(["AGGREGATED_EVENTS", "ALL_EVENTS"], config.GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString()));

        await SendAsync(admin, "join", "/", "vip");
        await SendAsync(admin, "_disconnect", "/", true);

        // The server handles one connection's packets in order: once the dashboard's socket is gone, its commands were seen.
        SocketIONamespace adminNs = server.Io.Namespaces.Single(n => n.Name == "/admin");
        await server.StopClientAsync(admin);
        await Wait.UntilAsync(() => adminNs.Sockets.Count == 0, "the dashboard's socket to disconnect");
        SocketIOSocket socket = server.Io.MainNamespace.Sockets[userId];
        Assert.True(socket.Connected);
        Assert.DoesNotContain("vip", socket.Rooms);
    }

    [Fact]
    public async Task AddAdminUI_without_authentication_fails_at_startup_with_what_to_set()
    {
        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopbackServer.StartAsync(
            services => services.AddSocketIO().AddAdminUI(o => o.ReadOnly = true),
            app => app.MapSocketIO()));
        Assert.Contains("SocketIOAdminUIOptions.Authentication", e.Message, StringComparison.Ordinal);
        Assert.Contains("SocketIOAdminUIAuthentication.None", e.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
}
