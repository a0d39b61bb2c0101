using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Interop.Tests.Typed;

/// <summary>Events the official clients receive in <see cref="BroadcastAckInteropTests"/>.</summary>
[SocketIOContract(JsonContext = typeof(VoteJsonContext))]
public interface IVoteClient
{
    /// <summary>Asks for a ballot.</summary>
    Task<Ballot> Vote(string question);
}

/// <summary>Nothing: the clients only answer.</summary>
[SocketIOContract(JsonContext = typeof(VoteJsonContext))]
public interface IVoteServer
{
}

/// <summary>A client's answer; the signature travels as a binary attachment inside the object.</summary>
public sealed record Ballot(string Voter, bool Agree, byte[] Signature);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Ballot))]
public sealed partial class VoteJsonContext : JsonSerializerContext
{
}

/// <summary>
/// Typed broadcast acknowledgements answered by the official socket.io-client 4.8.4 (tests/interop-node/ack-voters.mjs):
/// one <see cref="AckResult{T}"/> per targeted socket, named by the id the JS client sees as <c>socket.id</c>.
/// </summary>
public sealed class BroadcastAckInteropTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    [InlineData("upgrade")]
    public async Task OfficialClients_AnswerStayQuietOrLeave_OneTypedEntryEach(string transport)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(),
            app => app.MapSocketIO<IVoteServer, IVoteClient>("/", _ => { }));
        await using NodeScript voters = NodeScript.Start("ack-voters.mjs", server.BaseAddress, transport);

        var ids = new Dictionary<string, string>();
        foreach (string name in new[] { "yes", "no", "silent", "leaver" })
        {
            JsonElement connected = await voters.WaitForLineAsync(
                l => l.GetProperty("event").GetString() == "connected" && l.GetProperty("name").GetString() == name, TimeSpan.FromSeconds(30));
            ids[name] = connected.GetProperty("id").GetString()!;
        }

        var io = server.Services.GetRequiredService<SocketIOServer>();
        IReadOnlyList<AckResult<Ballot>> results = await io.Of<IVoteServer, IVoteClient>("/").Timeout(TimeSpan.FromSeconds(5))
            .Emit.Vote("pizza?").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, results.Count);
        AckResult<Ballot> yes = Assert.Single(results, r => r.SocketId == ids["yes"]);
        Assert.Equal(AckStatus.Acknowledged, yes.Status);
        Assert.Equal(("yes", true), (yes.Value.Voter, yes.Value.Agree));
        Assert.Equal(new byte[] { 1, 2 }, yes.Value.Signature);
        AckResult<Ballot> no = Assert.Single(results, r => r.SocketId == ids["no"]);
        Assert.Equal(("no", false, 0), (no.Value.Voter, no.Value.Agree, no.Value.Signature.Length));
        Assert.Equal(AckStatus.TimedOut, Assert.Single(results, r => r.SocketId == ids["silent"]).Status);
        Assert.Equal(AckStatus.Disconnected, Assert.Single(results, r => r.SocketId == ids["leaver"]).Status);
        Assert.Equal(0, io.Diagnostics.PendingAckCount);
    }
}
