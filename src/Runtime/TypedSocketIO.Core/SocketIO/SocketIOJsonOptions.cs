using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Makes <see cref="JsonSerializerOptions"/> "binary-aware": <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c>
/// anywhere in a value become Socket.IO attachment placeholders (<c>{"_placeholder":true,"num":n}</c>) when written by
/// <see cref="SocketIOPacketWriter"/>, and are read back from placeholders by <see cref="SocketIOArguments"/>.
/// </summary>
/// <remarks>
/// The binary-aware options are a copy of the caller's options (same resolver, e.g. a source-generated
/// <c>JsonSerializerContext</c>, same settings) with four converters added to <see cref="JsonSerializerOptions.Converters"/>
/// (the two binary types, and <see cref="double"/> and <see cref="string"/> written exactly as <c>JSON.stringify</c> writes them)
/// and a resolver for the two binary types put first in the chain. Source-generated contexts honour converters from
/// <see cref="JsonSerializerOptions.Converters"/>, so properties of those types inside generated contracts are covered.
/// The copy's <see cref="JsonSerializerOptions.Encoder"/> is <see cref="JsonStringifyEncoder"/> when the caller's options have
/// none, so property names and enum members are written as <c>JSON.stringify</c> writes them too (System.Text.Json's default
/// encoder would escape non-ASCII and HTML-sensitive characters in them); an encoder set on the caller's options is kept and
/// wins everywhere, values included, and then the bytes differ from Node's wherever that encoder escapes more.
/// The copy is made once per options instance and cached (weakly), so metadata is built once.
/// Outside the writer and the arguments view, the converters read and write base64 strings, as System.Text.Json does.
/// </remarks>
public static class SocketIOJsonOptions
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> s_binaryAware = new();
    private static readonly ConditionalWeakTable<JsonSerializerOptions, object> s_isBinaryAware = new();

    /// <summary>
    /// Options with no contract metadata except the two binary types: every other type must be handled directly or
    /// throws <see cref="NotSupportedException"/>. Used when no options are given.
    /// </summary>
    internal static JsonSerializerOptions Empty { get; } =
        GetBinaryAware(new JsonSerializerOptions { TypeInfoResolver = JsonTypeInfoResolver.Combine() });

    /// <summary>
    /// The encoder that escapes as JavaScript's <c>JSON.stringify</c>: only <c>"</c>, <c>\</c> and control characters below
    /// U+0020; non-ASCII text, emoji, U+2028/U+2029 and HTML-sensitive characters are written as UTF-8. For JSON written by
    /// hand that must match what a Node peer writes, e.g. <c>new JsonWriterOptions { Encoder = SocketIOJsonOptions.JsonStringifyEncoder }</c>.
    /// </summary>
    public static System.Text.Encodings.Web.JavaScriptEncoder JsonStringifyEncoder => SocketIOJsonEncoder.Instance;

    /// <summary>Returns the cached binary-aware copy of <paramref name="options"/> (or the options themselves if they already are).</summary>
    /// <param name="options">The caller's options, typically those of a <c>JsonSerializerContext</c>.</param>
    /// <returns>Read-only options whose <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> travel as attachments.</returns>
    public static JsonSerializerOptions GetBinaryAware(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (s_isBinaryAware.TryGetValue(options, out _))
        {
            return options;
        }

        return s_binaryAware.GetValue(options, static source =>
        {
            var copy = new JsonSerializerOptions(source);

            // Names too (properties of generated metadata, enum members) are escaped as JSON.stringify escapes them, unless the
            // caller chose an encoder: then theirs is used everywhere, values included.
            copy.Encoder ??= SocketIOJsonEncoder.Instance;
            copy.Converters.Insert(0, SocketIOByteArrayConverter.Instance);
            copy.Converters.Insert(1, SocketIOReadOnlyMemoryConverter.Instance);
            copy.Converters.Insert(2, SocketIONumberConverter.Instance);
            copy.Converters.Insert(3, SocketIOStringConverter.Instance);
            if (source.TypeInfoResolver is not null)
            {
                copy.TypeInfoResolver = JsonTypeInfoResolver.Combine(SocketIOAttachmentTypeInfoResolver.Instance, source.TypeInfoResolver);
                copy.MakeReadOnly();
            }

            // With no resolver the copy stays as the caller configured it (System.Text.Json picks its default
            // resolver on first use where reflection is enabled); the converters above still apply.
            s_isBinaryAware.AddOrUpdate(copy, copy);
            return copy;
        });
    }

    /// <summary>Whether <paramref name="options"/> were returned by <see cref="GetBinaryAware(JsonSerializerOptions)"/>.</summary>
    /// <param name="options">The options to test.</param>
    /// <returns><see langword="true"/> for binary-aware options.</returns>
    public static bool IsBinaryAware(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return s_isBinaryAware.TryGetValue(options, out _);
    }

    /// <summary>Returns the metadata for <typeparamref name="T"/> from the binary-aware copy of <paramref name="typeInfo"/>'s options.</summary>
    /// <typeparam name="T">The serialized type.</typeparam>
    /// <param name="typeInfo">Metadata from the caller's resolver, e.g. <c>MyContext.Default.ChatMessage</c>.</param>
    /// <returns>Equivalent metadata bound to binary-aware options (cached by System.Text.Json per options).</returns>
    public static JsonTypeInfo<T> GetBinaryAware<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);

        // Most programs serialize each type with one metadata instance: remember the last answer per type.
        BinaryAwareCache<T>.Entry? last = BinaryAwareCache<T>.Last;
        if (last is not null && ReferenceEquals(last.Source, typeInfo))
        {
            return last.Aware;
        }

        JsonTypeInfo<T> aware = s_isBinaryAware.TryGetValue(typeInfo.Options, out _)
            ? typeInfo
            : (JsonTypeInfo<T>)GetBinaryAware(typeInfo.Options).GetTypeInfo(typeof(T));
        BinaryAwareCache<T>.Last = new BinaryAwareCache<T>.Entry(typeInfo, aware);
        return aware;
    }

    private static class BinaryAwareCache<T>
    {
        // One immutable pair, replaced whole: a reader sees a consistent source and answer.
        public static Entry? Last;

        public sealed record Entry(JsonTypeInfo<T> Source, JsonTypeInfo<T> Aware);
    }
}
