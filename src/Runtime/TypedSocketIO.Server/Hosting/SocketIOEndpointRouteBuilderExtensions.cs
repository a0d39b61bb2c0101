using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Engine.IO endpoint of the Socket.IO server at <see cref="SocketIOServerOptions.Path"/> (default <c>/socket.io/</c>).
    /// Mapping twice on one route builder returns the first endpoint. Requires <c>services.AddSocketIO()</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>A builder to add conventions (CORS with <c>RequireCors</c>, authorization) to the endpoint.</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        SocketIOServer server = GetServer(endpoints);
        return endpoints.ServiceProvider.GetRequiredService<SocketIOMarkerService>().GetOrMap(endpoints, e =>
        {
            // When the host stops, the sockets learn "server shutting down" and pending acknowledgements fail (awaited) before the
            // Engine.IO sessions close; the Engine.IO server is owned by the container (AddSocketIO calls AddEngineIO).
            IEndpointConventionBuilder builder = EngineIOEndpointRouteBuilderExtensions.MapEngineIO(
                e, server.Options.Path, server.CreateEngineIOHandler(), server.Options.EngineIO, out TypedSocketIO.EngineIO.EngineIOServer engine,
                server.ShutdownAsync);
            server.AddEngine(engine);
            return builder;
        });
    }

    /// <summary>
    /// Configures a namespace (middleware, connection handlers) and maps the Socket.IO endpoint if it is not mapped yet.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">The namespace, e.g. <c>/</c> or <c>/chat</c>.</param>
    /// <param name="configure">Configures the namespace.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string ns, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(configure);
        GetServer(endpoints).Of(ns, configure);
        return endpoints.MapSocketIO();
    }

    /// <summary>
    /// Configures a namespace through its two contracts (<c>app.MapSocketIO&lt;IChatServer, IChatClient&gt;("/", ns => …)</c>) and maps the
    /// Socket.IO endpoint if it is not mapped yet.
    /// </summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">The namespace, e.g. <c>/</c> or <c>/chat</c>.</param>
    /// <param name="configure">Configures the namespace: <c>ns.OnConnection(socket => socket.On.Method(…))</c> or <c>ns.UseHandler&lt;THandler&gt;()</c>.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO<TReceive, TSend>(
        this IEndpointRouteBuilder endpoints, string ns, Action<SocketIONamespace<TReceive, TSend>> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceProvider services = endpoints.ServiceProvider;
        return endpoints.MapSocketIO(ns, untyped => configure(new SocketIONamespace<TReceive, TSend>(untyped, services)));
    }

    /// <summary>
    /// Configures a dynamic namespace (every namespace whose name matches <paramref name="ns"/>, created as a child when a client
    /// connects to it; see <see cref="SocketIOServer.Of(Regex)"/>) and maps the Socket.IO endpoint if it is not mapped yet.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">The pattern of the namespace names, e.g. <c>^/team-\d+$</c>.</param>
    /// <param name="configure">Configures the parent namespace: its middleware and connection handlers go to every child.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, Regex ns, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(configure);
        GetServer(endpoints).Of(ns, configure);
        return endpoints.MapSocketIO();
    }

    /// <summary>
    /// Configures a dynamic namespace chosen by a matcher (see <see cref="SocketIOServer.Of(SocketIONamespaceMatcher)"/>) and maps the
    /// Socket.IO endpoint if it is not mapped yet.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">Says whether a namespace a client asks for is created as a child.</param>
    /// <param name="configure">Configures the parent namespace: its middleware and connection handlers go to every child.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, SocketIONamespaceMatcher ns, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(configure);
        GetServer(endpoints).Of(ns, configure);
        return endpoints.MapSocketIO();
    }

    /// <summary>
    /// Configures a dynamic namespace through its two contracts (<c>app.MapSocketIO&lt;ITeamServer, ITeamClient&gt;(new Regex(@"^/team-\d+$"), ns => …)</c>)
    /// and maps the Socket.IO endpoint if it is not mapped yet.
    /// </summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">The pattern of the namespace names.</param>
    /// <param name="configure">Configures the parent namespace: its middleware, connection handlers and handler class go to every child.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO<TReceive, TSend>(
        this IEndpointRouteBuilder endpoints, Regex ns, Action<SocketIONamespace<TReceive, TSend>> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceProvider services = endpoints.ServiceProvider;
        return endpoints.MapSocketIO(ns, untyped => configure(new SocketIONamespace<TReceive, TSend>(untyped, services)));
    }

    /// <summary>Configures a dynamic namespace chosen by a matcher through its two contracts, and maps the Socket.IO endpoint if needed.</summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="ns">Says whether a namespace a client asks for is created as a child.</param>
    /// <param name="configure">Configures the parent namespace: its middleware, connection handlers and handler class go to every child.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapSocketIO<TReceive, TSend>(
        this IEndpointRouteBuilder endpoints, SocketIONamespaceMatcher ns, Action<SocketIONamespace<TReceive, TSend>> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceProvider services = endpoints.ServiceProvider;
        return endpoints.MapSocketIO(ns, untyped => configure(new SocketIONamespace<TReceive, TSend>(untyped, services)));
    }

    private static SocketIOServer GetServer(IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<SocketIOMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the Socket.IO services. Call 'builder.Services.AddSocketIO()' before building the application, then 'app.MapSocketIO(...)'.");
        }

        return endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
    }
}
