using System.Security.Cryptography;
using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Rooms and broadcasts of one namespace in this process: room → socket ids and socket id → rooms, under one lock.
/// Selections are resolved under the lock and the packets sent outside it.
/// </summary>
public partial class InMemorySocketIOAdapter : ISocketIOAdapter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _sids = new(StringComparer.Ordinal);

    /// <summary>Creates the adapter of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    public InMemorySocketIOAdapter(SocketIONamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        Nsp = ns;
        _recovery = RecoverySettings.From(ns.Server.Options.ConnectionStateRecovery);
    }

    /// <inheritdoc/>
    public SocketIONamespace Nsp { get; }

    /// <inheritdoc/>
    public string ServerId { get; } = RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 10);

    /// <inheritdoc/>
    public int RoomCount
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Count;
            }
        }
    }

    /// <inheritdoc/>
    public virtual void AddAll(string socketId, IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        ArgumentNullException.ThrowIfNull(rooms);
        ISocketIOServerObserver? observer = Nsp.Server.Observer;
        List<string>? joined = null;
        lock (_gate)
        {
            if (!_sids.TryGetValue(socketId, out HashSet<string>? socketRooms))
            {
                socketRooms = new HashSet<string>(StringComparer.Ordinal);
                _sids.Add(socketId, socketRooms);
            }

            foreach (string room in rooms)
            {
                if (!socketRooms.Add(room))
                {
                    continue;
                }

                if (!_rooms.TryGetValue(room, out HashSet<string>? members))
                {
                    members = new HashSet<string>(StringComparer.Ordinal);
                    _rooms.Add(room, members);
                }

                members.Add(socketId);
                if (observer is not null)
                {
                    (joined ??= []).Add(room);
                }
            }
        }

        if (joined is not null)
        {
            // Outside the lock: the observer may broadcast (the admin UI's room_joined).
            foreach (string room in joined)
            {
                observer!.OnRoomJoined(Nsp, room, socketId);
            }
        }
    }

    /// <inheritdoc/>
    public virtual void Delete(string socketId, string room)
    {
        bool left;
        lock (_gate)
        {
            if (_sids.TryGetValue(socketId, out HashSet<string>? socketRooms))
            {
                socketRooms.Remove(room);
            }

            left = RemoveMember(room, socketId);
        }

        if (left)
        {
            Nsp.Server.Observer?.OnRoomLeft(Nsp, room, socketId);
        }
    }

    /// <inheritdoc/>
    public virtual void DeleteAll(string socketId)
    {
        HashSet<string>? socketRooms;
        lock (_gate)
        {
            if (!_sids.Remove(socketId, out socketRooms))
            {
                return;
            }

            foreach (string room in socketRooms)
            {
                RemoveMember(room, socketId);
            }
        }

        if (Nsp.Server.Observer is { } observer)
        {
            // The set was removed from the map under the lock: no one else changes it now.
            foreach (string room in socketRooms)
            {
                observer.OnRoomLeft(Nsp, room, socketId);
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> GetSocketRooms(string socketId)
    {
        lock (_gate)
        {
            return _sids.TryGetValue(socketId, out HashSet<string>? rooms) ? [.. rooms] : [];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> GetRooms()
    {
        lock (_gate)
        {
            return [.. _rooms.Keys];
        }
    }

    /// <inheritdoc/>
    public virtual void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if (IsRecorded(packet, options))
        {
            BroadcastRecorded(packet, options);
            return;
        }

        Send(packet.Encode(), options);
    }

    /// <summary>
    /// Sends an EVENT to the selected local sockets as it is, without keeping it here for connection state recovery (for a
    /// cluster adapter that keeps the packets elsewhere and gives them their offsets, as the Redis Streams adapter does).
    /// </summary>
    /// <param name="packet">The packet, its offset already appended when it has one.</param>
    /// <param name="options">The selection.</param>
    protected void BroadcastWithoutRecovery(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        Send(packet.Encode(), options);
    }

    private void Send(SocketIOEncodedPacket encoded, SocketIOBroadcastOptions options)
    {
        bool isVolatile = (options.Flags & SocketIOBroadcastFlags.Volatile) != 0;
        var selection = new Selection();
        try
        {
            SelectInto(options, ref selection);
            foreach (SocketIOSocket socket in selection.Sockets)
            {
                socket.SendEventPacket(encoded, isVolatile);
            }
        }
        finally
        {
            selection.Dispose();
        }
    }

    /// <inheritdoc/>
    public virtual void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, ISocketIOBroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        bool isVolatile = (options.Flags & SocketIOBroadcastFlags.Volatile) != 0;

        // This server's own id, as every server of a cluster gives its own to the packets it sends.
        long ackId = Nsp.NextAckId();
        SocketIOEncodedPacket encoded = packet.WithAckId(ackId).Encode();
        var group = new LocalBroadcastAck(ackId, collector);
        int clientCount = 0;
        var selection = new Selection();
        try
        {
            SelectInto(options, ref selection);
            foreach (SocketIOSocket socket in selection.Sockets)
            {
                // In the table before the packet leaves, so that an early answer finds its entry.
                if (!socket.TryAddAck(ackId, group, out _))
                {
                    continue;
                }

                if (socket.SendEventPacket(encoded, isVolatile))
                {
                    group.AddTarget(socket);
                    clientCount++;
                }
                else
                {
                    socket.TryRemoveAck(ackId, out _);
                }
            }
        }
        finally
        {
            selection.Dispose();
        }

        group.Start();
        collector.OnClientCount(clientCount);
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ValueTask.FromResult<IReadOnlyList<ISocketIORemoteSocket>>(Select(options));
    }

    /// <inheritdoc/>
    public virtual ValueTask AddSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (SocketIOSocket socket in Select(options))
        {
            socket.Join(rooms);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public virtual ValueTask DeleteSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (SocketIOSocket socket in Select(options))
        {
            foreach (string room in rooms)
            {
                socket.Leave(room);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public virtual ValueTask DisconnectSocketsAsync(SocketIOBroadcastOptions options, bool close, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (SocketIOSocket socket in Select(options))
        {
            socket.Disconnect(close);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyCollection<string>> AllRoomsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(GetRooms());

    /// <inheritdoc/>
    public virtual ValueTask<int> ServerCountAsync(CancellationToken cancellationToken) => ValueTask.FromResult(1);

    /// <inheritdoc/>
    public virtual ValueTask ServerSideEmitAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JsonElement>>([]);

    /// <summary>
    /// Hands an event another server sent with <c>serverSideEmit</c> to this namespace's <see cref="SocketIONamespace.OnServerSideEvent"/>
    /// handlers (a cluster adapter calls this). The first answer a handler gives is passed to <paramref name="onAnswer"/> as the
    /// UTF-8 JSON of its first argument (<c>null</c> when it gave none).
    /// </summary>
    /// <param name="data">The UTF-8 JSON array <c>["event", …arguments]</c>, untrusted.</param>
    /// <param name="onAnswer">Receives the answer when the sender asked for one; otherwise <see langword="null"/>.</param>
    /// <returns>Whether the data was a valid event (a bad one is dropped).</returns>
    protected bool DispatchServerSideEvent(ReadOnlyMemory<byte> data, Action<ReadOnlyMemory<byte>>? onAnswer) => Nsp.DispatchServerSideEvent(data, onAnswer);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the adapter holds; the in-memory adapter clears its maps.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        DisposeRecovery();
        lock (_gate)
        {
            _rooms.Clear();
            _sids.Clear();
        }
    }

    /// <summary>Whether a room has at least one local socket.</summary>
    /// <param name="room">The room.</param>
    /// <returns>Whether it has.</returns>
    protected bool HasLocalRoom(string room)
    {
        lock (_gate)
        {
            return _rooms.ContainsKey(room);
        }
    }

    /// <summary>Resolves a selection to the local sockets it names, each once.</summary>
    /// <param name="options">The selection.</param>
    /// <returns>The connected sockets selected.</returns>
    protected List<SocketIOSocket> Select(SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var selection = new Selection();
        try
        {
            SelectInto(options, ref selection);
            var result = new List<SocketIOSocket>(selection.Count);
            result.AddRange(selection.Sockets);
            return result;
        }
        finally
        {
            selection.Dispose();
        }
    }

    /// <summary>Resolves a selection into a pooled array (no list per broadcast); the caller disposes it once done sending.</summary>
    private void SelectInto(SocketIOBroadcastOptions options, ref Selection result)
    {
        lock (_gate)
        {
            HashSet<string>? excluded = null;
            foreach (string room in options.Except)
            {
                if (_rooms.TryGetValue(room, out HashSet<string>? members))
                {
                    (excluded ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(members);
                }
            }

            if (options.Rooms.Count == 0)
            {
                result.Reserve(_sids.Count);
                foreach (string sid in _sids.Keys)
                {
                    AddIfSelected(sid, excluded, ref result);
                }
            }
            else if (options.Rooms.Count == 1)
            {
                foreach (string room in options.Rooms)
                {
                    if (_rooms.TryGetValue(room, out HashSet<string>? members))
                    {
                        result.Reserve(members.Count);
                        foreach (string sid in members)
                        {
                            AddIfSelected(sid, excluded, ref result);
                        }
                    }
                }
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (string room in options.Rooms)
                {
                    if (_rooms.TryGetValue(room, out HashSet<string>? members))
                    {
                        foreach (string sid in members)
                        {
                            if (seen.Add(sid))
                            {
                                AddIfSelected(sid, excluded, ref result);
                            }
                        }
                    }
                }
            }
        }
    }

    private void AddIfSelected(string sid, HashSet<string>? excluded, ref Selection result)
    {
        if (excluded is not null && excluded.Contains(sid))
        {
            return;
        }

        if (Nsp.Sockets.TryGetValue(sid, out SocketIOSocket? socket) && socket.Connected)
        {
            result.Add(socket);
        }
    }

    /// <summary>Removes a socket from a room's members; whether it was one.</summary>
    private bool RemoveMember(string room, string socketId)
    {
        if (!_rooms.TryGetValue(room, out HashSet<string>? members) || !members.Remove(socketId))
        {
            return false;
        }

        if (members.Count == 0)
        {
            _rooms.Remove(room);
        }

        return true;
    }

    /// <summary>The sockets a selection resolved to, in an array rented from the pool (cleared when given back).</summary>
    private struct Selection : IDisposable
    {
        private SocketIOSocket[]? _sockets;

        public int Count { get; private set; }

        public readonly ReadOnlySpan<SocketIOSocket> Sockets => _sockets.AsSpan(0, Count);

        /// <summary>Makes room for <paramref name="more"/> sockets beyond those already added.</summary>
        public void Reserve(int more)
        {
            if (more > 0 && (_sockets is null || _sockets.Length - Count < more))
            {
                Grow(Count + more);
            }
        }

        public void Add(SocketIOSocket socket)
        {
            if (_sockets is null || Count == _sockets.Length)
            {
                Grow(Math.Max(16, Count * 2));
            }

            _sockets![Count++] = socket;
        }

        public void Dispose()
        {
            if (_sockets is { } sockets)
            {
                _sockets = null;
                System.Buffers.ArrayPool<SocketIOSocket>.Shared.Return(sockets, clearArray: true);
            }

            Count = 0;
        }

        private void Grow(int size)
        {
            SocketIOSocket[] larger = System.Buffers.ArrayPool<SocketIOSocket>.Shared.Rent(size);
            if (_sockets is { } old)
            {
                old.AsSpan(0, Count).CopyTo(larger);
                System.Buffers.ArrayPool<SocketIOSocket>.Shared.Return(old, clearArray: true);
            }

            _sockets = larger;
        }
    }
}
