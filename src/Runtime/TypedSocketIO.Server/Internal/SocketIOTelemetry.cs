using System.Diagnostics;

namespace TypedSocketIO.Server;

/// <summary>
/// The server's traces (<see cref="ActivitySource"/> <c>TypedSocketIO.Server</c>): one span per namespace CONNECT and one per
/// event handled, named and tagged after OpenTelemetry's messaging conventions. Nothing is allocated without a listener.
/// </summary>
internal static class SocketIOTelemetry
{
    public static readonly ActivitySource Source = new(SocketIOServer.ActivitySourceName,
        typeof(SocketIOTelemetry).Assembly.GetName().Version?.ToString());

    public static Activity? StartConnect(string ns)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity("socketio.connect", ActivityKind.Server);
        if (activity is not null)
        {
            activity.DisplayName = "connect " + ns;
            activity.SetTag("messaging.system", "socket.io");
            activity.SetTag("messaging.destination.name", ns);
        }

        return activity;
    }

    public static Activity? StartEvent(string ns, string eventName, string socketId, bool ackRequested)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity("socketio.event", ActivityKind.Consumer);
        if (activity is not null)
        {
            activity.DisplayName = "process " + eventName;
            activity.SetTag("messaging.system", "socket.io");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", eventName);
            activity.SetTag("messaging.destination.name", ns);
            activity.SetTag("socketio.socket.id", socketId);
            activity.SetTag("socketio.ack_requested", ackRequested);
        }

        return activity;
    }

    /// <summary>
    /// Starts the span of a server-to-client acknowledgement (from the emit to the answer, the timeout or the disconnection) without
    /// making it current: what the emitter does next is not part of the wait. <see langword="null"/> without a listener.
    /// </summary>
    public static Activity? StartAck(string ns, string eventName, string socketId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? previous = Activity.Current;
        Activity? activity = Source.StartActivity("socketio.ack", ActivityKind.Client);
        if (activity is not null)
        {
            activity.DisplayName = "ack " + eventName;
            activity.SetTag("messaging.system", "socket.io");
            activity.SetTag("messaging.operation.type", "receive");
            activity.SetTag("messaging.operation.name", eventName);
            activity.SetTag("messaging.destination.name", ns);
            activity.SetTag("socketio.socket.id", socketId);
            Activity.Current = previous;
        }

        return activity;
    }

    /// <summary>Ends a span started on another flow, leaving the current thread's <see cref="Activity.Current"/> as it was.</summary>
    public static void Stop(Activity? activity)
    {
        if (activity is null || activity.IsStopped)
        {
            return;
        }

        Activity? current = Activity.Current;
        activity.Stop();
        Activity.Current = current;
    }

    /// <summary>Marks the span of the current connect or event failed (only ours: an application's own span is left alone).</summary>
    public static void Fail(Activity? activity, string description)
    {
        if (activity is not null && activity.Source == Source)
        {
            activity.SetStatus(ActivityStatusCode.Error, description);
        }
    }
}
