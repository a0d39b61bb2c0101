using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server.Internal;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Creates the handler class instances of one socket, as SignalR creates a hub per invocation: each event gets its own dependency
/// injection scope and its own instance, both disposed once the event's handler has completed; <c>OnConnectedAsync</c> and
/// <c>OnDisconnectedAsync</c> each get theirs too (only when the class overrides them). Per-socket state goes in
/// <see cref="SocketHandler{TSend}.Items"/>.
/// </summary>
internal static class SocketHandlerActivation<TReceive, TSend, [DynamicallyAccessedMembers(HandlerMembers.Required)] THandler>
    where THandler : class, TReceive
{
    private static readonly bool OverridesConnected = Overrides(nameof(SocketHandler<TSend>.OnConnectedAsync));
    private static readonly bool OverridesDisconnected = Overrides(nameof(SocketHandler<TSend>.OnDisconnectedAsync));

    // The instance of the event being dispatched on this thread: the generated dispatcher asks for it (resolveHandler) synchronously,
    // before its first await, while the listener below is on the stack. Per thread and per call: nothing outlives the dispatch.
    [ThreadStatic]
    private static THandler? t_current;

    /// <summary>
    /// Builds, once per registration, what creates the instances (an instance per event must be cheap: the constructor is looked up
    /// here, and a class dependency injection cannot build fails here, when the handler is registered).
    /// </summary>
    /// <returns>The connection handler of the namespace.</returns>
    public static Func<SocketIOSocket, ValueTask> Create(IServiceScopeFactory scopes, SocketIOHandlerBinder<TReceive> bind, EventAuthorization? events)
    {
        ObjectFactory<THandler> factory = ActivatorUtilities.CreateFactory<THandler>(Type.EmptyTypes);
        var context = new Activation(scopes, factory);
        return socket => ActivateAsync(socket, context, bind, events);
    }

    private static ValueTask ActivateAsync(SocketIOSocket socket, Activation activation, SocketIOHandlerBinder<TReceive> bind, EventAuthorization? events)
    {
        SocketIOSocket<TReceive, TSend> typed = SocketIOSocket<TReceive, TSend>.For(socket);
        ISocketIOListenerTarget<TReceive> inner = events is null ? typed : events.Wrap(typed, socket);

        // Bound synchronously, before the connection handler returns, so that no event of the socket arrives unbound.
        bind(new ScopedTarget(inner, typed, activation), static () => t_current ?? throw new InvalidOperationException(
            $"A handler of {typeof(THandler).Name} was asked for outside the dispatch of an event."));
        if (OverridesDisconnected)
        {
            socket.Disconnected += (disconnected, reason) => _ = DisconnectedAsync(typed, activation, reason);
        }

        return OverridesConnected ? ConnectedAsync(typed, activation) : ValueTask.CompletedTask;
    }

    private static bool Overrides(string name)
    {
        MethodInfo? method = typeof(THandler).GetMethod(name, BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes)
            ?? typeof(THandler).GetMethod(name, BindingFlags.Instance | BindingFlags.Public, [typeof(string)]);
        return method is not null && method.DeclaringType != typeof(SocketHandler<TSend>);
    }

    private static THandler Create(Activation activation, AsyncServiceScope scope, SocketIOSocket<TReceive, TSend> socket)
    {
        THandler handler = activation.Factory(scope.ServiceProvider, null);
        (handler as SocketHandler<TSend>)?.Attach(socket);
        return handler;
    }

    private static async ValueTask ConnectedAsync(SocketIOSocket<TReceive, TSend> socket, Activation activation)
    {
        AsyncServiceScope scope = activation.Scopes.CreateAsyncScope();
        THandler? handler = null;
        try
        {
            handler = Create(activation, scope, socket);
            if (handler is SocketHandler<TSend> withCallbacks)
            {
                await withCallbacks.OnConnectedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseAsync(handler, scope).ConfigureAwait(false);
        }
    }

    private static async Task DisconnectedAsync(SocketIOSocket<TReceive, TSend> socket, Activation activation, string reason)
    {
        try
        {
            AsyncServiceScope scope = activation.Scopes.CreateAsyncScope();
            THandler? handler = null;
            try
            {
                handler = Create(activation, scope, socket);
                if (handler is SocketHandler<TSend> withCallbacks)
                {
                    await withCallbacks.OnDisconnectedAsync(reason).ConfigureAwait(false);
                }
            }
            finally
            {
                await ReleaseAsync(handler, scope).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            SocketIOServerLog.HandlerFailed(socket.Untyped.Server.Logger, socket.Untyped.Namespace.Name, "disconnect", ex);
        }
    }

    /// <summary>Runs one event on a new instance in a new scope; both are disposed once the event's handler completed.</summary>
    private static ValueTask RunAsync(SocketIOEventListener listener, SocketIOSocket<TReceive, TSend> socket, Activation activation, SocketIOArguments arguments, SocketIOAck ack)
    {
        AsyncServiceScope scope = activation.Scopes.CreateAsyncScope();
        THandler? handler = null;
        ValueTask running;
        try
        {
            handler = Create(activation, scope, socket);
            THandler? outer = t_current;
            t_current = handler;
            try
            {
                running = listener(arguments, ack);
            }
            finally
            {
                t_current = outer;
            }
        }
        catch (Exception ex)
        {
            return ReleaseThenThrowAsync(handler, scope, ex);
        }

        return running.IsCompletedSuccessfully ? ReleaseAsync(handler, scope) : AwaitThenReleaseAsync(running, handler, scope);
    }

    private static async ValueTask AwaitThenReleaseAsync(ValueTask running, THandler handler, AsyncServiceScope scope)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync(handler, scope).ConfigureAwait(false);
        }
    }

    private static async ValueTask ReleaseThenThrowAsync(THandler? handler, AsyncServiceScope scope, Exception exception)
    {
        await ReleaseAsync(handler, scope).ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
    }

    /// <summary>Disposes the instance (it was built by <see cref="ActivatorUtilities"/>' factory, so the scope does not own it), then the scope.</summary>
    private static async ValueTask ReleaseAsync(THandler? handler, AsyncServiceScope scope)
    {
        try
        {
            if (handler is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (handler is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Puts a fresh instance and scope around every listener the generated dispatcher registers.</summary>
    private sealed class ScopedTarget(ISocketIOListenerTarget<TReceive> inner, SocketIOSocket<TReceive, TSend> socket, Activation activation)
        : ISocketIOListenerTarget<TReceive>
    {
        public void Listen(string eventName, SocketIOEventListener listener) =>
            inner.Listen(eventName, (arguments, ack) => RunAsync(listener, socket, activation, arguments, ack));
    }

    /// <summary>Where a handler's activation and instances come from.</summary>
    private sealed record Activation(IServiceScopeFactory Scopes, ObjectFactory<THandler> Factory);
}
