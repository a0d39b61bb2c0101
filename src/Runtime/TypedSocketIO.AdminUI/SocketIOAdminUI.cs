using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.AdminUI.Internal;
using TypedSocketIO.Server;

namespace TypedSocketIO.AdminUI;

/// <summary>
/// Instruments a server for the official Socket.IO admin UI without dependency injection (the official
/// <c>instrument(io, options)</c>). With ASP.NET Core hosting, call <c>builder.Services.AddSocketIO().AddAdminUI(…)</c> instead.
/// </summary>
public static class SocketIOAdminUI
{
    /// <summary>
    /// Creates the admin namespace (<see cref="SocketIOAdminUIOptions.NamespaceName"/>) on <paramref name="server"/> with its
    /// authentication and commands, starts sending the server stats, and, in development mode, mirrors every socket's connection,
    /// rooms and events to the dashboards connected to it. Once per server.
    /// </summary>
    /// <param name="server">The server.</param>
    /// <param name="options">The options (copied).</param>
    /// <param name="loggerFactory">Logs logins refused and commands; none logs nothing.</param>
    /// <returns>Stops the instrumentation when disposed (the admin namespace stays, its dashboards see nothing more).</returns>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="SocketIOAdminUIOptions.Authentication"/> not set…).</exception>
    /// <exception cref="InvalidOperationException">The server is already instrumented.</exception>
    public static IDisposable Instrument(SocketIOServer server, SocketIOAdminUIOptions options, ILoggerFactory? loggerFactory = null) =>
        new AdminUIInstrumentation(server, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedSocketIO.AdminUI"));
}
