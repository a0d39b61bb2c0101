using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using TypedSocketIO.Server;

namespace TypedSocketIO.TestHost;

/// <summary>
/// A Socket.IO server from dependency injection, as <c>AddSocketIO()</c> registers it, with clients connected in memory: no
/// socket, no Kestrel, the real parser on both sides. Configure namespaces as <c>MapSocketIO</c> does, connect typed clients,
/// drive handler classes and <c>On</c> registrations, and assert emits, acknowledgements, rooms and broadcasts.
/// </summary>
/// <example>
/// <code>
/// await using var host = SocketIOTestHost.Create(services => services.AddSingleton&lt;ChatRooms&gt;());
/// host.Map&lt;IChatServer, IChatClient&gt;("/", ns => ns.UseHandler&lt;ChatHandler&gt;());
/// await using var ada = await host.ConnectAsync&lt;IChatClient, IChatServer&gt;();
/// JoinResult joined = await ada.Emit.Join(new JoinRequest("ada", "lobby"));
/// Assert.Contains("lobby", ada.Rooms);
/// </code>
/// </example>
public sealed class SocketIOTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<SocketIOTestClient> _clients = [];

    private SocketIOTestHost(ServiceProvider services)
    {
        _services = services;
        IO = services.GetRequiredService<SocketIOServer>();
    }

    /// <summary>The application's services, with the Socket.IO server.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The server (as resolved from DI by the application's code).</summary>
    public SocketIOServer IO { get; }

    /// <summary>Builds the services (<c>AddLogging</c>, <c>AddSocketIO</c>, then yours) and the server.</summary>
    /// <param name="configureServices">Registers the application's services (what handler classes need).</param>
    /// <param name="configureOptions">Sets the server's options.</param>
    /// <returns>The host; dispose it at the end of the test.</returns>
    public static SocketIOTestHost Create(Action<IServiceCollection>? configureServices = null, Action<SocketIOServerOptions>? configureOptions = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSocketIO(configureOptions ?? (static _ => { }));
        configureServices?.Invoke(services);
        return new SocketIOTestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
    }

    /// <summary>Configures a typed namespace, as <c>app.MapSocketIO&lt;TReceive, TSend&gt;(ns, configure)</c>.</summary>
    /// <typeparam name="TReceive">The contract of the events the server receives.</typeparam>
    /// <typeparam name="TSend">The contract of the events the server sends.</typeparam>
    /// <param name="ns">The namespace, e.g. <c>/</c>.</param>
    /// <param name="configure">Registers middleware, handlers, a handler class.</param>
    /// <returns>The namespace.</returns>
    public SocketIONamespace<TReceive, TSend> Map<TReceive, TSend>(string ns, Action<SocketIONamespace<TReceive, TSend>> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        SocketIONamespace<TReceive, TSend> typed = IO.Of<TReceive, TSend>(ns);
        configure(typed);
        return typed;
    }

    /// <summary>Configures an untyped namespace, as <c>app.MapSocketIO(ns, configure)</c>.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="configure">Registers middleware and handlers.</param>
    /// <returns>The namespace.</returns>
    public SocketIONamespace Map(string ns, Action<SocketIONamespace> configure) => IO.Of(ns, configure);

    /// <summary>Connects a typed client to a namespace over a new in-memory connection.</summary>
    /// <typeparam name="TReceive">The contract of the events the client receives.</typeparam>
    /// <typeparam name="TSend">The contract of the events the client sends.</typeparam>
    /// <param name="ns">The namespace; <c>/</c> by default.</param>
    /// <param name="configure">Sets the handshake (auth, query, headers, user) and the waits.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="SocketIOTestConnectException">The server refused it (<c>connect_error</c>).</exception>
    public async Task<SocketIOTestClient<TReceive, TSend>> ConnectAsync<TReceive, TSend>(string ns = "/", Action<SocketIOTestClientOptions>? configure = null)
    {
        var options = new SocketIOTestClientOptions();
        configure?.Invoke(options);
        var transport = new InMemoryTransport();
        var client = new SocketIOTestClient(this, transport, ns, options);
        await StartAsync(client, transport, options).ConfigureAwait(false);
        return new SocketIOTestClient<TReceive, TSend>(client);
    }

    /// <summary>Connects an untyped client to a namespace over a new in-memory connection.</summary>
    /// <param name="ns">The namespace; <c>/</c> by default.</param>
    /// <param name="configure">Sets the handshake and the waits.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="SocketIOTestConnectException">The server refused it (<c>connect_error</c>).</exception>
    public async Task<SocketIOTestClient> ConnectAsync(string ns = "/", Action<SocketIOTestClientOptions>? configure = null)
    {
        var options = new SocketIOTestClientOptions();
        configure?.Invoke(options);
        var transport = new InMemoryTransport();
        var client = new SocketIOTestClient(this, transport, ns, options);
        await StartAsync(client, transport, options).ConfigureAwait(false);
        return client;
    }

    /// <summary>Disconnects every client still connected and disposes the server and the services.</summary>
    /// <returns>A task that completes once done.</returns>
    public async ValueTask DisposeAsync()
    {
        SocketIOTestClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
            _clients.Clear();
        }

        foreach (SocketIOTestClient client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StartAsync(SocketIOTestClient client, InMemoryTransport transport, SocketIOTestClientOptions options)
    {
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal) { ["EIO"] = "4", ["transport"] = "websocket" };
        foreach (KeyValuePair<string, string> pair in options.Query)
        {
            query[pair.Key] = pair.Value;
        }

        var headers = new HeaderDictionary { ["Host"] = "localhost" };
        foreach (KeyValuePair<string, string> header in options.Headers)
        {
            headers[header.Key] = header.Value;
        }

        string url = IO.Options.Path + QueryString.Create(query.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()))).ToString();
        var info = new SocketIOConnectionInfo(
            headers, new QueryCollection(query), url, options.RemoteAddress, DateTimeOffset.UtcNow, isSecure: false, options.User);
        transport.Start(IO.CreateClient(transport, info));
        lock (_clients)
        {
            _clients.Add(client);
        }

        await client.ConnectAsync().ConfigureAwait(false);
    }
}
