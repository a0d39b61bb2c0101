using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests.Typed;

/// <summary>
/// Our side of the byte-exactness test: the conversation of tests/interop-node/wire-reference-server.mjs written with
/// the typed API only (default options, as the reference uses the official server's defaults).
/// </summary>
public sealed class WireServer : IAsyncDisposable
{
    private WireServer(LoopbackServer host) => Host = host;

    public LoopbackServer Host { get; }

    /// <summary>Errors of the handlers (should stay empty).</summary>
    public ScenarioLog Log { get; } = new();

    public static async Task<WireServer> StartAsync()
    {
        WireServer? self = null;
        var host = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(),
            app =>
            {
                app.MapSocketIO<IWireServer, IWireClient>("/", ns => ns.OnConnection(socket =>
                    socket.On.Go(() =>
                    {
                        EmitAll(socket, self!.Log);
                        self!.Log.Background(async () => socket.Emit.Answer(await socket.Timeout(TimeSpan.FromSeconds(5)).Emit.Ask("ready?")));
                    })));
                app.MapSocketIO<IWireOtherServer, IWireOtherClient>("/other", ns => ns.OnConnection(socket =>
                {
                    socket.On.Go(() =>
                    {
                        socket.Emit.Hello("/other");
                        socket.Emit.BinOther(new WireOtherFile([1, 2], "x"));
                        return new WireSummary(true, 2);
                    });
                    socket.On.Bye(() => socket.Disconnect());
                }));
            });
        self = new WireServer(host);
        return self;
    }

    /// <summary>The reference script's <c>events</c> list, in order.</summary>
    private static void EmitAll(SocketIOSocket<IWireServer, IWireClient> socket, ScenarioLog log)
    {
        var emit = socket.Emit;
        emit.StrPlain("hello");
        emit.StrQuotes("say \"hi\" \\ back\\slash / and 'single'");
        emit.StrUnicode("é ü ß ñ 中文 ✓ Ω");
        emit.StrEmoji("😀 👍🏽 🇫🇷");
        emit.StrWhitespace("line1\nline2\r\n\ttab\b\f");
        emit.StrControl("\u0000\u0001\u001f\u007f");
        emit.StrHtml("<b>Tom & Jerry</b> a+b='c'");
        emit.StrLineSeparators("\u2028\u2029");
        emit.StrEmpty("");
        emit.StrMany("a", "b", "c");
        emit.Integers(0, 42, -7, 2147483647, -2147483648);
        emit.LongIntegers(9007199254740991, -9007199254740991, 1234567890123);
        emit.Fraction(0.5, -0.25, 3.14159, 0.1, 1.0 / 3);
        emit.DoubleIntegral(1.0, 100.0, -3.0);
        emit.DoubleExponent(1e21, 1e-7, 1.7976931348623157e308, 5e-324);
        emit.DoubleLargeIntegral(1e20);
        emit.NegativeZero(-0.0);
        emit.Booleans(true, false);
        emit.Null(null);
        emit.ObjectNested(new WireBox("box", 3, 0.75, ["a", "b"], new WireInner(true, null, [[1, 2], [3]])));
        emit.ArrayMixed(new JsonArray(1, "two", true, null, new JsonObject { ["k"] = "v" }, new JsonArray()));
        emit.EmptyContainers(new WireEmpty(), []);
        emit.BinTop([1, 2, 3]);
        emit.BinNested(new WireFile("file", [0, 255, 127], [[1], []], new WireMeta([9, 9])), [42]);
        emit.BinEmpty([]);
        emit.BinWithText("caption ✓", [7]);
        emit.DoubleThresholds(1e-6, 1e16, -1e21, 123456789.125, 2.5e-8, 4.35, 9007199254740994);
        emit.ObjectKeys(new Dictionary<string, int> { ["a\"b"] = 1, ["é"] = 2, ["😀"] = 3, ["\n"] = 4 });
        Guarded(log, () => emit.NonFinite(double.NaN, double.PositiveInfinity, double.NegativeInfinity));
        Guarded(log, () => emit.StrLoneSurrogate("a\ud800b\udc00"));
    }

    /// <summary>An emit that may throw (a known defect): recorded in the log's handler errors, the conversation goes on.</summary>
    private static void Guarded(ScenarioLog log, Action emit)
    {
        try
        {
            emit();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException)
        {
            log.HandlerErrors.Enqueue(e);
        }
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
