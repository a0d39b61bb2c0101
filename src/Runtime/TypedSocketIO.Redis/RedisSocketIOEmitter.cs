using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Redis;

/// <summary>Options of <see cref="RedisSocketIOEmitter"/> (the official emitter's <c>EmitterOptions</c>).</summary>
public sealed class RedisSocketIOEmitterOptions
{
    /// <summary>The prefix of the channels, the <c>Key</c> of the cluster's adapters; default <c>socket.io</c>.</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>
    /// The serializer options <see cref="RedisSocketIOEmitter.EmitAsync(string, object?[])"/> writes other argument types with
    /// (with a resolver, typically a <c>JsonSerializerContext</c>'s); <see langword="null"/>: only the types
    /// <see cref="SocketIOPacketWriter.WriteArgument(object?)"/> handles itself.
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }
}

/// <summary>
/// Emits into a cluster of Socket.IO servers (ours or Node's with <c>@socket.io/redis-adapter</c>) through Redis, without being a
/// server: the .NET twin of the official <c>@socket.io/redis-emitter</c> 5.x, byte for byte on the wire. Immutable: each of
/// <see cref="Of"/>, <see cref="To(string)"/>, <see cref="Except(string)"/>, <see cref="Volatile"/> returns a new emitter, e.g.
/// <c>emitter.Of("/admin").To("room").Except("x").EmitAsync("event", 1, "a")</c>. Acknowledgements need a server to gather
/// them and are not supported, as with the official emitter.
/// </summary>
public sealed class RedisSocketIOEmitter
{
    private static readonly ImmutableList<string> NoRooms = [];

    private readonly IConnectionMultiplexer _connection;
    private readonly string _key;
    private readonly JsonSerializerOptions? _jsonOptions;
    private readonly ImmutableList<string> _rooms;
    private readonly ImmutableList<string> _except;
    private readonly bool _volatile;

    /// <summary>Creates an emitter for the main namespace <c>/</c>.</summary>
    /// <param name="connection">A connection to the cluster's Redis; the caller owns it.</param>
    /// <param name="options">The options; none: the default key <c>socket.io</c>.</param>
    /// <exception cref="OptionsValidationException">The key is empty or contains '#'.</exception>
    public RedisSocketIOEmitter(IConnectionMultiplexer connection, RedisSocketIOEmitterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisSocketIOEmitterOptions();
        var failures = new List<string>();
        RedisSocketIOAdapterOptionsValidator.CheckKey(options.Key, "RedisSocketIOEmitterOptions.Key", failures);
        if (failures.Count != 0)
        {
            throw new OptionsValidationException(nameof(RedisSocketIOEmitterOptions), typeof(RedisSocketIOEmitterOptions), failures);
        }

        _connection = connection;
        _key = options.Key;
        _jsonOptions = options.JsonSerializerOptions;
        Namespace = SocketIOProtocol.DefaultNamespace;
        _rooms = NoRooms;
        _except = NoRooms;
    }

    private RedisSocketIOEmitter(RedisSocketIOEmitter from, string ns, ImmutableList<string> rooms, ImmutableList<string> except, bool isVolatile)
    {
        _connection = from._connection;
        _key = from._key;
        _jsonOptions = from._jsonOptions;
        Namespace = ns;
        _rooms = rooms;
        _except = except;
        _volatile = isVolatile;
    }

    /// <summary>The namespace the events go to.</summary>
    public string Namespace { get; }

    /// <summary>The rooms selected (every socket of the namespace when empty), in the order they were added.</summary>
    public IReadOnlyList<string> Rooms => _rooms;

    /// <summary>The rooms whose sockets are left out.</summary>
    public IReadOnlyList<string> ExceptRooms => _except;

    /// <summary>The same selection, volatile: each server drops the event for clients whose transport is not writable.</summary>
    public RedisSocketIOEmitter Volatile => new(this, Namespace, _rooms, _except, isVolatile: true);

    /// <summary>An emitter for another namespace, with nothing selected (the official <c>of</c>).</summary>
    /// <param name="ns">The namespace; a missing leading '/' is added.</param>
    /// <returns>The emitter of that namespace.</returns>
    public RedisSocketIOEmitter Of(string ns)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        return new(this, ns[0] == '/' ? ns : "/" + ns, NoRooms, NoRooms, isVolatile: false);
    }

    /// <summary>Adds a room to the selection (sockets in any selected room are selected, each once).</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public RedisSocketIOEmitter To(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return To([room]);
    }

    /// <summary>Adds rooms to the selection.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The new selection.</returns>
    public RedisSocketIOEmitter To(IEnumerable<string> rooms) => new(this, Namespace, AddDistinct(_rooms, rooms), _except, _volatile);

    /// <summary>Adds a room to the selection (same as <see cref="To(string)"/>).</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public RedisSocketIOEmitter In(string room) => To(room);

    /// <summary>Leaves the sockets of a room out.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The new selection.</returns>
    public RedisSocketIOEmitter Except(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return Except([room]);
    }

    /// <summary>Leaves the sockets of rooms out.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The new selection.</returns>
    public RedisSocketIOEmitter Except(IEnumerable<string> rooms) => new(this, Namespace, _rooms, AddDistinct(_except, rooms), _volatile);

    /// <summary>The same selection seen through a contract: <c>emitter.To("lobby").As&lt;IChatClient&gt;().Emit.Message(…)</c>.</summary>
    /// <typeparam name="TContract">The contract of the events sent to the clients.</typeparam>
    /// <returns>The typed emitter.</returns>
    public RedisSocketIOEmitter<TContract> As<TContract>() => new(this);

    /// <summary>Sends an event to the selected sockets of every server (see <see cref="SocketIOPacketWriter.WriteArgument(object?)"/>).</summary>
    /// <param name="eventName">The event name; reserved names (<c>connect</c>, <c>disconnect</c>, …) are refused.</param>
    /// <param name="arguments">The arguments; <c>byte[]</c> values travel as binary.</param>
    /// <returns>Completes once Redis has the message.</returns>
    public Task EmitAsync(string eventName, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return EmitAsync(eventName, arguments, WriteUntyped);
    }

    /// <summary>Sends an event whose arguments are written by a callback to the selected sockets of every server.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments after the event name.</param>
    /// <returns>Completes once Redis has the message.</returns>
    public Task EmitAsync<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        (RedisChannel channel, byte[] message) = EncodeBroadcast(eventName, state, writeArguments);
        return _connection.GetSubscriber().PublishAsync(channel, message);
    }

    /// <summary>
    /// Sends an event to the servers of the namespace, to their <c>OnServerSideEvent</c> handlers (the selection does not apply).
    /// Arguments are JSON only; no acknowledgement, as with the official emitter.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="arguments">The arguments (no binary).</param>
    /// <returns>Completes once Redis has the message.</returns>
    public Task ServerSideEmitAsync(string eventName, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        SocketIOEncodedPacket packet = Build(SocketIOProtocol.DefaultNamespace, eventName, arguments, WriteUntyped);
        if (packet.Attachments.Count != 0)
        {
            throw new ArgumentException("A server-side event carries JSON only (no binary), as the official emitter sends it.", nameof(arguments));
        }

        // 2[…]: the array after the packet type.
        ReadOnlyMemory<byte> data = packet.Text[1..];
        return PublishRequestAsync(RedisWire.Json(w =>
        {
            w.WriteString("uid", RedisWire.EmitterUid);
            w.WriteNumber("type", RedisWire.TypeServerSideEmit);
            w.WritePropertyName("data");
            w.WriteRawValue(data.Span, skipInputValidation: true);
        }));
    }

    /// <summary>Makes the selected sockets of every server join a room.</summary>
    /// <param name="room">The room.</param>
    /// <returns>Completes once Redis has the request.</returns>
    public Task SocketsJoinAsync(string room) => SocketsJoinAsync([room]);

    /// <summary>Makes the selected sockets of every server join rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>Completes once Redis has the request.</returns>
    public Task SocketsJoinAsync(IEnumerable<string> rooms) => PublishRoomsRequestAsync(RedisWire.TypeRemoteJoin, rooms);

    /// <summary>Makes the selected sockets of every server leave a room.</summary>
    /// <param name="room">The room.</param>
    /// <returns>Completes once Redis has the request.</returns>
    public Task SocketsLeaveAsync(string room) => SocketsLeaveAsync([room]);

    /// <summary>Makes the selected sockets of every server leave rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>Completes once Redis has the request.</returns>
    public Task SocketsLeaveAsync(IEnumerable<string> rooms) => PublishRoomsRequestAsync(RedisWire.TypeRemoteLeave, rooms);

    /// <summary>Disconnects the selected sockets of every server (<c>server namespace disconnect</c>).</summary>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    /// <returns>Completes once Redis has the request.</returns>
    public Task DisconnectSocketsAsync(bool close = false) => PublishRequestAsync(RedisWire.Json(w =>
    {
        w.WriteNumber("type", RedisWire.TypeRemoteDisconnect);
        w.WritePropertyName("opts");
        RedisWire.WriteSelection(w, _rooms, _except);
        w.WriteBoolean("close", close);
    }));

    /// <summary>Publishes without waiting (the typed emitters' synchronous path).</summary>
    internal bool Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        (RedisChannel channel, byte[] message) = EncodeBroadcast(eventName, state, writeArguments);
        _connection.GetSubscriber().Publish(channel, message, CommandFlags.FireAndForget);
        return true;
    }

    private (RedisChannel Channel, byte[] Message) EncodeBroadcast<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        var packet = SocketIOBroadcastPacket.FromEncoded(Build(Namespace, eventName, state, writeArguments));

        // [uid, {type, data, nsp}, {rooms, flags, except}], to {key}#{nsp}# or, for exactly one room, {key}#{nsp}#{room}#.
        var message = new MsgPackWriter(packet.Data.Length + 64);
        message.WriteArrayHeader(3);
        message.WriteString(RedisWire.EmitterUid);
        RedisWire.WritePacket(message, packet);
        RedisWire.WriteOptions(message, _rooms, _except, _volatile, timeout: null, flagsBeforeExcept: true);
        string channel = _key + "#" + Namespace + "#" + (_rooms.Count == 1 ? _rooms[0] + "#" : string.Empty);
        return (RedisChannel.Literal(channel), message.ToArray());
    }

    private static void WriteUntyped(SocketIOPacketWriter writer, object?[] arguments)
    {
        foreach (object? argument in arguments)
        {
            writer.WriteArgument(argument);
        }
    }

    private SocketIOEncodedPacket Build<TState>(string ns, string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        using var writer = new SocketIOPacketWriter(_jsonOptions);
        writer.StartEvent(eventName);
        writeArguments(writer, state);
        return writer.Build(ns);
    }

    private Task<long> PublishRoomsRequestAsync(int type, IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        string[] list = [.. rooms];
        return PublishRequestAsync(RedisWire.Json(w =>
        {
            w.WriteNumber("type", type);
            w.WritePropertyName("opts");
            RedisWire.WriteSelection(w, _rooms, _except);
            RedisWire.WriteStrings(w, "rooms", list);
        }));
    }

    private Task<long> PublishRequestAsync(string request) =>
        _connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_key + "-request#" + Namespace + "#"), Encoding.UTF8.GetBytes(request));

    private static ImmutableList<string> AddDistinct(ImmutableList<string> list, IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);

        // A JavaScript Set: insertion order, each room once.
        foreach (string room in rooms)
        {
            ArgumentNullException.ThrowIfNull(room, nameof(rooms));
            if (!list.Contains(room))
            {
                list = list.Add(room);
            }
        }

        return list;
    }
}

/// <summary>
/// A <see cref="RedisSocketIOEmitter"/> seen through the contract of the events it sends, for the generated typed emitters:
/// <c>emitter.As&lt;IChatClient&gt;().Emit.Message(…)</c>. Sending publishes without waiting; emitting with acknowledgements
/// fails with <see cref="NotSupportedException"/> (no server gathers them).
/// </summary>
/// <typeparam name="TContract">The contract of the events sent to the clients.</typeparam>
public readonly struct RedisSocketIOEmitter<TContract> : ISocketIOBroadcastTarget<TContract>, IEquatable<RedisSocketIOEmitter<TContract>>
{
    internal RedisSocketIOEmitter(RedisSocketIOEmitter untyped)
    {
        Untyped = untyped;
    }

    /// <summary>The untyped emitter.</summary>
    public RedisSocketIOEmitter Untyped { get; }

    /// <summary>Compares two typed emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they wrap the same emitter.</returns>
    public static bool operator ==(RedisSocketIOEmitter<TContract> left, RedisSocketIOEmitter<TContract> right) => left.Equals(right);

    /// <summary>Compares two typed emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(RedisSocketIOEmitter<TContract> left, RedisSocketIOEmitter<TContract> right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(RedisSocketIOEmitter<TContract> other) => ReferenceEquals(Untyped, other.Untyped);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RedisSocketIOEmitter<TContract> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Untyped?.GetHashCode() ?? 0;

    bool ISocketIOBroadcastTarget<TContract>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Send(eventName, state, writeArguments);

    Task<IReadOnlyList<AckResult<SocketIOArguments>>> ISocketIOBroadcastTarget<TContract>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<AckResult<SocketIOArguments>>>(new NotSupportedException(
            "The Redis emitter is not a server and cannot gather acknowledgements (as the official @socket.io/redis-emitter); emit with acknowledgements from a server of the cluster."));
}
