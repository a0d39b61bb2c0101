using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO;

/// <summary>The small primitives that generated typed code calls. Not meant to be called by hand.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SocketIOGeneratedHelpers
{
    /// <summary>Reads one argument of a received event as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="arguments">The event's arguments.</param>
    /// <param name="index">The argument's position, from 0.</param>
    /// <param name="typeInfo">The metadata to read it with.</param>
    /// <param name="eventName">The event, for the error message.</param>
    /// <param name="optional">Whether the parameter accepts null: a missing or null argument is then <see langword="default"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SocketIOArgumentException">The argument is missing, null for a non-nullable parameter, or not a <typeparamref name="T"/>.</exception>
    public static T? ReadArgument<T>(SocketIOArguments arguments, int index, JsonTypeInfo<T> typeInfo, string eventName, bool optional)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (index >= arguments.Count)
        {
            if (optional)
            {
                return default;
            }

            throw new SocketIOArgumentException(eventName, index,
                $"Event '{eventName}' came with {arguments.Count} argument(s); argument {index} ({typeof(T).Name}) is missing.", null);
        }

        T? value;
        try
        {
            value = arguments.GetValue(index, typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or SocketIOProtocolException or NotSupportedException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new SocketIOArgumentException(eventName, index,
                $"Argument {index} of event '{eventName}' is not a {typeof(T).Name}: {ex.Message}", ex);
        }

        if (value is null && !optional)
        {
            throw new SocketIOArgumentException(eventName, index,
                $"Argument {index} of event '{eventName}' is null, and its parameter ({typeof(T).Name}) is not nullable.", null);
        }

        return value;
    }

    /// <summary>Reads the result of an acknowledgement (its first argument) as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="arguments">The acknowledgement's arguments.</param>
    /// <param name="typeInfo">The metadata to read it with.</param>
    /// <param name="eventName">The event that was acknowledged, for the error message.</param>
    /// <returns>The result; <see langword="default"/> when the acknowledgement came with no argument or null.</returns>
    /// <exception cref="SocketIOArgumentException">The first argument is not a <typeparamref name="T"/>.</exception>
    public static T? ReadAckResult<T>(SocketIOArguments arguments, JsonTypeInfo<T> typeInfo, string eventName)
        => ReadArgument(arguments, 0, typeInfo, eventName, optional: true);

    /// <summary>
    /// Reads every answer of a broadcast with acknowledgements as <typeparamref name="T"/>: an answer that does not fit becomes an
    /// <see cref="AckStatus.Invalid"/> entry (with the reason in <see cref="AckResult{T}.Error"/>) instead of failing the others.
    /// </summary>
    /// <typeparam name="T">The acknowledgement's type in the contract.</typeparam>
    /// <param name="acks">One entry per recipient.</param>
    /// <param name="read">Reads one answer (a static lambda: no allocation per call).</param>
    /// <returns>The typed entries, in the same order.</returns>
    public static AckResult<T>[] ReadAckResults<T>(IReadOnlyList<AckResult<SocketIOArguments>> acks, Func<SocketIOArguments, T> read)
    {
        ArgumentNullException.ThrowIfNull(acks);
        ArgumentNullException.ThrowIfNull(read);
        if (acks.Count == 0)
        {
            return [];
        }

        var results = new AckResult<T>[acks.Count];
        for (int i = 0; i < results.Length; i++)
        {
            AckResult<SocketIOArguments> ack = acks[i];
            if (!ack.TryGetValue(out SocketIOArguments? arguments))
            {
                results[i] = new AckResult<T>(ack.SocketId, ack.Status, default!, ack.Error);
                continue;
            }

            try
            {
                results[i] = new AckResult<T>(ack.SocketId, AckStatus.Acknowledged, read(arguments));
            }
            catch (SocketIOArgumentException ex)
            {
                results[i] = new AckResult<T>(ack.SocketId, AckStatus.Invalid, default!, ex);
            }
        }

        return results;
    }

    /// <summary>The entries of a broadcast whose acknowledgement carries no value: who answered, who did not.</summary>
    /// <param name="acks">One entry per recipient.</param>
    /// <returns>The entries without the answers' arguments, in the same order.</returns>
    public static AckResult[] ToAckResults(IReadOnlyList<AckResult<SocketIOArguments>> acks)
    {
        ArgumentNullException.ThrowIfNull(acks);
        if (acks.Count == 0)
        {
            return [];
        }

        var results = new AckResult[acks.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = new AckResult(acks[i].SocketId, acks[i].Status, acks[i].Error);
        }

        return results;
    }

    /// <summary>Finds the metadata of <typeparamref name="T"/> in a source-generated JSON context.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="context">The context named by the contract's <see cref="SocketIOContractAttribute.JsonContext"/>.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="InvalidOperationException">The context does not cover <typeparamref name="T"/> (the analyzer TSIO0100 says so at compile time).</exception>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException(
                $"The JSON context {context.GetType().FullName} does not cover {typeof(T).FullName}: add [JsonSerializable(typeof({typeof(T).Name}))] to it.");
    }
}
