// The chat server, written with the typed API only: the events are the interfaces of Chat.Contracts.
//   dotnet run --project samples/Chat/Chat.Server -- --urls http://127.0.0.1:5000
using Chat.Contracts;
using Chat.Server;
using TypedSocketIO.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO();
builder.Services.AddSingleton<ChatRooms>();

var app = builder.Build();
app.MapSocketIO<IChatServer, IChatClient>("/", ns => ns.UseHandler<ChatHandler>());
app.Run();
