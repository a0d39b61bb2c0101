using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server.Internal;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// <c>[Authorize]</c> on the methods of a handler class: each event whose method carries it is checked against the handshake user
/// (with <see cref="IAuthorizationService"/>, the policy combined from the attributes) before the method runs. A refused event is not
/// run; its acknowledgement, when the client asked for one, is answered with <c>{"message":"Forbidden: …","data":{"status":403}}</c>
/// (or <c>Unauthorized: …</c> / 401 for an anonymous user), the shape of a refused connection's <c>connect_error</c>; the socket stays
/// connected (a refusal is an answer, not a protocol error). <c>[AllowAnonymous]</c> on the class or the method turns the method's check off.
/// </summary>
internal sealed class EventAuthorization
{
    private readonly Dictionary<string, EventPolicy> _events;
    private readonly IAuthorizationService _authorization;

    private EventAuthorization(Dictionary<string, EventPolicy> events, IAuthorizationService authorization)
    {
        _events = events;
        _authorization = authorization;
    }

    /// <summary>The events of <paramref name="handlerType"/> whose methods carry <c>[Authorize]</c>; <see langword="null"/> when none does.</summary>
    /// <exception cref="InvalidOperationException">The authorization services are missing, or a method cannot be mapped to its event.</exception>
    public static EventAuthorization? Create(
        IServiceProvider services,
        [DynamicallyAccessedMembers(HandlerMembers.Required)] Type handlerType,
        Type contractType)
    {
        if (HasAllowAnonymous(handlerType.GetCustomAttributes(inherit: true)))
        {
            return null;
        }

        bool any = false;
        foreach (MethodInfo method in handlerType.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttributes(inherit: true).Any(static a => a is IAuthorizeData))
            {
                any = true;
                break;
            }
        }

        if (!any)
        {
            return null;
        }

        IAuthorizationPolicyProvider policies = services.GetService<IAuthorizationPolicyProvider>() ?? throw MissingAuthorization(handlerType.Name);
        IAuthorizationService authorization = services.GetService<IAuthorizationService>() ?? throw MissingAuthorization(handlerType.Name);
        var events = new Dictionary<string, EventPolicy>(StringComparer.Ordinal);
        foreach (Type contract in handlerType.GetInterfaces())
        {
            if (!contract.IsAssignableFrom(contractType))
            {
                continue; // an interface of the handler that is not (a base of) the contract
            }

            InterfaceMapping map = GetInterfaceMap(handlerType, contract);
            for (int i = 0; i < map.InterfaceMethods.Length; i++)
            {
                MethodInfo implementation = map.TargetMethods[i] ?? throw new InvalidOperationException(
                    $"The method of {handlerType.Name} that handles {contract.Name}.{map.InterfaceMethods[i].Name} could not be found by reflection, so its [Authorize] cannot be read.");
                object[] attributes = implementation.GetCustomAttributes(inherit: true);
                if (HasAllowAnonymous(attributes))
                {
                    continue;
                }

                IAuthorizeData[] data = [.. attributes.OfType<IAuthorizeData>()];
                if (data.Length != 0)
                {
                    string eventName = EventName(map.InterfaceMethods[i]);
                    events[eventName] = new EventPolicy(eventName, handlerType.Name + "." + map.InterfaceMethods[i].Name, data, policies);
                }
            }
        }

        return events.Count == 0 ? null : new EventAuthorization(events, authorization);
    }

    /// <summary>Checks that every protected event is one the generated dispatcher binds (a wire name computed here that differs fails loudly).</summary>
    public void Verify(IReadOnlyCollection<string> boundEvents, string handlerName)
    {
        foreach (string eventName in _events.Keys)
        {
            if (!boundEvents.Contains(eventName))
            {
                throw new InvalidOperationException(
                    $"{handlerName} has [Authorize] on the method of event \"{eventName}\", but the contract's dispatcher binds no such event: " +
                    "the authorization of that method could not be attached.");
            }
        }
    }

    /// <summary>Wraps <paramref name="target"/> so that the listeners of protected events check the user first.</summary>
    public ISocketIOListenerTarget<TContract> Wrap<TContract>(ISocketIOListenerTarget<TContract> target, SocketIOSocket socket) =>
        new AuthorizingTarget<TContract>(this, target, socket);

    private static InvalidOperationException MissingAuthorization(string handlerName) => new(
        $"{handlerName} carries [Authorize], which needs the authorization services: call services.AddAuthorization() (and an authentication scheme).");

    private static bool HasAllowAnonymous(object[] attributes)
    {
        foreach (object attribute in attributes)
        {
            if (attribute is IAllowAnonymous)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The wire name as the generator computes it: <c>[Event("…")]</c>, else the method name in camelCase (System.Text.Json's rule).</summary>
    private static string EventName(MethodInfo contractMethod) =>
        contractMethod.GetCustomAttribute<EventAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(contractMethod.Name);

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification =
        "The handler type keeps its methods and interfaces (HandlerMembers.Required); the contract's methods are called by the generated " +
        "dispatcher. A method reflection cannot see makes Create throw, so an [Authorize] is never silently skipped.")]
    private static InterfaceMapping GetInterfaceMap([DynamicallyAccessedMembers(HandlerMembers.Required)] Type handlerType, Type contract) =>
        handlerType.GetInterfaceMap(contract);

    private async ValueTask AuthorizeThenRunAsync(EventPolicy entry, SocketIOSocket socket, SocketIOArguments arguments, SocketIOAck ack, SocketIOEventListener listener)
    {
        AuthorizationPolicy policy = entry.Policy ?? await entry.CombineAsync().ConfigureAwait(false);
        ClaimsPrincipal user = socket.Handshake.User;
        AuthorizationResult result = await _authorization.AuthorizeAsync(user, new SocketIOEventAuthorizationContext(socket, entry.EventName), policy).ConfigureAwait(false);
        if (result.Succeeded)
        {
            await listener(arguments, ack).ConfigureAwait(false);
            return;
        }

        bool authenticated = user.Identity?.IsAuthenticated == true;
        string message = authenticated
            ? $"Forbidden: the user is not allowed by the authorization policy of event \"{entry.EventName}\" of {socket.Namespace.Name}."
            : $"Unauthorized: event \"{entry.EventName}\" of {socket.Namespace.Name} requires an authenticated user, and the connection's handshake request had none.";
        int status = authenticated ? 403 : 401;
        SocketIOTelemetry.Fail(System.Diagnostics.Activity.Current, message);
        SocketIOServerLog.EventRefused(socket.Server.Logger, socket.Namespace.Name, entry.EventName, status);
        socket.Server.CountError(authenticated ? SocketIOErrorReasons.Forbidden : SocketIOErrorReasons.Unauthorized, socket.Namespace.Name);
        if (ack.IsRequested)
        {
            ack.Send((message, status), static (writer, state) => writer.WriteRawJson(RefusalJson(state.message, state.status)));
        }
    }

    private static byte[] RefusalJson(string message, int status)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(message.Length + 32);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("message"u8, message);
            json.WriteStartObject("data"u8);
            json.WriteNumber("status"u8, status);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The policy of one event, combined once (the policy provider may be asynchronous) on its first use.</summary>
    private sealed class EventPolicy(string eventName, string methodName, IAuthorizeData[] data, IAuthorizationPolicyProvider policies)
    {
        public string EventName { get; } = eventName;

        public AuthorizationPolicy? Policy { get; private set; }

        public async ValueTask<AuthorizationPolicy> CombineAsync() =>
            Policy = await AuthorizationPolicy.CombineAsync(policies, data).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The [Authorize] attributes of {methodName} name no policy.");
    }

    private sealed class AuthorizingTarget<TContract>(EventAuthorization owner, ISocketIOListenerTarget<TContract> inner, SocketIOSocket socket)
        : ISocketIOListenerTarget<TContract>
    {
        public void Listen(string eventName, SocketIOEventListener listener)
        {
            if (owner._events.TryGetValue(eventName, out EventPolicy? entry))
            {
                inner.Listen(eventName, (arguments, ack) => owner.AuthorizeThenRunAsync(entry, socket, arguments, ack, listener));
            }
            else
            {
                inner.Listen(eventName, listener);
            }
        }
    }
}

/// <summary>The members of a handler class that dependency injection and <c>[Authorize]</c> on its methods need kept.</summary>
internal static class HandlerMembers
{
    public const DynamicallyAccessedMemberTypes Required = DynamicallyAccessedMemberTypes.PublicConstructors
        | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.Interfaces;
}
