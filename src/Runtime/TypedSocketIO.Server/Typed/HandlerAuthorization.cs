using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSocketIO.Server;

/// <summary>
/// <c>[Authorize]</c> on a handler class: the namespace refuses a socket whose handshake user does not satisfy the combined
/// policy, before the handler exists, with a <c>connect_error</c> that says why (as SignalR authorizes a hub before it runs).
/// </summary>
internal static class HandlerAuthorization
{
    /// <summary>The <c>[Authorize]</c> attributes of a handler class (none when it also carries <c>[AllowAnonymous]</c>).</summary>
    public static IAuthorizeData[] Read(Type handlerType)
    {
        object[] attributes = handlerType.GetCustomAttributes(inherit: true);
        var data = new List<IAuthorizeData>();
        foreach (object attribute in attributes)
        {
            if (attribute is IAllowAnonymous)
            {
                return [];
            }

            if (attribute is IAuthorizeData authorize)
            {
                data.Add(authorize);
            }
        }

        return [.. data];
    }

    /// <summary>The middleware that checks the handshake user against the policy the attributes name.</summary>
    public static SocketIOMiddleware CreateMiddleware(IServiceProvider services, IAuthorizeData[] authorizeData, string handlerName)
    {
        IAuthorizationPolicyProvider policies = services.GetService<IAuthorizationPolicyProvider>() ?? throw MissingAuthorization(handlerName);
        IAuthorizationService authorization = services.GetService<IAuthorizationService>() ?? throw MissingAuthorization(handlerName);
        AuthorizationPolicy? policy = null;
        return async (socket, cancellationToken) =>
        {
            // Combined once (the policy provider may be asynchronous), on the first connection.
            policy ??= await AuthorizationPolicy.CombineAsync(policies, authorizeData).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The [Authorize] attributes of {handlerName} name no policy.");
            ClaimsPrincipal user = socket.Handshake.User;
            AuthorizationResult result = await authorization.AuthorizeAsync(user, socket, policy).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            bool authenticated = user.Identity?.IsAuthenticated == true;
            string message = authenticated
                ? $"Forbidden: the user is not allowed by the authorization policy of {socket.Namespace.Name}."
                : $"Unauthorized: {socket.Namespace.Name} requires an authenticated user, and the connection's handshake request had none.";
            using JsonDocument data = JsonDocument.Parse(authenticated ? "{\"status\":403}" : "{\"status\":401}");
            throw new SocketIOConnectionRejectedException(message, data.RootElement.Clone());
        };
    }

    private static InvalidOperationException MissingAuthorization(string handlerName) => new(
        $"{handlerName} carries [Authorize], which needs the authorization services: call services.AddAuthorization() (and an authentication scheme).");
}
