namespace TypedSocketIO.Client.EngineIO;

/// <summary>
/// An Engine.IO connection could not be opened or failed: an HTTP request was answered with an error
/// status, a WebSocket handshake was refused, or the server's handshake was not valid Engine.IO v4.
/// </summary>
public sealed class EngineIOClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineIOClientException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public EngineIOClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public EngineIOClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an HTTP answer with an error status.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no answer arrived.</param>
    /// <param name="responseBody">The beginning of the response body (at most 4 096 characters), or <see langword="null"/>.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public EngineIOClientException(string message, int? statusCode, string? responseBody, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status code of the failed request or WebSocket handshake, when the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary>The beginning of the response body (at most 4 096 characters), when the server sent one.</summary>
    public string? ResponseBody { get; }
}
