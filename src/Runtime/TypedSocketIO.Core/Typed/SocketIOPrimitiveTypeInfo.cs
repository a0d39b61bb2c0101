using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO;

/// <summary>
/// System.Text.Json metadata for the types a contract may use without a JSON context of its own: strings, numbers, booleans,
/// <see cref="Guid"/>, dates, <c>byte[]</c> and <see cref="ReadOnlyMemory{T}"/> of bytes (binary attachments), JSON values, and the
/// nullable forms of the value types. Source-generated: safe for trimming and NativeAOT.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Each property is named after the BCL type it describes, as JsonMetadataServices does.")]
public static class SocketIOPrimitiveTypeInfo
{
    private static PrimitiveJsonContext Context => PrimitiveJsonContext.Default;

#pragma warning disable CS1591 // One line each; the property name is the type.
    public static JsonTypeInfo<string> String => Context.String;
    public static JsonTypeInfo<bool> Boolean => Context.Boolean;
    public static JsonTypeInfo<byte> Byte => Context.Byte;
    public static JsonTypeInfo<sbyte> SByte => Context.SByte;
    public static JsonTypeInfo<short> Int16 => Context.Int16;
    public static JsonTypeInfo<ushort> UInt16 => Context.UInt16;
    public static JsonTypeInfo<int> Int32 => Context.Int32;
    public static JsonTypeInfo<uint> UInt32 => Context.UInt32;
    public static JsonTypeInfo<long> Int64 => Context.Int64;
    public static JsonTypeInfo<ulong> UInt64 => Context.UInt64;
    public static JsonTypeInfo<float> Single => Context.Single;
    public static JsonTypeInfo<double> Double => Context.Double;
    public static JsonTypeInfo<decimal> Decimal => Context.Decimal;
    public static JsonTypeInfo<char> Char => Context.Char;
    public static JsonTypeInfo<Guid> Guid => Context.Guid;
    public static JsonTypeInfo<DateTime> DateTime => Context.DateTime;
    public static JsonTypeInfo<DateTimeOffset> DateTimeOffset => Context.DateTimeOffset;
    public static JsonTypeInfo<TimeSpan> TimeSpan => Context.TimeSpan;
    public static JsonTypeInfo<byte[]> ByteArray => Context.ByteArray;
    public static JsonTypeInfo<ReadOnlyMemory<byte>> ReadOnlyMemoryOfByte => Context.ReadOnlyMemoryByte;
    public static JsonTypeInfo<JsonElement> JsonElement => Context.JsonElement;
    public static JsonTypeInfo<JsonNode> JsonNode => Context.JsonNode;
    public static JsonTypeInfo<bool?> NullableBoolean => Context.NullableBoolean;
    public static JsonTypeInfo<byte?> NullableByte => Context.NullableByte;
    public static JsonTypeInfo<sbyte?> NullableSByte => Context.NullableSByte;
    public static JsonTypeInfo<short?> NullableInt16 => Context.NullableInt16;
    public static JsonTypeInfo<ushort?> NullableUInt16 => Context.NullableUInt16;
    public static JsonTypeInfo<int?> NullableInt32 => Context.NullableInt32;
    public static JsonTypeInfo<uint?> NullableUInt32 => Context.NullableUInt32;
    public static JsonTypeInfo<long?> NullableInt64 => Context.NullableInt64;
    public static JsonTypeInfo<ulong?> NullableUInt64 => Context.NullableUInt64;
    public static JsonTypeInfo<float?> NullableSingle => Context.NullableSingle;
    public static JsonTypeInfo<double?> NullableDouble => Context.NullableDouble;
    public static JsonTypeInfo<decimal?> NullableDecimal => Context.NullableDecimal;
    public static JsonTypeInfo<char?> NullableChar => Context.NullableChar;
    public static JsonTypeInfo<Guid?> NullableGuid => Context.NullableGuid;
    public static JsonTypeInfo<DateTime?> NullableDateTime => Context.NullableDateTime;
    public static JsonTypeInfo<DateTimeOffset?> NullableDateTimeOffset => Context.NullableDateTimeOffset;
    public static JsonTypeInfo<TimeSpan?> NullableTimeSpan => Context.NullableTimeSpan;
    public static JsonTypeInfo<JsonElement?> NullableJsonElement => Context.NullableJsonElement;
#pragma warning restore CS1591
}

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(sbyte))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(char))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(ReadOnlyMemory<byte>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(byte?))]
[JsonSerializable(typeof(sbyte?))]
[JsonSerializable(typeof(short?))]
[JsonSerializable(typeof(ushort?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(uint?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(ulong?))]
[JsonSerializable(typeof(float?))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(decimal?))]
[JsonSerializable(typeof(char?))]
[JsonSerializable(typeof(Guid?))]
[JsonSerializable(typeof(DateTime?))]
[JsonSerializable(typeof(DateTimeOffset?))]
[JsonSerializable(typeof(TimeSpan?))]
[JsonSerializable(typeof(JsonElement?))]
internal sealed partial class PrimitiveJsonContext : JsonSerializerContext
{
}
