using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO;

/// <summary>
/// Answers one received event that asked for an acknowledgement (<c>421["join","lobby"]</c> answered <c>431[…]</c>).
/// Only the first <c>Send</c> is written; later ones return <see langword="false"/>.
/// </summary>
public abstract class SocketIOAck
{
    /// <summary>The responder of events that did not ask for an acknowledgement: every <c>Send</c> returns <see langword="false"/>.</summary>
    public static SocketIOAck None { get; } = new NoAck();

    /// <summary>Whether the sender asked for an acknowledgement.</summary>
    public abstract bool IsRequested { get; }

    /// <summary>Sends the acknowledgement, its arguments written by a callback (the primitive generated code calls).</summary>
    /// <typeparam name="TState">The state passed to <paramref name="writeArguments"/>.</typeparam>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments.</param>
    /// <returns>Whether it was queued: false when not requested, sent already, or the connection is gone.</returns>
    public abstract bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments);

    /// <summary>Sends the acknowledgement with one typed argument.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value the sender's callback receives.</param>
    /// <param name="typeInfo">The metadata to serialize it with.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Send<T>(T? value, JsonTypeInfo<T> typeInfo) =>
        Send((value, typeInfo), static (writer, state) => writer.WriteArgument(state.value, state.typeInfo));

    /// <summary>Sends the acknowledgement with untyped arguments (see <see cref="SocketIO.SocketIOPacketWriter.WriteArgument(object?)"/>).</summary>
    /// <param name="arguments">The arguments the sender's callback receives; <c>Send(null)</c> sends one <c>null</c> (<c>43N[null]</c>), as JavaScript's <c>ack(null)</c>.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Send(params object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Send(null): one null argument, as JavaScript's ack(null)
        return Send(arguments, static (writer, args) =>
        {
            foreach (object? argument in args)
            {
                writer.WriteArgument(argument);
            }
        });
    }

    private sealed class NoAck : SocketIOAck
    {
        public override bool IsRequested => false;

        public override bool Send<TState>(TState state, SocketIOArgumentsWriter<TState> writeArguments) => false;
    }
}
