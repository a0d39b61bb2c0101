using Microsoft.Extensions.DependencyInjection;

namespace TypedSocketIO.Server;

internal sealed class SocketIOServerBuilder(IServiceCollection services) : ISocketIOServerBuilder
{
    public IServiceCollection Services { get; } = services;
}
