using Microsoft.Extensions.DependencyInjection;

namespace TypedSocketIO.Server;

/// <summary>Returned by <c>AddSocketIO</c>, for chaining further registrations (an adapter, typed handlers).</summary>
public interface ISocketIOServerBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }
}
