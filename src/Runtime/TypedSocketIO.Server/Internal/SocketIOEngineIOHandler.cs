using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Server;

/// <summary>Serves the Socket.IO server over Engine.IO: one <see cref="SocketIOClientConnection"/> per session, kept in its <see cref="EngineIOConnection.State"/>.</summary>
internal sealed class SocketIOEngineIOHandler(SocketIOServer server) : IEngineIOHandler
{
    public ValueTask OnOpenAsync(EngineIOConnection connection)
    {
        EngineIOHandshake handshake = connection.Handshake;
        var info = new SocketIOConnectionInfo(
            handshake.Headers, handshake.Query, handshake.Url, handshake.RemoteAddress, handshake.IssuedAt, handshake.IsSecure, handshake.User);
        connection.State = server.CreateClient(new EngineIOConnectionTransport(connection), info);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8) =>
        connection.State is SocketIOClientConnection client ? client.OnTextAsync(utf8) : ValueTask.CompletedTask;

    public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data) =>
        connection.State is SocketIOClientConnection client ? client.OnBinaryAsync(data) : ValueTask.CompletedTask;

    public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason) =>
        connection.State is SocketIOClientConnection client ? client.OnCloseAsync(reason) : ValueTask.CompletedTask;
}
