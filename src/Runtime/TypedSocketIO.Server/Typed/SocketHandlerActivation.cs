using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Server.Internal;

namespace TypedSocketIO.Server;

/// <summary>Creates, binds and disposes the handler class instance of one socket.</summary>
internal static class SocketHandlerActivation<TReceive, TSend, [DynamicallyAccessedMembers(HandlerMembers.Required)] THandler>
    where THandler : class, TReceive
{
    public static ValueTask ActivateAsync(SocketIOSocket socket, IServiceScopeFactory scopes, SocketIOHandlerBinder<TReceive> bind, EventAuthorization? events)
    {
        SocketIOSocket<TReceive, TSend> typed = SocketIOSocket<TReceive, TSend>.For(socket);
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        THandler handler;
        try
        {
            handler = ActivatorUtilities.CreateInstance<THandler>(scope.ServiceProvider);
        }
        catch
        {
            _ = scope.DisposeAsync().AsTask();
            throw;
        }

        var baseHandler = handler as SocketHandler<TSend>;
        baseHandler?.Attach(typed);

        // Bound synchronously, before the connection handler returns, so that no event of the socket arrives unbound.
        bind(events is null ? typed : events.Wrap(typed, socket), () => handler);
        socket.Disconnected += (disconnected, reason) => _ = DeactivateAsync(disconnected, handler, baseHandler, scope, reason);
        return baseHandler?.OnConnectedAsync() ?? ValueTask.CompletedTask;
    }

    private static async Task DeactivateAsync(SocketIOSocket socket, THandler handler, SocketHandler<TSend>? baseHandler, AsyncServiceScope scope, string reason)
    {
        try
        {
            if (baseHandler is not null)
            {
                await baseHandler.OnDisconnectedAsync(reason).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            SocketIOServerLog.HandlerFailed(socket.Server.Logger, socket.Namespace.Name, "disconnect", ex);
        }

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
        catch (Exception ex)
        {
            SocketIOServerLog.HandlerFailed(socket.Server.Logger, socket.Namespace.Name, "disconnect", ex);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
