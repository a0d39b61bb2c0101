using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>
/// The admin UI on one server (the official <c>instrument(io, options)</c>): the admin namespace with its authentication and
/// commands, the server stats on a timer, and, in development mode, every socket's life mirrored to the dashboard. It watches the
/// server through <see cref="ISocketIOServerObserver"/>; events of sockets through their catch-all listeners, as the official one.
/// </summary>
internal sealed class AdminUIInstrumentation : ISocketIOServerObserver, IDisposable
{

    private readonly SocketIOServer _server;
    private readonly SocketIOAdminUIOptions _options;
    private readonly ILogger _logger;
    private readonly SocketIONamespace _admin;
    private readonly string[] _features;
    private readonly bool _development;
    private readonly AdminUIEventBuffer _events;
    private readonly AdminUISessionStore _sessions;
    private readonly ConcurrentDictionary<SocketIOSocket, TrackedSocket> _tracked = new();
    private readonly byte[]? _username;
    private readonly string _serverId;
    private readonly string _hostname;
    private readonly ITimer _timer;
    private readonly DateTimeOffset _processStart;
    private int _ticking;
    private int _disposed;

    public AdminUIInstrumentation(SocketIOServer server, SocketIOAdminUIOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        if (server.Observer is not null)
        {
            throw new InvalidOperationException("The Socket.IO server is already instrumented for the admin UI (AddAdminUI or SocketIOAdminUI.Instrument once per server).");
        }

        _server = server;
        _options = options.Clone();
        _logger = logger;
        _development = _options.Mode == SocketIOAdminUIMode.Development;
        _events = new AdminUIEventBuffer(server.TimeProvider);
        _sessions = new AdminUISessionStore(server.TimeProvider, _options.SessionDuration, _options.MaxSessions);
        _hostname = Environment.MachineName;
        _serverId = _options.ServerId ?? _hostname;
        using (Process process = Process.GetCurrentProcess())
        {
            _processStart = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }

        // What the official detectSupportedFeatures answers for a Socket.IO v4 server; nothing that acts when read-only.
        List<string> features = _options.ReadOnly ? [] : ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"];
        features.Add("AGGREGATED_EVENTS");
        if (_development)
        {
            features.Add("ALL_EVENTS");
        }

        _features = [.. features];
        _admin = server.Of(_options.NamespaceName);
        SocketIOAdminUIAuthentication auth = _options.Authentication!;
        if (auth.IsBasic)
        {
            _username = Encoding.UTF8.GetBytes(auth.Username!);
            _admin.Use(AuthenticateAsync);
        }
        else
        {
            AdminUILog.NoAuthentication(_logger, _admin.Name);
        }

        _admin.OnConnection(OnAdminConnectedAsync);
        server.Observer = this;
        if (_development)
        {
            // Sockets connected before the instrumentation are followed from now on (the official one sees only later ones).
            foreach (SocketIONamespace ns in server.NamespaceSnapshot())
            {
                foreach (SocketIOSocket socket in ns.Sockets.Values)
                {
                    Track(socket, announce: false);
                }
            }
        }

        AdminUILog.Instrumented(_logger, _admin.Name, _options.Mode, _options.ReadOnly);
        _timer = server.TimeProvider.CreateTimer(static s => ((AdminUIInstrumentation)s!).Tick(), this, TimeSpan.Zero, _options.StatsInterval);
    }

    /// <summary>The admin namespace.</summary>
    public SocketIONamespace Namespace => _admin;

    internal AdminUISessionStore Sessions => _sessions;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer.Dispose();
        if (ReferenceEquals(_server.Observer, this))
        {
            _server.Observer = null;
        }

        foreach (SocketIOSocket socket in _tracked.Keys)
        {
            Untrack(socket);
        }
    }

    // ---- ISocketIOServerObserver ----

    void ISocketIOServerObserver.OnConnectionOpened(SocketIOClientConnection connection) => _events.Push("rawConnection");

    void ISocketIOServerObserver.OnConnectionClosed(SocketIOClientConnection connection, string reason) => _events.Push("rawDisconnection", reason);

    void ISocketIOServerObserver.OnMessageReceived(int byteCount) => _events.CountIn(byteCount);

    void ISocketIOServerObserver.OnPacketSent(int messageCount, int byteCount) => _events.CountOut(messageCount, byteCount);

    void ISocketIOServerObserver.OnSocketConnected(SocketIOSocket socket)
    {
        if (_development)
        {
            Track(socket, announce: true);
        }
    }

    void ISocketIOServerObserver.OnRoomJoined(SocketIONamespace ns, string room, string socketId)
    {
        if (_development)
        {
            SendRoomEvent("room_joined", ns.Name, room, socketId);
        }
    }

    void ISocketIOServerObserver.OnRoomLeft(SocketIONamespace ns, string room, string socketId)
    {
        if (!_development)
        {
            return;
        }

        // A socket leaving its rooms because it disconnects: the official package sends these after socket_disconnected (on the
        // next tick), so the dashboard drops the socket before its rooms.
        if (ns.Sockets.TryGetValue(socketId, out SocketIOSocket? socket) && !socket.Connected
            && _tracked.TryGetValue(socket, out TrackedSocket? tracked) && tracked.DeferLeft(room))
        {
            return;
        }

        SendRoomEvent("room_left", ns.Name, room, socketId);
    }

    // ---- the admin namespace ----

    private ValueTask AuthenticateAsync(SocketIOSocket socket, CancellationToken cancellationToken)
    {
        JsonElement auth = socket.Handshake.Auth;
        if (TryGetString(auth, "sessionId", out string? sessionId) && _sessions.Exists(sessionId))
        {
            return ValueTask.CompletedTask;
        }

        if (TryGetString(auth, "username", out string? username) && TryGetString(auth, "password", out string? password)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(username), _username)
            && BcryptVerifier.Verify(password, _options.Authentication!.PasswordHash!))
        {
            // As the official middleware: the session id goes out before the CONNECT answer (the client hands it over once
            // connected), so the dashboard has it first.
            socket.Client.TrySend(Build(json =>
            {
                json.WriteStringValue("session");
                json.WriteStringValue(_sessions.Create());
            }, null), isVolatile: false);
            return ValueTask.CompletedTask;
        }

        AdminUILog.InvalidCredentials(_logger, socket.Handshake.RemoteAddress?.ToString() ?? "unknown");
        throw new SocketIOConnectionRejectedException("invalid credentials");
    }

    private async ValueTask OnAdminConnectedAsync(SocketIOSocket socket)
    {
        if (!_options.ReadOnly)
        {
            RegisterCommands(socket);
        }

        SendToOne(socket, json =>
        {
            json.WriteStringValue("config");
            json.WriteStartObject();
            json.WriteStartArray("supportedFeatures"u8);
            foreach (string feature in _features)
            {
                json.WriteStringValue(feature);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

        if (_development)
        {
            List<(ISocketIORemoteSocket Socket, string Nsp)> sockets = await FetchAllSocketsAsync(socket.DisconnectedToken).ConfigureAwait(false);
            SendToOne(socket, json =>
            {
                json.WriteStringValue("all_sockets");
                json.WriteStartArray();
                foreach ((ISocketIORemoteSocket s, string nsp) in sockets)
                {
                    AdminUIJson.WriteSocket(json, s, nsp, _server.Options.JsonSerializerOptions);
                }

                json.WriteEndArray();
            });
        }
    }

    /// <summary>Every socket of every namespace, on every server of the cluster (the official <c>fetchAllSockets</c>).</summary>
    private async Task<List<(ISocketIORemoteSocket, string)>> FetchAllSocketsAsync(CancellationToken cancellationToken)
    {
        var all = new List<(ISocketIORemoteSocket, string)>();
        foreach (SocketIONamespace ns in _server.NamespaceSnapshot().OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            IReadOnlyList<ISocketIORemoteSocket> sockets;
            try
            {
                sockets = await ns.FetchSocketsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketIOAdapterTimeoutException or NotSupportedException or ObjectDisposedException)
            {
                // A cluster that does not answer in time: this server's sockets at least.
                sockets = [.. ns.Sockets.Values];
            }

            foreach (ISocketIORemoteSocket s in sockets)
            {
                all.Add((s, ns.Name));
            }
        }

        return all;
    }

    private void RegisterCommands(SocketIOSocket socket)
    {
        // emit(nsp, filter, ev, ...args): io.of(nsp).in(filter).emit(ev, ...args)
        socket.On("emit", args =>
        {
            if (!TryGetNamespace(args, "emit", out SocketIONamespace? ns) || !TryGetOptionalString(args, 1, out string? filter)
                || args.Count < 3 || args.GetKind(2) != JsonValueKind.String)
            {
                AdminUILog.CommandIgnored(_logger, "emit", "expected (namespace, filter, event, ...arguments)");
                return;
            }

            string eventName = args.GetElement(2).GetString()!;
            if (SocketIOSocket.IsReservedEventName(eventName))
            {
                AdminUILog.CommandIgnored(_logger, "emit", $"\"{eventName}\" is a reserved event name");
                return;
            }

            // The arguments after the event name keep their placeholders: the packet carries the command's attachments, in order.
            var buffer = new ArrayBufferWriter<byte>();
            using (Utf8JsonWriter json = AdminUIJson.CreateWriter(buffer))
            {
                json.WriteStartArray();
                json.WriteStringValue(eventName);
                for (int i = 3; i < args.Count; i++)
                {
                    json.WriteRawValue(args.GetRawJson(i).Span, skipInputValidation: true);
                }

                json.WriteEndArray();
            }

            AdminUILog.Command(_logger, "emit", ns.Name, filter);
            SocketIOEncodedPacket packet = SocketIOEncodedPacket.Event(ns.Name, buffer.WrittenSpan, args.Attachments);
            _ = filter is null ? ns.EmitPacket(packet) : ns.To(filter).EmitPacket(packet);
        });

        // join(nsp, room, filter?) / leave(nsp, room, filter?): io.of(nsp).in(filter).socketsJoin(room)
        socket.On("join", args => RoomCommand(args, "join"));
        socket.On("leave", args => RoomCommand(args, "leave"));

        // _disconnect(nsp, close, filter?): io.of(nsp).in(filter).disconnectSockets(close)
        socket.On("_disconnect", args =>
        {
            if (!TryGetNamespace(args, "_disconnect", out SocketIONamespace? ns) || args.Count < 2
                || args.GetKind(1) is not (JsonValueKind.True or JsonValueKind.False) || !TryGetOptionalString(args, 2, out string? filter))
            {
                AdminUILog.CommandIgnored(_logger, "_disconnect", "expected (namespace, close, filter?)");
                return;
            }

            bool close = args.GetKind(1) == JsonValueKind.True;
            AdminUILog.Command(_logger, "_disconnect", ns.Name, filter);
            if (filter is null)
            {
                ns.DisconnectSockets(close);
            }
            else
            {
                ns.To(filter).DisconnectSockets(close);
            }
        });
    }

    private void RoomCommand(SocketIOArguments args, string command)
    {
        if (!TryGetNamespace(args, command, out SocketIONamespace? ns) || args.Count < 2 || args.GetKind(1) != JsonValueKind.String
            || !TryGetOptionalString(args, 2, out string? filter))
        {
            AdminUILog.CommandIgnored(_logger, command, "expected (namespace, room, filter?)");
            return;
        }

        string room = args.GetElement(1).GetString()!;
        AdminUILog.Command(_logger, command, ns.Name, filter);
        bool join = command == "join";
        if (filter is null)
        {
            if (join)
            {
                ns.SocketsJoin(room);
            }
            else
            {
                ns.SocketsLeave(room);
            }
        }
        else if (join)
        {
            ns.To(filter).SocketsJoin(room);
        }
        else
        {
            ns.To(filter).SocketsLeave(room);
        }
    }

    /// <summary>
    /// The namespace a command names. Unlike the official <c>io.of(nsp)</c>, a namespace that does not exist is not created: the
    /// command is ignored.
    /// </summary>
    private bool TryGetNamespace(SocketIOArguments args, string command, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIONamespace? ns)
    {
        ns = null;
        if (args.Count < 1 || args.GetKind(0) != JsonValueKind.String)
        {
            return false;
        }

        string name = args.GetElement(0).GetString()!;
        if (!_server.TryGetNamespace(name, out ns))
        {
            AdminUILog.CommandIgnored(_logger, command, $"no namespace \"{name}\"");
            return false;
        }

        return true;
    }

    private static bool TryGetOptionalString(SocketIOArguments args, int index, out string? value)
    {
        value = null;
        if (args.Count <= index)
        {
            return true;
        }

        switch (args.GetKind(index))
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                value = args.GetElement(index).GetString();
                if (value!.Length == 0)
                {
                    value = null; // as JavaScript's `if (filter)`
                }

                return true;
            default:
                return false;
        }
    }

    private static bool TryGetString(JsonElement auth, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return value is not null;
    }

    // ---- sockets followed in development mode ----

    private void Track(SocketIOSocket socket, bool announce)
    {
        var tracked = new TrackedSocket(socket.Client.TransportName);
        try
        {
            tracked.DataJson = SerializeData(socket.Data);
        }
        catch (Exception e)
        {
            AdminUILog.SendFailed(_logger, "socket_connected (its data)", e);
        }

        if (!_tracked.TryAdd(socket, tracked))
        {
            return;
        }

        if (announce)
        {
            Broadcast(json =>
            {
                json.WriteStringValue("socket_connected");
                AdminUIJson.WriteSocket(json, socket, socket.Namespace.Name, _server.Options.JsonSerializerOptions);
                json.WriteStringValue(AdminUIJson.Timestamp(_server.TimeProvider.GetUtcNow()));
            });
        }

        socket.Disconnected += OnSocketDisconnected;
        if (!ReferenceEquals(socket.Namespace, _admin))
        {
            tracked.Received = (name, args) => SendEvent("event_received", socket, name, args);
            tracked.Sent = (name, args) => SendEvent("event_sent", socket, name, args);
            socket.OnAny(tracked.Received);
            socket.OnAnyOutgoing(tracked.Sent);
        }

        if (socket.DisconnectReason is { } reason)
        {
            // Disconnected before the handler was added: it will not be raised for this socket.
            OnSocketDisconnected(socket, reason);
        }
    }

    private void OnSocketDisconnected(SocketIOSocket socket, string reason)
    {
        if (!_tracked.TryRemove(socket, out TrackedSocket? tracked))
        {
            return;
        }

        socket.Disconnected -= OnSocketDisconnected;
        string nsp = socket.Namespace.Name;
        Broadcast(json =>
        {
            json.WriteStringValue("socket_disconnected");
            json.WriteStringValue(nsp);
            json.WriteStringValue(socket.Id);
            json.WriteStringValue(reason);
            json.WriteStringValue(AdminUIJson.Timestamp(_server.TimeProvider.GetUtcNow()));
        });

        foreach (string room in tracked.TakeDeferredLeft())
        {
            SendRoomEvent("room_left", nsp, room, socket.Id);
        }
    }

    private void Untrack(SocketIOSocket socket)
    {
        if (_tracked.TryRemove(socket, out TrackedSocket? tracked))
        {
            socket.Disconnected -= OnSocketDisconnected;
            if (tracked.Received is not null)
            {
                socket.OffAny(tracked.Received);
                socket.OffAnyOutgoing(tracked.Sent);
            }
        }
    }

    private void SendEvent(string type, SocketIOSocket socket, string eventName, SocketIOArguments args)
    {
        // [type, nsp, id, [event, ...args], timestamp]: the arguments keep their placeholders, and the packet their attachments.
        Broadcast(
            json =>
            {
                json.WriteStringValue(type);
                json.WriteStringValue(socket.Namespace.Name);
                json.WriteStringValue(socket.Id);
                json.WriteStartArray();
                json.WriteStringValue(eventName);
                for (int i = 0; i < args.Count; i++)
                {
                    json.WriteRawValue(args.GetRawJson(i).Span, skipInputValidation: true);
                }

                json.WriteEndArray();
                json.WriteStringValue(AdminUIJson.Timestamp(_server.TimeProvider.GetUtcNow()));
            },
            args.Attachments);
    }

    private void SendRoomEvent(string type, string nsp, string room, string socketId) =>
        Broadcast(json =>
        {
            json.WriteStringValue(type);
            json.WriteStringValue(nsp);
            json.WriteStringValue(room);
            json.WriteStringValue(socketId);
            json.WriteStringValue(AdminUIJson.Timestamp(_server.TimeProvider.GetUtcNow()));
        });

    // ---- the server stats ----

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return; // the previous tick is still running
        }

        try
        {
            if (_development)
            {
                ReportChanges();
            }

            SendStats();
        }
        catch (Exception e)
        {
            AdminUILog.SendFailed(_logger, "server_stats", e);
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>
    /// What changed on the followed sockets since the last tick: a connection upgraded from polling to WebSocket (the official
    /// package is told by the engine's <c>upgrade</c> event) or <see cref="SocketIOSocket.Data"/> set to something else (it proxies
    /// <c>socket.data</c>). Both reach the dashboard as <c>socket_updated</c> within <see cref="SocketIOAdminUIOptions.StatsInterval"/>.
    /// </summary>
    private void ReportChanges()
    {
        foreach (KeyValuePair<SocketIOSocket, TrackedSocket> entry in _tracked)
        {
            SocketIOSocket socket = entry.Key;
            TrackedSocket tracked = entry.Value;
            string? transport = socket.Client.TransportName;
            if (transport is not null && transport != tracked.Transport)
            {
                tracked.Transport = transport;
                Broadcast(json =>
                {
                    json.WriteStringValue("socket_updated");
                    json.WriteStartObject();
                    json.WriteString("id"u8, socket.Id);
                    json.WriteString("nsp"u8, socket.Namespace.Name);
                    json.WriteString("transport"u8, transport);
                    json.WriteEndObject();
                });
            }

            object? data = socket.Data;
            if (data is null && tracked.DataJson is null)
            {
                continue;
            }

            byte[]? dataJson;
            try
            {
                dataJson = SerializeData(data);
            }
            catch (Exception e)
            {
                AdminUILog.SendFailed(_logger, "socket_updated (its data)", e);
                continue;
            }

            if (dataJson is not null && tracked.DataJson is not null && dataJson.AsSpan().SequenceEqual(tracked.DataJson))
            {
                continue;
            }

            tracked.DataJson = dataJson;
            Broadcast(json =>
            {
                json.WriteStringValue("socket_updated");
                json.WriteStartObject();
                json.WriteString("id"u8, socket.Id);
                json.WriteString("nsp"u8, socket.Namespace.Name);
                json.WritePropertyName("data"u8);
                if (dataJson is null)
                {
                    json.WriteStartObject();
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteRawValue(dataJson, skipInputValidation: true);
                }

                json.WriteEndObject();
            });
        }
    }

    /// <summary>The data as the dashboard is shown it; <see langword="null"/> when there is none.</summary>
    private byte[]? SerializeData(object? data)
    {
        if (data is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        using (Utf8JsonWriter json = AdminUIJson.CreateWriter(buffer))
        {
            AdminUIJson.WriteData(json, data, _server.Options.JsonSerializerOptions);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void SendStats()
    {
        int polling = 0;
        int clients = 0;
        foreach (SocketIOClientConnection client in _server.Clients)
        {
            clients++;
            if (client.TransportName == "polling")
            {
                polling++;
            }
        }

        List<AdminUIAggregatedEvent> aggregated = _events.TakeAll();
        SocketIONamespace[] namespaces = [.. _server.NamespaceSnapshot().OrderBy(n => n.Name, StringComparer.Ordinal)];
        double uptime = (DateTimeOffset.UtcNow - _processStart).TotalSeconds;
        Broadcast(json =>
        {
            json.WriteStringValue("server_stats");
            json.WriteStartObject();
            json.WriteString("serverId"u8, _serverId);
            json.WriteString("hostname"u8, _hostname);
            json.WriteNumber("pid"u8, Environment.ProcessId);
            json.WriteNumber("uptime"u8, Math.Round(uptime, 3));
            json.WriteNumber("clientsCount"u8, clients);
            json.WriteNumber("pollingClientsCount"u8, polling);
            json.WriteStartArray("aggregatedEvents"u8);
            foreach (AdminUIAggregatedEvent e in aggregated)
            {
                json.WriteStartObject();
                json.WriteNumber("timestamp"u8, e.Timestamp);
                json.WriteString("type"u8, e.Type);
                if (e.SubType is not null)
                {
                    json.WriteString("subType"u8, e.SubType);
                }

                json.WriteNumber("count"u8, e.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("namespaces"u8);
            foreach (SocketIONamespace ns in namespaces)
            {
                json.WriteStartObject();
                json.WriteString("name"u8, ns.Name);
                json.WriteNumber("socketsCount"u8, ns.Sockets.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    // ---- sending ----

    /// <summary>Sends <c>[…]</c> to every dashboard (through the adapter: the dashboards of every server of a cluster).</summary>
    private void Broadcast(Action<Utf8JsonWriter> writeArguments, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _admin.EmitPacket(Build(writeArguments, attachments));
        }
        catch (Exception e)
        {
            // Called from the server's own paths (a join, a connect, a send): whatever fails here must not fail them.
            AdminUILog.SendFailed(_logger, "an admin event", e);
        }
    }

    private void SendToOne(SocketIOSocket socket, Action<Utf8JsonWriter> writeArguments) =>
        socket.EmitPacket(Build(writeArguments, null));

    private SocketIOEncodedPacket Build(Action<Utf8JsonWriter> writeArguments, IReadOnlyList<ReadOnlyMemory<byte>>? attachments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (Utf8JsonWriter json = AdminUIJson.CreateWriter(buffer))
        {
            json.WriteStartArray();
            writeArguments(json);
            json.WriteEndArray();
        }

        return SocketIOEncodedPacket.Event(_admin.Name, buffer.WrittenSpan, attachments ?? []);
    }

    /// <summary>What is kept about a socket followed in development mode.</summary>
    private sealed class TrackedSocket(string? transport)
    {
        private readonly Lock _gate = new();
        private List<string>? _deferredLeft;
        private bool _flushed;

        public string? Transport { get; set; } = transport;

        /// <summary>The data last shown (read and written by the tick only, one at a time).</summary>
        public byte[]? DataJson { get; set; }

        public SocketIOAnyListener? Received { get; set; }

        public SocketIOAnyListener? Sent { get; set; }

        /// <summary>Keeps a room_left for after socket_disconnected; false when that was already sent.</summary>
        public bool DeferLeft(string room)
        {
            lock (_gate)
            {
                if (_flushed)
                {
                    return false;
                }

                (_deferredLeft ??= []).Add(room);
                return true;
            }
        }

        public List<string> TakeDeferredLeft()
        {
            lock (_gate)
            {
                _flushed = true;
                List<string> rooms = _deferredLeft ?? [];
                _deferredLeft = null;
                return rooms;
            }
        }
    }
}
