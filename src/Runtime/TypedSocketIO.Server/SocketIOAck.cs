using System.Text.Json.Serialization.Metadata;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Answers one client event that asked for an acknowledgement (<c>421["join","lobby"]</c> answered <c>431[…]</c>).
/// Only the first <c>Send</c> is written; later ones return <see langword="false"/>.
/// </summary>
public sealed class SocketIOAck
{
    private readonly SocketIOSocket? _socket;
    private int _sent;

    private SocketIOAck()
    {
        Id = -1;
        _sent = 1;
    }

    internal SocketIOAck(SocketIOSocket socket, long id)
    {
        _socket = socket;
        Id = id;
    }

    /// <summary>The responder of events that did not ask for an acknowledgement: every <c>Send</c> returns <see langword="false"/>.</summary>
    public static SocketIOAck None { get; } = new();

    /// <summary>Whether the client asked for an acknowledgement.</summary>
    public bool IsRequested => _socket is not null;

    /// <summary>Whether the acknowledgement was sent already.</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0 && IsRequested;

    /// <summary>The acknowledgement id of the event, or -1.</summary>
    public long Id { get; }

    /// <summary>Sends the acknowledgement with untyped arguments (see <see cref="SocketIOPacketWriter.WriteArgument(object?)"/>).</summary>
    /// <param name="arguments">The arguments the client's callback receives.</param>
    /// <returns>Whether it was queued: false when not requested, sent already, or the socket is gone.</returns>
    public bool Send(params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return Send(arguments, static (writer, args) =>
        {
            foreach (object? argument in args)
            {
                writer.WriteArgument(argument);
            }
        });
    }

    /// <summary>Sends the acknowledgement with one typed argument.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value the client's callback receives.</param>
    /// <param name="typeInfo">The metadata to serialize it with.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Send<T>(T value, JsonTypeInfo<T> typeInfo) =>
        Send((value, typeInfo), static (writer, state) => writer.WriteArgument(state.value, state.typeInfo));

    /// <summary>Sends the acknowledgement, its arguments written by a callback (the primitive generated code calls).</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (_socket is null || Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return false;
        }

        return _socket.SendAck(Id, state, writeArguments);
    }
}
