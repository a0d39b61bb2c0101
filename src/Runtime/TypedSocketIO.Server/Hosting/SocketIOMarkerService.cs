using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace TypedSocketIO.Server;

/// <summary>
/// Registered by <c>AddSocketIO</c> (a singleton of the application's container): <c>MapSocketIO</c> looks for it to tell a missing
/// registration apart, and keeps in it the endpoint mapped on each route builder, so that two applications of one process share nothing.
/// </summary>
internal sealed class SocketIOMarkerService
{
    private readonly Lock _gate = new();
    private readonly List<(IEndpointRouteBuilder Endpoints, IEndpointConventionBuilder Builder)> _mapped = [];

    /// <summary>The endpoint mapped on <paramref name="endpoints"/>, mapping it with <paramref name="map"/> the first time.</summary>
    public IEndpointConventionBuilder GetOrMap(IEndpointRouteBuilder endpoints, Func<IEndpointRouteBuilder, IEndpointConventionBuilder> map)
    {
        lock (_gate)
        {
            foreach ((IEndpointRouteBuilder mappedOn, IEndpointConventionBuilder builder) in _mapped)
            {
                if (ReferenceEquals(mappedOn, endpoints))
                {
                    return builder;
                }
            }

            IEndpointConventionBuilder created = map(endpoints);
            _mapped.Add((endpoints, created));
            return created;
        }
    }
}
