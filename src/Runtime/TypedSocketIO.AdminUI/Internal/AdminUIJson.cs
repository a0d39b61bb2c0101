using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Primitives;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>
/// Writes what the dashboard reads, field for field as the official <c>serialize(socket)</c> does, with
/// <see cref="Utf8JsonWriter"/> only (no reflection). Strings are escaped as <c>JSON.stringify</c> escapes them.
/// </summary>
internal static class AdminUIJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = SocketIOJsonOptions.JsonStringifyEncoder, MaxDepth = 256 };

    /// <summary>A writer of one EVENT's JSON array into <paramref name="buffer"/>.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);

    /// <summary>A date as JavaScript's <c>Date.prototype.toJSON()</c> writes it: <c>2026-12-07T18:03:51.873Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The id the dashboard groups the sockets of one connection by (its Clients page). The official one shows the first 12
    /// characters of the Engine.IO session id, a bearer token; this is the first 12 characters of its SHA-256 instead, as stable
    /// and as distinct, and useless to someone who reads it.
    /// </summary>
    public static string ClientId(string engineSessionId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(engineSessionId), hash);
        return Base64Url.EncodeToString(hash[..9]);
    }

    /// <summary>Writes a socket as the official <c>serialize(socket, nsp)</c>: id, clientId, transport, nsp, data, handshake, rooms.</summary>
    public static void WriteSocket(Utf8JsonWriter json, ISocketIORemoteSocket socket, string nsp, JsonSerializerOptions? dataOptions)
    {
        string? clientId = null;
        string? transport = null;
        if (socket is SocketIOSocket local)
        {
            clientId = ClientId(local.Client.TransportId);
            transport = local.Client.TransportName;
        }
        else if (socket.Data is JsonElement { ValueKind: JsonValueKind.Object } remote
            && remote.TryGetProperty("_admin", out JsonElement admin) && admin.ValueKind == JsonValueKind.Object)
        {
            // A socket of a Node server of the cluster instrumented by the official package: its data carries what it showed.
            clientId = admin.TryGetProperty("clientId", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            transport = admin.TryGetProperty("transport", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }

        json.WriteStartObject();
        json.WriteString("id"u8, socket.Id);
        WriteOptionalString(json, "clientId"u8, clientId);
        WriteOptionalString(json, "transport"u8, transport);
        json.WriteString("nsp"u8, nsp);
        json.WritePropertyName("data"u8);
        WriteData(json, socket.Data, dataOptions);
        json.WritePropertyName("handshake"u8);
        WriteHandshake(json, socket.Handshake);
        json.WriteStartArray("rooms"u8);
        foreach (string room in socket.Rooms)
        {
            json.WriteStringValue(room);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>socket.data</c>: an object as it is (without the official package's own <c>_admin</c> entry), <c>{}</c> when
    /// there is none; a value of another type through the server's JSON options (a <c>JsonSerializerContext</c> that knows it),
    /// else <c>{}</c>.
    /// </summary>
    public static void WriteData(Utf8JsonWriter json, object? data, JsonSerializerOptions? options)
    {
        switch (data)
        {
            case null:
                json.WriteStartObject();
                json.WriteEndObject();
                return;
            case JsonElement { ValueKind: JsonValueKind.Object } element:
                json.WriteStartObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (property.NameEquals("_admin"u8))
                    {
                        continue;
                    }

                    property.WriteTo(json);
                }

                json.WriteEndObject();
                return;
            case JsonElement { ValueKind: not JsonValueKind.Undefined } element:
                element.WriteTo(json);
                return;
            case System.Text.Json.Nodes.JsonNode node:
                node.WriteTo(json);
                return;
            case string s:
                json.WriteStringValue(s);
                return;
        }

        if (options?.TypeInfoResolver is not null && options.TryGetTypeInfo(data.GetType(), out JsonTypeInfo? typeInfo))
        {
            try
            {
                // Into a buffer first: a value that fails half-way must not leave half an object in the packet.
                byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(data, typeInfo);
                json.WriteRawValue(bytes, skipInputValidation: true);
                return;
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
            {
                // Not serializable as configured: shown as nothing rather than failing the dashboard.
            }
        }

        json.WriteStartObject();
        json.WriteEndObject();
    }

    /// <summary>The handshake as the official package shows it (address, headers, query, issued, secure, time, url, xdomain; never auth).</summary>
    public static void WriteHandshake(Utf8JsonWriter json, SocketIOHandshake handshake)
    {
        json.WriteStartObject();

        // As the official one: a proxy's view of the client first.
        string? address = First(handshake.Headers, "cf-connecting-ip") ?? First(handshake.Headers, "x-forwarded-for") ?? handshake.RemoteAddress?.ToString();
        WriteOptionalString(json, "address"u8, address);
        json.WriteStartObject("headers"u8);
        foreach (KeyValuePair<string, StringValues> header in handshake.Headers)
        {
            // Node's names are lower case; a repeated header is one value joined with ", ", set-cookie an array.
            string name = header.Key.ToLowerInvariant();
            if (name == "set-cookie")
            {
                json.WriteStartArray(name);
                foreach (string? value in header.Value)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }
            else
            {
                json.WriteString(name, header.Value.Count == 1 ? header.Value[0] : string.Join(", ", header.Value.ToArray()));
            }
        }

        json.WriteEndObject();
        json.WriteStartObject("query"u8);
        foreach (KeyValuePair<string, StringValues> parameter in handshake.Query)
        {
            // Node's query object keeps the last value of a repeated parameter.
            json.WriteString(parameter.Key, parameter.Value.Count == 0 ? "" : parameter.Value[^1]);
        }

        json.WriteEndObject();
        json.WriteNumber("issued"u8, handshake.IssuedAt.ToUnixTimeMilliseconds());
        json.WriteBoolean("secure"u8, handshake.IsSecure);
        json.WriteString("time"u8, handshake.Time);
        json.WriteString("url"u8, handshake.Url);
        json.WriteBoolean("xdomain"u8, handshake.IsCrossDomain);
        json.WriteEndObject();
    }

    private static string? First(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out StringValues values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>A property that JavaScript leaves out when it is <c>undefined</c>.</summary>
    private static void WriteOptionalString(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
