// A typed Socket.IO server for NativeAOT: emit, acknowledgements both ways, binary both ways and a broadcast to a room.
//
//   dotnet publish samples/AotServer -c Release -r linux-x64 -o /tmp/aot
//   /tmp/aot/AotServer --urls http://127.0.0.1:5000
//
// It prints "listening on <address>" once Kestrel accepts connections (with --urls http://127.0.0.1:0, the port the system chose).
using AotServer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TypedSocketIO.Server;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSocketIO();

var app = builder.Build();
app.MapSocketIO<IAotServer, IAotClient>("/", ns => ns.OnConnection(socket =>
{
    var main = app.Services.GetRequiredService<SocketIOServer>().Of<IAotServer, IAotClient>("/");

    socket.On.Echo(text => socket.Emit.Echoed(text));
    socket.On.Add(request => new AddResult(request.A + request.B));
    socket.On.Ask(text => _ = AskAsync(text));
    socket.On.Upload((data, label) =>
    {
        byte[] reversed = data.Reverse().ToArray();
        socket.Emit.Reversed(reversed, label);
        return new BinaryInfo(data.Length, data.Sum(b => b));
    });
    socket.On.Join(async room =>
    {
        socket.Join(room);
        var members = await main.In(room).FetchSocketsAsync();
        return members.Count;
    });
    socket.On.Say((room, text) => main.To(room).Emit.Said(new RoomMessage(room, socket.Id, text)));

    async Task AskAsync(string text)
    {
        try
        {
            string answer = await socket.Timeout(TimeSpan.FromSeconds(5)).Emit.Question(text);
            socket.Emit.Answered(answer);
        }
        catch (SocketIOAckTimeoutException)
        {
            socket.Emit.Answered("(no answer)");
        }
    }
}));

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (string address in addresses)
    {
        Console.WriteLine($"listening on {address}");
    }
});

app.Run();
