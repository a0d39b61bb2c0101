using TypedSocketIO.Server;
using Xunit.Abstractions;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// Our server with every WebSocket served by ASP.NET Core's WebSocket middleware (<c>KestrelWebSocketTransport = false</c>)
/// instead of the lean Kestrel transport: the other WebSocket code path must give the same outcomes.
/// </summary>
public sealed class MiddlewareTransportServerFixture : OurServerFixture
{
    protected override void Configure(SocketIOServerOptions options) => options.EngineIO.KestrelWebSocketTransport = false;
}

/// <summary>
/// The WebSocket rows of the corpus over ASP.NET Core's WebSocket middleware, with the one oracle (a raw peer's close compared
/// without its close code: see <see cref="Case"/>).
/// </summary>
public sealed class MiddlewareTransportCorpusTests(MiddlewareTransportServerFixture fixture, ITestOutputHelper output) : IClassFixture<MiddlewareTransportServerFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var rows = new TheoryData<string, string>();
        // (Not the close frame's contents: on this path the close frame itself can be lost, see Case.)
        foreach (HostileCase hostile in Corpus.All.Where(c => c.Scope is CaseScope.WebSocket or CaseScope.BothTransports or CaseScope.Http
            && c.Id != "CVE-2026-45736_close_frame_is_code_and_utf8_reason"))
        {
            rows.Add(hostile.Id, hostile.Scope == CaseScope.Http ? "http" : "websocket");
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case(string id, string transport)
    {
        HostileCase hostile = Corpus.Get(id);
        string expected = hostile.ExpectedMiddleware ?? hostile.Expected;

        // On this path the close frame of a refused frame can be lost: ASP.NET Core's WebSocket writes it, then the connection
        // is aborted, which may drop it. So a raw peer's close is compared as "closed" (with the server-side reason), whatever
        // frame or end of stream ended it.
        return CorpusOracle.OursAsync(
            hostile with { Expected = ClosedAnyhow(expected), Play = async context => ClosedAnyhow(await hostile.Play(context)) },
            transport, fixture, output);
    }

    private static string ClosedAnyhow(string outcome) =>
        System.Text.RegularExpressions.Regex.Replace(outcome, "^(ws close( [0-9]+)?|eof)(?= \\||$)", "closed");
}
