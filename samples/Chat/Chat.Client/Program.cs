// A console chat client for samples/Chat/Chat.Server, written with the typed client only.
//   dotnet run --project samples/Chat/Chat.Server -- --urls http://127.0.0.1:5000
//   dotnet run --project samples/Chat/Chat.Client -- http://127.0.0.1:5000 ada lobby
// Lines typed on stdin are sent to the room; "/join <room>" moves to another room; an empty stdin (Ctrl+D) quits.
using Chat.Contracts;
using TypedSocketIO.Client;

var server = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5000");
string name = args.Length > 1 ? args[1] : Environment.UserName;
string room = args.Length > 2 ? args[2] : "lobby";

await using var client = SocketIOClient.Create<IChatClient, IChatServer>(server, new SocketIOClientOptions
{
    AckTimeout = TimeSpan.FromSeconds(10),
});

// Incoming events: the methods of IChatClient.
client.On.Message(m => Console.WriteLine($"[{m.SentAt:HH:mm:ss}] {m.Author}: {m.Text}"));
client.On.Users(u => Console.WriteLine($"* in {u.Room}: {string.Join(", ", u.Names)}"));
client.On.Typing(t => Console.WriteLine(t.IsTyping ? $"* {t.Name} is typing…" : $"* {t.Name} stopped typing"));
client.On.ConfirmLeave(from =>
{
    // The server asks before moving us out of a room: this sample always agrees.
    Console.WriteLine($"* leaving {from}");
    return true;
});

client.Connected += () => Console.WriteLine($"* connected as {client.Id}");
client.Disconnected += reason => Console.WriteLine($"* disconnected: {reason}");
client.ConnectError += e => Console.WriteLine($"* cannot connect: {e.Message}");

// Joined again on every (re)connection: a new connection is a new socket on the server.
client.Connected += () => _ = JoinAsync(room);

try
{
    await client.ConnectAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
}
catch (Exception e) when (e is SocketIOConnectErrorException or OperationCanceledException)
{
    Console.Error.WriteLine($"Could not connect to {server}: {e.Message}");
    return 1;
}

while (Console.ReadLine() is { } line)
{
    if (line.StartsWith("/join ", StringComparison.Ordinal))
    {
        room = line["/join ".Length..].Trim();
        await JoinAsync(room);
    }
    else if (line.Length > 0)
    {
        client.Emit.SendMessage(line);   // buffered while disconnected, sent in order on reconnection
    }
}

await client.DisconnectAsync();
return 0;

async Task JoinAsync(string target)
{
    try
    {
        JoinResult joined = await client.Emit.Join(new JoinRequest(name, target));
        room = joined.Room;
        Console.WriteLine($"* in {joined.Room} with {string.Join(", ", joined.Users)}");
        foreach (ChatMessage m in joined.Recent)
        {
            Console.WriteLine($"[{m.SentAt:HH:mm:ss}] {m.Author}: {m.Text}");
        }
    }
    catch (Exception e) when (e is TimeoutException or SocketIOClientDisconnectedException)
    {
        Console.WriteLine($"* join failed: {e.Message}");
    }
}
