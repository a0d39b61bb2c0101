namespace TypedSocketIO.EngineIO;

/// <summary>Thrown when bytes received from a peer are not valid Engine.IO v4.</summary>
public sealed class EngineIOProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineIOProtocolException()
    {
    }

    /// <summary>Creates the exception with a message that says what was malformed.</summary>
    /// <param name="message">What was malformed.</param>
    public EngineIOProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What was malformed.</param>
    /// <param name="innerException">The cause.</param>
    public EngineIOProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
