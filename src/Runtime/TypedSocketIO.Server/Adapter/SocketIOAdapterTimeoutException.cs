using System.Text.Json;

namespace TypedSocketIO.Server;

/// <summary>
/// A request to the other servers of a cluster (fetch sockets, all rooms, a server-side emit with acknowledgements) did not
/// get every answer within the adapter's requests timeout. The answers that did arrive are in <see cref="Responses"/>.
/// </summary>
public sealed class SocketIOAdapterTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SocketIOAdapterTimeoutException()
        : this("A request to the other servers timed out.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SocketIOAdapterTimeoutException(string message)
        : base(message)
    {
        Request = string.Empty;
        Responses = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOAdapterTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = string.Empty;
        Responses = [];
    }

    /// <summary>Creates the exception of a request that timed out.</summary>
    /// <param name="request">The request (<c>fetchSockets</c>, <c>allRooms</c>, <c>serverSideEmit</c>).</param>
    /// <param name="timeout">The requests timeout.</param>
    /// <param name="received">How many servers answered.</param>
    /// <param name="expected">How many servers were asked.</param>
    /// <param name="responses">For a server-side emit, the answers received.</param>
    public SocketIOAdapterTimeoutException(string request, TimeSpan timeout, int received, int expected, IReadOnlyList<JsonElement>? responses = null)
        : base($"timeout reached while waiting for {request} response: {received} of {expected} server(s) answered within {timeout.TotalMilliseconds} ms (the adapter's RequestsTimeout).")
    {
        Request = request;
        Timeout = timeout;
        Responses = responses ?? [];
    }

    /// <summary>The request that timed out.</summary>
    public string Request { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>For a server-side emit with acknowledgements, the answers received before the timeout; otherwise empty.</summary>
    public IReadOnlyList<JsonElement> Responses { get; }
}
