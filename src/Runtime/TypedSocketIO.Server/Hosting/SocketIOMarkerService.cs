namespace TypedSocketIO.Server;

/// <summary>Registered by <c>AddSocketIO</c>; <c>MapSocketIO</c> looks for it to tell a missing registration apart.</summary>
internal sealed class SocketIOMarkerService;
