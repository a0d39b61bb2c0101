namespace TypedSocketIO.Server.Internal;

/// <summary>The acknowledgement of an event a client sent with an ack id; only the first <c>Send</c> is written.</summary>
internal sealed class SocketIOServerAck : SocketIOAck
{
    private readonly SocketIOSocket _socket;
    private readonly long _id;
    private int _sent;

    public SocketIOServerAck(SocketIOSocket socket, long id)
    {
        _socket = socket;
        _id = id;
    }

    public override bool IsRequested => true;

    public override bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return false;
        }

        return _socket.SendAck(_id, state, writeArguments);
    }
}
