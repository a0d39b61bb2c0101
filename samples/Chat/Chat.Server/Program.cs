// The chat server, written with the typed API only: the events are the interfaces of Chat.Contracts.
//   dotnet run --project samples/Chat/Chat.Server -- --urls http://127.0.0.1:5000
// It serves the chat page (wwwroot/) and the official browser client at /socket.io/socket.io.js.
using Chat.Contracts;
using Chat.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TypedSocketIO.Server;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The page and the client bundle are copied beside the program: found whatever the working directory.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.AddSocketIO();
builder.Services.AddSingleton<ChatRooms>();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapSocketIOClientBundle();
app.MapSocketIO<IChatServer, IChatClient>("/", ns => ns.UseHandler<ChatHandler>());

await app.StartAsync();
foreach (string address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
{
    Console.WriteLine($"Chat: open {address.TrimEnd('/')}/ in a browser (add ?transport=polling for long-polling).");
}

await app.WaitForShutdownAsync();
