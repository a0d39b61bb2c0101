using System.Text.Json;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.EngineIO;

/// <summary>The data of the server's open packet (<c>0{"sid":…}</c>).</summary>
/// <param name="Sid">The session id.</param>
/// <param name="Upgrades">The transports the session may upgrade to.</param>
/// <param name="PingInterval">The server's ping interval.</param>
/// <param name="PingTimeout">How long the server waits for a pong.</param>
/// <param name="MaxPayload">The largest polling payload the server accepts, in bytes.</param>
internal sealed record EngineIOClientHandshake(string Sid, IReadOnlyList<string> Upgrades, TimeSpan PingInterval, TimeSpan PingTimeout, int MaxPayload)
{
    /// <summary>The <c>maxPayload</c> assumed when the server does not send one (the official server's default).</summary>
    public const int DefaultMaxPayload = 1_000_000;

    /// <summary>Parses the JSON of an open packet.</summary>
    /// <param name="json">The UTF-8 JSON after the <c>0</c>.</param>
    /// <returns>The handshake.</returns>
    /// <exception cref="EngineIOProtocolException">The JSON is malformed or lacks <c>sid</c>, <c>pingInterval</c> or <c>pingTimeout</c>.</exception>
    public static EngineIOClientHandshake Parse(ReadOnlySpan<byte> json)
    {
        string? sid = null;
        var upgrades = new List<string>();
        long? pingInterval = null;
        long? pingTimeout = null;
        int maxPayload = DefaultMaxPayload;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new EngineIOProtocolException("the open packet is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("sid"u8))
                {
                    reader.Read();
                    sid = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("upgrades"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                upgrades.Add(reader.GetString()!);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("pingInterval"u8))
                {
                    reader.Read();
                    pingInterval = ReadMilliseconds(ref reader);
                }
                else if (reader.ValueTextEquals("pingTimeout"u8))
                {
                    reader.Read();
                    pingTimeout = ReadMilliseconds(ref reader);
                }
                else if (reader.ValueTextEquals("maxPayload"u8))
                {
                    reader.Read();
                    maxPayload = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value > 0
                        ? (int)Math.Min(value, int.MaxValue)
                        : DefaultMaxPayload;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            throw new EngineIOProtocolException("the open packet is not valid JSON", e);
        }

        if (string.IsNullOrEmpty(sid) || pingInterval is null || pingTimeout is null)
        {
            throw new EngineIOProtocolException("the open packet lacks sid, pingInterval or pingTimeout");
        }

        return new EngineIOClientHandshake(sid, upgrades, TimeSpan.FromMilliseconds(pingInterval.Value), TimeSpan.FromMilliseconds(pingTimeout.Value), maxPayload);
    }

    private static long? ReadMilliseconds(ref Utf8JsonReader reader)
    {
        // Bounded to a day: a timer cannot wait longer than about 49 days, and no real server asks for more.
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value >= 0 && value <= 86_400_000
            ? value
            : throw new EngineIOProtocolException("pingInterval and pingTimeout must be milliseconds between 0 and one day");
    }
}
