using Microsoft.Extensions.Options;

namespace TypedSocketIO.Server;

/// <summary>Applies the defaults, before the application's own configuration runs.</summary>
internal sealed class SocketIOServerOptionsSetup : IConfigureOptions<SocketIOServerOptions>
{
    public void Configure(SocketIOServerOptions options)
    {
        options.Path = SocketIOServerOptions.DefaultPath;
        options.ConnectTimeout = SocketIOServerOptions.DefaultConnectTimeout;
        options.MaxPendingAcksPerSocket = SocketIOServerOptions.DefaultMaxPendingAcksPerSocket;
        options.MaxPendingEventsPerSocket = SocketIOServerOptions.DefaultMaxPendingEventsPerSocket;
        options.MaxAttachments = SocketIOServerOptions.DefaultMaxAttachments;
        options.MaxJsonDepth = SocketIOServerOptions.DefaultMaxJsonDepth;
    }
}
