namespace TypedSocketIO.Client.Internal;

/// <summary>The acknowledgement a server asked for with an event: sent once, as an ACK packet with the event's id.</summary>
internal sealed class ClientAck(SocketIOClient client, long ackId) : SocketIOAck
{
    private int _sent;

    public override bool IsRequested => true;

    public override bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return false;
        }

        return client.SendAck(ackId, state, writeArguments);
    }
}
