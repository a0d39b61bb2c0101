using System.Text.Json.Serialization;

namespace TypedSocketIO.Interop.Tests.Typed;

// The typed half of SocketIONodeExactnessTests.Json_text_is_written_as_node_writes_it: a DTO from a user's
// JsonSerializerContext (default options: no encoder of its own) whose property name and enum member carry the characters
// System.Text.Json's default encoder would escape; sio-exact-server.mjs sends the same object from plain JavaScript.

/// <summary>Strings whose JSON text differs between JSON.stringify and System.Text.Json's default encoder.</summary>
public static class JsonTextStrings
{
    /// <summary>A property name; keep in step with KEY in tests/interop-node/json-text.mjs.</summary>
    public const string Key = "é<>&'+`\u2028😀";

    /// <summary>An enum member's name; keep in step with KIND in json-text.mjs.</summary>
    public const string Kind = "é<b>&'";

    /// <summary>Keep in step with STRINGS in json-text.mjs.</summary>
    public static readonly string[] Values =
    [
        "line\u2028para\u2029end",
        "😀 👍🏽 🇫🇷",
        "<b>&'\"\\/+`",
        "\u0000\u0007\b\t\n\u000b\f\r\u001f\u007f",
        "é 中文 Ω \u00a0\u200b\ufeff",
    ];
}

/// <summary>Events the raw client sends on <c>/</c> that the typed half answers.</summary>
[SocketIOContract(JsonContext = typeof(JsonTextContext))]
public interface IJsonTextServer
{
    /// <summary>Acknowledged with a <see cref="JsonTextDto"/>.</summary>
    [Event("json-typed-ack")] Task<JsonTextDto> TypedAck();
}

/// <summary>Events our server sends through the typed API.</summary>
[SocketIOContract(JsonContext = typeof(JsonTextContext))]
public interface IJsonTextClient
{
    [Event("dto")] void Dto(JsonTextDto dto);
}

/// <summary>A DTO whose name and enum member need JSON.stringify's escaping, not System.Text.Json's default.</summary>
public sealed record JsonTextDto([property: JsonPropertyName(JsonTextStrings.Key)] string Text, [property: JsonPropertyName("kind")] JsonTextKind Kind);

/// <summary>An enum written by name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JsonTextKind>))]
public enum JsonTextKind
{
    /// <summary>Written as <see cref="JsonTextStrings.Kind"/>.</summary>
    [JsonStringEnumMemberName(JsonTextStrings.Kind)] Odd,
}

[JsonSerializable(typeof(JsonTextDto))]
public sealed partial class JsonTextContext : JsonSerializerContext;
