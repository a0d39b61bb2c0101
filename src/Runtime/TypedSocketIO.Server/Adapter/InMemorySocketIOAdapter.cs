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
            }
        }
    }

    /// <inheritdoc/>
    public virtual void Delete(string socketId, string room)
    {
        lock (_gate)
        {
            if (_sids.TryGetValue(socketId, out HashSet<string>? socketRooms))
            {
                socketRooms.Remove(room);
            }

            RemoveMember(room, socketId);
        }
    }

    /// <inheritdoc/>
    public virtual void DeleteAll(string socketId)
    {
        lock (_gate)
        {
            if (!_sids.Remove(socketId, out HashSet<string>? socketRooms))
            {
                return;
            }

            foreach (string room in socketRooms)
            {
                RemoveMember(room, socketId);
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
    public virtual void Broadcast(SocketIOEncodedPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        bool isVolatile = (options.Flags & SocketIOBroadcastFlags.Volatile) != 0;
        packet = StoreForRecovery(packet, options);
        foreach (SocketIOSocket socket in Select(options))
        {
            socket.SendEventPacket(packet, isVolatile);
        }
    }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<SocketIOArguments>> BroadcastWithAckAsync(
        SocketIOEncodedPacket packet, long ackId, string eventName, SocketIOBroadcastOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        TimeSpan timeout = options.Timeout ?? throw new ArgumentException("A broadcast with acknowledgements needs options.Timeout.", nameof(options));
        bool isVolatile = (options.Flags & SocketIOBroadcastFlags.Volatile) != 0;
        var collector = new BroadcastAck(ackId, eventName, timeout);
        foreach (SocketIOSocket socket in Select(options))
        {
            // In the table before the packet leaves, so that an early answer finds its entry.
            if (!socket.TryAddAck(ackId, collector, out _))
            {
                continue;
            }

            if (socket.SendEventPacket(packet, isVolatile))
            {
                collector.AddTarget(socket);
            }
            else
            {
                socket.TryRemoveAck(ackId, out _);
            }
        }

        collector.Start(Nsp.Server.TimeProvider, cancellationToken);
        return collector.Task;
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyList<SocketIOSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ValueTask.FromResult<IReadOnlyList<SocketIOSocket>>(Select(options));
    }

    /// <inheritdoc/>
    public virtual void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (SocketIOSocket socket in Select(options))
        {
            socket.Join(rooms);
        }
    }

    /// <inheritdoc/>
    public virtual void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
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
    }

    /// <inheritdoc/>
    public virtual void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (SocketIOSocket socket in Select(options))
        {
            socket.Disconnect(close);
        }
    }

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

    /// <summary>Resolves a selection to the local sockets it names, each once.</summary>
    /// <param name="options">The selection.</param>
    /// <returns>The connected sockets selected.</returns>
    protected List<SocketIOSocket> Select(SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new List<SocketIOSocket>();
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
                foreach (string sid in _sids.Keys)
                {
                    AddIfSelected(sid, excluded, result);
                }
            }
            else if (options.Rooms.Count == 1)
            {
                foreach (string room in options.Rooms)
                {
                    if (_rooms.TryGetValue(room, out HashSet<string>? members))
                    {
                        foreach (string sid in members)
                        {
                            AddIfSelected(sid, excluded, result);
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
                                AddIfSelected(sid, excluded, result);
                            }
                        }
                    }
                }
            }
        }

        return result;
    }

    private void AddIfSelected(string sid, HashSet<string>? excluded, List<SocketIOSocket> result)
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

    private void RemoveMember(string room, string socketId)
    {
        if (_rooms.TryGetValue(room, out HashSet<string>? members) && members.Remove(socketId) && members.Count == 0)
        {
            _rooms.Remove(room);
        }
    }
}
