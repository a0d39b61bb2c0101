using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TypedSocketIO.AdminUI;
using TypedSocketIO.AdminUI.Internal;
using TypedSocketIO.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the official Socket.IO admin UI to a server registered with <c>AddSocketIO</c>.</summary>
public static class SocketIOAdminUIServerBuilderExtensions
{
    /// <summary>
    /// Instruments the Socket.IO server for the official admin UI (<c>@socket.io/admin-ui</c>, the dashboard of admin.socket.io) when
    /// the host starts, and stops when it stops: <c>builder.Services.AddSocketIO().AddAdminUI(o =&gt; o.Authentication =
    /// SocketIOAdminUIAuthentication.Basic("admin", "$2b$10$…"))</c>. The options are validated at startup.
    /// </summary>
    /// <param name="builder">The builder <c>AddSocketIO</c> returned.</param>
    /// <param name="configure">Sets the options; <see cref="SocketIOAdminUIOptions.Authentication"/> is required.</param>
    /// <returns>The builder.</returns>
    public static ISocketIOServerBuilder AddAdminUI(this ISocketIOServerBuilder builder, Action<SocketIOAdminUIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIOAdminUIOptions>, SocketIOAdminUIOptionsValidator>());
        builder.Services.AddOptions<SocketIOAdminUIOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketIOAdminUIHostedService>());
        return builder;
    }
}
