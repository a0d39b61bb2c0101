using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TypedSocketIO.Interop.Tests.Typed;

// The conversation of tests/interop-node/wire-reference-server.mjs as contracts: our server emits the same events
// through the generated emitters, and WireBytesTests compares the frames of both servers byte for byte.

/// <summary>Events the raw client sends on <c>/</c>.</summary>
[SocketIOContract]
public interface IWireServer
{
    /// <summary>The server emits every event of <see cref="IWireClient"/> in order.</summary>
    void Go();
}

/// <summary>Events the server sends on <c>/</c>, in the order of the reference script's <c>events</c> list.</summary>
[SocketIOContract(JsonContext = typeof(WireJsonContext))]
public interface IWireClient
{
    [Event("str-plain")] void StrPlain(string value);
    [Event("str-quotes")] void StrQuotes(string value);
    [Event("str-unicode")] void StrUnicode(string value);
    [Event("str-emoji")] void StrEmoji(string value);
    [Event("str-whitespace")] void StrWhitespace(string value);
    [Event("str-control")] void StrControl(string value);
    [Event("str-html")] void StrHtml(string value);
    [Event("str-line-separators")] void StrLineSeparators(string value);
    [Event("str-empty")] void StrEmpty(string value);
    [Event("str-many")] void StrMany(string a, string b, string c);
    [Event("int")] void Integers(int a, int b, int c, int d, int e);
    [Event("long")] void LongIntegers(long a, long b, long c);
    [Event("fraction")] void Fraction(double a, double b, double c, double d, double e);
    [Event("double-integral")] void DoubleIntegral(double a, double b, double c);
    [Event("double-exponent")] void DoubleExponent(double a, double b, double c, double d);
    [Event("double-large-integral")] void DoubleLargeIntegral(double value);
    [Event("negative-zero")] void NegativeZero(double value);
    [Event("booleans")] void Booleans(bool a, bool b);
    [Event("null")] void Null(string? value);
    [Event("object-nested")] void ObjectNested(WireBox box);
    [Event("array-mixed")] void ArrayMixed(JsonNode array);
    [Event("empty-containers")] void EmptyContainers(WireEmpty obj, int[] array);
    [Event("bin-top")] void BinTop(byte[] data);
    [Event("bin-nested")] void BinNested(WireFile file, byte[] extra);
    [Event("bin-empty")] void BinEmpty(byte[] data);
    [Event("bin-with-text")] void BinWithText(string caption, byte[] data);
    [Event("double-thresholds")] void DoubleThresholds(double a, double b, double c, double d, double e, double f, double g);
    [Event("object-keys")] void ObjectKeys(Dictionary<string, int> keys);
    [Event("non-finite")] void NonFinite(double nan, double positiveInfinity, double negativeInfinity);
    [Event("str-lone-surrogate")] void StrLoneSurrogate(string value);

    /// <summary>Asks the client; its acknowledgement's value comes back in <see cref="Answer"/>.</summary>
    Task<string> Ask(string question);

    void Answer(string answer);
}

/// <summary>Events the raw client sends on <c>/other</c>.</summary>
[SocketIOContract(JsonContext = typeof(WireJsonContext))]
public interface IWireOtherServer
{
    /// <summary>Emits <c>hello</c> and <c>bin-other</c>, then acknowledges.</summary>
    Task<WireSummary> Go();

    /// <summary>The server disconnects the socket.</summary>
    void Bye();
}

/// <summary>Events the server sends on <c>/other</c>.</summary>
[SocketIOContract(JsonContext = typeof(WireJsonContext))]
public interface IWireOtherClient
{
    void Hello(string ns);

    [Event("bin-other")] void BinOther(WireOtherFile file);
}

public sealed record WireInner(bool Flag, string? Value, int[][] List);

public sealed record WireBox(string Name, int Count, double Ratio, string[] Tags, WireInner Inner);

public sealed record WireEmpty;

public sealed record WireMeta(byte[] Thumb);

public sealed record WireFile(string Name, byte[] Data, List<byte[]> Parts, WireMeta Meta);

public sealed record WireOtherFile(byte[] File, string Name);

public sealed record WireSummary(bool Ok, int Count);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WireBox))]
[JsonSerializable(typeof(WireEmpty))]
[JsonSerializable(typeof(WireFile))]
[JsonSerializable(typeof(WireOtherFile))]
[JsonSerializable(typeof(WireSummary))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(Dictionary<string, int>))]
public sealed partial class WireJsonContext : JsonSerializerContext;
