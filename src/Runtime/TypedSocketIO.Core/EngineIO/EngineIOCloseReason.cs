namespace TypedSocketIO.EngineIO;

/// <summary>Why an Engine.IO session closed, with the reason strings of the official server.</summary>
/// <param name="Reason">The official reason string, for example <c>ping timeout</c>.</param>
/// <param name="Description">A human-readable detail (which limit was crossed, what was malformed), or <see langword="null"/>.</param>
public readonly record struct EngineIOCloseReason(string Reason, string? Description = null)
{
    /// <summary><c>transport close</c>: the client closed the connection or sent a close packet.</summary>
    public static EngineIOCloseReason TransportClose => new("transport close");

    /// <summary><c>transport error</c>: the underlying connection failed.</summary>
    public static EngineIOCloseReason TransportError => new("transport error");

    /// <summary><c>ping timeout</c>: no pong arrived within <c>pingTimeout</c> of a ping.</summary>
    public static EngineIOCloseReason PingTimeout => new("ping timeout");

    /// <summary><c>parse error</c>: the client sent something that is not valid Engine.IO.</summary>
    public static EngineIOCloseReason ParseError => new("parse error");

    /// <summary><c>forced close</c>: the server closed the session on purpose.</summary>
    public static EngineIOCloseReason ForcedClose => new("forced close");

    /// <summary>
    /// <c>outgoing buffer overflow</c>: more than the server's outgoing buffer bound (<c>EngineIOOptions.MaxOutgoingBufferSize</c>)
    /// was waiting to be sent to the client, which does not read fast enough. Not one of the official server's reasons (it has no
    /// such bound); it never goes on the wire: the client sees its connection closed.
    /// </summary>
    public static EngineIOCloseReason OutgoingBufferOverflow => new("outgoing buffer overflow");

    /// <summary><c>server shutting down</c>: the host is stopping.</summary>
    public static EngineIOCloseReason ServerShuttingDown => new("server shutting down");

    /// <summary>Returns the reason string.</summary>
    /// <returns>The official reason string.</returns>
    public override string ToString() => Description is null ? Reason : $"{Reason} ({Description})";
}
