using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO.Server;

/// <summary>
/// Thrown by a middleware (<see cref="SocketIONamespace.Use(SocketIOMiddleware)"/>) to refuse a socket. The client receives
/// a CONNECT_ERROR packet <c>44/nsp,{"message":…,"data":…}</c>, which the JavaScript client raises as <c>connect_error</c>
/// with <c>err.message</c> and <c>err.data</c>.
/// </summary>
public sealed class SocketIOConnectionRejectedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SocketIOConnectionRejectedException()
        : this("Connection rejected")
    {
    }

    /// <summary>Refuses the socket with a message and no data.</summary>
    /// <param name="message">The message the client sees in <c>err.message</c>.</param>
    public SocketIOConnectionRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message the client sees in <c>err.message</c>.</param>
    /// <param name="innerException">The cause (not sent to the client).</param>
    public SocketIOConnectionRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Refuses the socket with a message and data given as UTF-8 JSON.</summary>
    /// <param name="message">The message the client sees in <c>err.message</c>.</param>
    /// <param name="dataJson">Any JSON value, sent as <c>err.data</c>.</param>
    public SocketIOConnectionRejectedException(string message, ReadOnlyMemory<byte> dataJson)
        : base(message)
    {
        DataJson = dataJson;
    }

    /// <summary>Refuses the socket with a message and data.</summary>
    /// <param name="message">The message the client sees in <c>err.message</c>.</param>
    /// <param name="data">Any JSON value, sent as <c>err.data</c>.</param>
    public SocketIOConnectionRejectedException(string message, JsonElement data)
        : base(message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            data.WriteTo(writer);
        }

        DataJson = buffer.WrittenMemory;
    }

    /// <summary>
    /// Refuses the socket with a message and typed data, serialized with its source-generated metadata (numbers as
    /// <c>JSON.stringify</c> writes them; strings and names are escaped as it does whatever the data's encoder).
    /// </summary>
    /// <typeparam name="T">The type of the data.</typeparam>
    /// <param name="message">The message the client sees in <c>err.message</c>.</param>
    /// <param name="data">The data, sent as <c>err.data</c>.</param>
    /// <param name="typeInfo">The metadata to serialize <paramref name="data"/> with.</param>
    /// <returns>The exception to throw.</returns>
    public static SocketIOConnectionRejectedException Create<T>(string message, T data, JsonTypeInfo<T> typeInfo) =>
        new(message, JsonSerializer.SerializeToUtf8Bytes(data, TypedSocketIO.SocketIO.SocketIOJsonOptions.GetBinaryAware(typeInfo)));

    /// <summary>The <c>data</c> sent with the refusal as UTF-8 JSON; empty when there is none.</summary>
    public ReadOnlyMemory<byte> DataJson { get; }
}
