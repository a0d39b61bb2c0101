using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client;

/// <summary>
/// The Engine.IO connection under a manager, as the JavaScript client's <c>socket.io.engine</c>: its id, transport and
/// write buffer, the upgrade, and every packet in and out. One view per manager for its whole life: it shows the
/// current connection and its events stay subscribed across reconnections (in the JavaScript client a new
/// <c>engine</c> object comes with each connection).
/// </summary>
/// <remarks>
/// Threading: unlike the other events of the client, these are raised synchronously on the connection's own threads,
/// as the JavaScript engine's are, one at a time and never under the client's lock. A handler must be short and
/// must not block or wait for the connection (it holds up reading and writing); it may emit. <see cref="Upgrading"/>
/// runs while the write queue is paused for the switch to WebSocket: what is emitted then (volatile packets
/// included) waits in the queue and goes out over the WebSocket.
/// </remarks>
public sealed class SocketIOClientEngine
{
    private readonly SocketIOManager _manager;
    private Action<SocketIOClientEnginePacket>? _packetReceived;
    private Action<SocketIOClientEnginePacket>? _packetSent;

    internal SocketIOClientEngine(SocketIOManager manager) => _manager = manager;

    /// <summary>Raised when the probe of the upgrade succeeded and the switch to <c>websocket</c> begins (<c>upgrading</c>), with the new transport's name.</summary>
    public event Action<string>? Upgrading;

    /// <summary>Raised when the connection runs over the new transport (<c>upgrade</c>), with its name.</summary>
    public event Action<string>? Upgraded;

    /// <summary>
    /// Raised for every packet read from the server (<c>packet</c>): the handshake's open packet, messages, pings, close,
    /// noop. The packet's data is valid during the call only.
    /// </summary>
    public event Action<SocketIOClientEnginePacket>? PacketReceived
    {
        add
        {
            lock (_manager.Gate)
            {
                _packetReceived += value;
            }
        }

        remove
        {
            lock (_manager.Gate)
            {
                _packetReceived -= value;
            }
        }
    }

    /// <summary>
    /// Raised for every packet the client writes, when it leaves the write buffer for the transport (close to the
    /// JavaScript <c>packetCreate</c>, which fires when the packet enters the buffer): messages, pongs, close. The
    /// packet's data is valid during the call only.
    /// </summary>
    public event Action<SocketIOClientEnginePacket>? PacketSent
    {
        add
        {
            lock (_manager.Gate)
            {
                _packetSent += value;
            }
        }

        remove
        {
            lock (_manager.Gate)
            {
                _packetSent -= value;
            }
        }
    }

    /// <summary>The Engine.IO session id of the current connection (<c>engine.id</c>); <see langword="null"/> while not connected.</summary>
    public string? Id => Current?.Id;

    /// <summary>The transport of the current connection, <c>polling</c> or <c>websocket</c> (<c>engine.transport.name</c>); <see langword="null"/> while not connected.</summary>
    public string? Transport => Current?.Transport;

    /// <summary>The number of packets waiting to be handed to the transport (<c>engine.writeBuffer.length</c>); 0 while not connected.</summary>
    public int WriteBufferLength => Current?.WriteBufferLength ?? 0;

    /// <summary>Whether the transport is writable now (<c>engine.transport.writable</c>): open, no write in flight. Volatile emits need it.</summary>
    public bool IsWritable => Current?.IsWritableNow ?? false;

    internal bool ObservesPackets => _packetReceived is not null || _packetSent is not null;

    private IEngineConnection? Current
    {
        get
        {
            lock (_manager.Gate)
            {
                return _manager.OpenEngine;
            }
        }
    }

    internal void RaiseUpgrading(string transport) => Upgrading?.Invoke(transport);

    internal void RaiseUpgraded(string transport) => Upgraded?.Invoke(transport);

    internal void RaisePacket(bool outgoing, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
    {
        Action<SocketIOClientEnginePacket>? listeners = outgoing ? _packetSent : _packetReceived;
        listeners?.Invoke(new SocketIOClientEnginePacket(type, data, isBinary));
    }
}

/// <summary>One Engine.IO packet seen by <see cref="SocketIOClientEngine.PacketReceived"/> or <see cref="SocketIOClientEngine.PacketSent"/>.</summary>
/// <param name="Type">The Engine.IO packet type (<c>message</c>, <c>ping</c>, <c>pong</c>, <c>close</c>, …).</param>
/// <param name="Data">The packet's data, after the type: the Socket.IO packet's text of a message, or its bytes when <paramref name="IsBinary"/>. Valid during the event only.</param>
/// <param name="IsBinary">Whether the packet is a binary message.</param>
public readonly record struct SocketIOClientEnginePacket(EngineIOPacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);
