using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Server;

/// <summary>Serves the Socket.IO server over Engine.IO: one <see cref="SocketIOClientConnection"/> per session, kept in its <see cref="EngineIOConnection.State"/>.</summary>
internal sealed class SocketIOEngineIOHandler(SocketIOServer server) : IEngineIOHandler
{
    public ValueTask OnOpenAsync(EngineIOConnection connection)
    {
        var info = new SocketIOConnectionInfo(connection.Handshake);
        ISocketIOTransport transport = server.Options.Parser is { } parser
            ? new ParserConnectionTransport(connection, parser)
            : new EngineIOConnectionTransport(connection);
        connection.State = server.CreateClient(transport, info);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
    {
        if (connection.State is not SocketIOClientConnection client)
        {
            return ValueTask.CompletedTask;
        }

        server.Observer?.OnMessageReceived(utf8.Length);
        return server.Options.Parser is { } parser ? client.OnParsedAsync(parser, utf8, isBinary: false) : client.OnTextAsync(utf8);
    }

    public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
    {
        if (connection.State is not SocketIOClientConnection client)
        {
            return ValueTask.CompletedTask;
        }

        server.Observer?.OnMessageReceived(data.Length);
        return server.Options.Parser is { } parser ? client.OnParsedAsync(parser, data, isBinary: true) : client.OnBinaryAsync(data);
    }

    public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason) =>
        connection.State is SocketIOClientConnection client ? client.OnCloseAsync(reason) : ValueTask.CompletedTask;
}
