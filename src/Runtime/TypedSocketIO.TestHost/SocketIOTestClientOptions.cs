using System.Net;
using System.Security.Claims;
using System.Text.Json;

namespace TypedSocketIO.TestHost;

/// <summary>How a <see cref="SocketIOTestClient"/> connects: what its handshake carries, and how long it waits.</summary>
public sealed class SocketIOTestClientOptions
{
    /// <summary>The default of <see cref="WaitTimeout"/> and <see cref="AckTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The CONNECT packet's payload (the JS client's <c>auth</c>), a JSON object; none by default.</summary>
    public JsonElement? Auth { get; set; }

    /// <summary>The handshake's query string parameters (besides <c>EIO</c> and <c>transport</c>).</summary>
    public IDictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The handshake request's headers.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The authenticated user of the handshake (<c>socket.Handshake.User</c>); anonymous by default.</summary>
    public ClaimsPrincipal User { get; set; } = new(new ClaimsIdentity());

    /// <summary>The handshake's remote address; loopback by default.</summary>
    public IPAddress RemoteAddress { get; set; } = IPAddress.Loopback;

    /// <summary>How long connecting and <see cref="SocketIOTestClient.WaitForEventAsync"/> wait. Defaults to 10 seconds.</summary>
    public TimeSpan WaitTimeout { get; set; } = DefaultTimeout;

    /// <summary>How long an emit with acknowledgement waits for the server's answer. Defaults to 10 seconds.</summary>
    public TimeSpan AckTimeout { get; set; } = DefaultTimeout;
}
