using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>
/// A Kestrel connection middleware in front of the HTTP server: it peeks at the first request of each connection without
/// consuming it. A WebSocket handshake to an Engine.IO endpoint is served here, on the connection's pipes (the lean
/// transport); anything else (polling, other endpoints, HTTPS or HTTP/2 bytes, an unusual head) goes on to Kestrel's HTTP
/// pipeline untouched, and the connection is never looked at again.
/// </summary>
internal sealed class KestrelWebSocketMiddleware
{
    /// <summary>The longest request head the lean path reads; a longer one goes to Kestrel (whose own limit is 32 KiB).</summary>
    internal const int MaxHeadLength = 8 * 1024;

    private readonly ConnectionDelegate _next;
    private readonly KestrelWebSocketEndpoints _endpoints;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeSpan _headTimeout;

    public KestrelWebSocketMiddleware(ConnectionDelegate next, KestrelWebSocketEndpoints endpoints, IServiceScopeFactory scopes, TimeSpan headTimeout)
    {
        _next = next;
        _endpoints = endpoints;
        _scopes = scopes;
        _headTimeout = headTimeout;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (_endpoints.IsEmpty)
        {
            await _next(connection).ConfigureAwait(false);
            return;
        }

        bool taken;
        Task? run;
        PipeWebSocket? socket;
        try
        {
            (taken, run, socket) = await AcceptAsync(connection).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer reset the connection while its first request was read (CVE-2022-41940: an h2c upgrade, then a reset):
            // nothing is left to serve, and the exception must not reach Kestrel as an unhandled one.
            return;
        }

        if (!taken)
        {
            await _next(connection).ConfigureAwait(false);
            return;
        }

        // From here on only the session and the socket are referenced: the handshake's request objects are gone.
        try
        {
            if (run is not null)
            {
                await run.ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection went away.
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Peeks at the first request and, when it is a WebSocket handshake for an Engine.IO endpoint this transport serves,
    /// answers it (101, or the Engine.IO refusal).
    /// </summary>
    /// <returns>Whether the connection was taken; if so, the accepted socket and its run (both null when refused).</returns>
    private async Task<(bool Taken, Task? Run, PipeWebSocket? Socket)> AcceptAsync(ConnectionContext connection)
    {
        (WebSocketRequestHead? head, KestrelWebSocketEndpoint? endpoint) = await PeekAsync(connection).ConfigureAwait(false);
        if (head is null || endpoint is null)
        {
            return default;
        }

        (Task? run, PipeWebSocket? socket) = await HandshakeAsync(connection, head, endpoint).ConfigureAwait(false);
        return (true, run, socket);
    }

    /// <summary>
    /// Reads the first request head. Consumes it only when it is a WebSocket handshake for an Engine.IO endpoint this
    /// transport serves; otherwise every byte stays in the pipe for Kestrel.
    /// </summary>
    private async ValueTask<(WebSocketRequestHead? Head, KestrelWebSocketEndpoint? Endpoint)> PeekAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_headTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Too slow: Kestrel's own request-head timeout takes it from here.
                return default;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.IsEmpty || WebSocketRequestHead.CannotBeGet(buffer))
            {
                input.AdvanceTo(buffer.Start);
                return default;
            }

            int end = WebSocketRequestHead.FindEnd(buffer, MaxHeadLength);
            if (end == -1 && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            WebSocketRequestHead? head = null;
            KestrelWebSocketEndpoint? endpoint = null;
            if (end > 0)
            {
                byte[] bytes = ArrayPool<byte>.Shared.Rent(end);
                buffer.Slice(0, end).CopyTo(bytes);
                head = WebSocketRequestHead.TryParse(bytes.AsSpan(0, end));
                ArrayPool<byte>.Shared.Return(bytes);
                endpoint = head is not null && head.IsWebSocketUpgrade ? _endpoints.Find(head.Path) : null;
                if (endpoint is not null && (!endpoint.Server.Options.KestrelWebSocketTransport || !endpoint.TryGetEndpoint(out _)))
                {
                    endpoint = null;
                }
            }

            if (endpoint is null)
            {
                input.AdvanceTo(buffer.Start);
                return default;
            }

            head!.Bytes = buffer.Slice(0, end).ToArray();
            input.AdvanceTo(buffer.GetPosition(end));
            return (head, endpoint);
        }
    }

    /// <summary>Answers the handshake (101, or the Engine.IO refusal); returns the accepted socket's run, if it was accepted.</summary>
    private async Task<(Task? Run, PipeWebSocket? Socket)> HandshakeAsync(ConnectionContext connection, WebSocketRequestHead head, KestrelWebSocketEndpoint endpoint)
    {
        endpoint.TryGetEndpoint(out Endpoint? routeEndpoint);
        var features = new FeatureCollection();
        var request = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = HttpMethods.Get,
            PathBase = string.Empty,
            Path = head.Path,
            QueryString = head.QueryString,
            RawTarget = head.RawTarget,
            Headers = head.Headers,
        };
        var response = new HttpResponseFeature();
        var body = new MemoryStream();
        var webSocket = new PipeWebSocketFeature(connection, head, response, endpoint);
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        features.Set<IHttpWebSocketFeature>(webSocket);
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = connection.ConnectionClosed });
        var ipEndPoint = connection.RemoteEndPoint as IPEndPoint;
        var localEndPoint = connection.LocalEndPoint as IPEndPoint;
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = connection.ConnectionId,
            RemoteIpAddress = ipEndPoint?.Address,
            RemotePort = ipEndPoint?.Port ?? 0,
            LocalIpAddress = localEndPoint?.Address,
            LocalPort = localEndPoint?.Port ?? 0,
        });
        var context = new DefaultHttpContext(features);
        var services = new RequestServicesFeature(context, _scopes);
        features.Set<IServiceProvidersFeature>(services);
        if (routeEndpoint is not null)
        {
            context.SetEndpoint(routeEndpoint);
        }

        try
        {
            // For an accepted socket this returns once the session is open: its run is handed over in webSocket.Run.
            await endpoint.Server.HandleRequestAsync(context).ConfigureAwait(false);
            if (!webSocket.Accepted)
            {
                await WriteResponseAsync(connection.Transport.Output, response, body).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection went away mid-handshake.
        }
        finally
        {
            await services.DisposeAsync().ConfigureAwait(false);
        }

        return (webSocket.Run, webSocket.Socket);
    }

    /// <summary>Writes a refusal (the Engine.IO error JSON) as an HTTP/1.1 response, then the connection is closed.</summary>
    private static async Task WriteResponseAsync(PipeWriter output, HttpResponseFeature response, MemoryStream body)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(response.StatusCode).Append(' ').Append(ReasonPhrases.GetReasonPhrase(response.StatusCode)).Append("\r\n");
        response.Headers.ContentLength = body.Length;
        response.Headers.Connection = "close";
        AppendHeaders(head, response.Headers);
        head.Append("\r\n");
        output.Write(Encoding.Latin1.GetBytes(head.ToString()));
        output.Write(body.GetBuffer().AsSpan(0, (int)body.Length));
        await output.FlushAsync().ConfigureAwait(false);
    }

    internal static void AppendHeaders(StringBuilder head, IHeaderDictionary headers)
    {
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in headers)
        {
            foreach (string? value in header.Value)
            {
                head.Append(header.Key).Append(": ").Append(value).Append("\r\n");
            }
        }
    }
}

/// <summary>The WebSocket feature of a handshake served by the lean transport: accepting answers 101 on the connection's pipe.</summary>
internal sealed class PipeWebSocketFeature : IHttpWebSocketFeature
{
    private static readonly byte[] Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();
    private readonly ConnectionContext _connection;
    private readonly WebSocketRequestHead _head;
    private readonly HttpResponseFeature _response;
    private readonly KestrelWebSocketEndpoint _endpoint;

    public PipeWebSocketFeature(ConnectionContext connection, WebSocketRequestHead head, HttpResponseFeature response, KestrelWebSocketEndpoint endpoint)
    {
        _connection = connection;
        _head = head;
        _response = response;
        _endpoint = endpoint;
    }

    public bool IsWebSocketRequest => true;

    /// <summary>The request head as it arrived (for the session's handshake, which parses its headers again when asked).</summary>
    public byte[]? HeadBytes => _head.Bytes;

    public bool Accepted { get; private set; }

    public PipeWebSocket? Socket { get; private set; }

    /// <summary>
    /// The accepted socket's run (its read loop until it closes), handed over by the Engine.IO server so that the handshake's
    /// request can end while the socket lives on; <see langword="null"/> when nothing runs it.
    /// </summary>
    public Task? Run { get; set; }

    public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
    {
        if (Accepted)
        {
            throw new InvalidOperationException("The WebSocket was already accepted.");
        }

        Accepted = true;
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ")
            .Append(ComputeAccept(_head.Headers.SecWebSocketKey.ToString())).Append("\r\n");

        // Headers set on the response before accepting (the handshake-response hook) go out with the 101, as they do on the
        // ASP.NET Core WebSocket middleware.
        _response.Headers.Remove("Connection");
        _response.Headers.Remove("Upgrade");
        _response.Headers.Remove("Sec-WebSocket-Accept");
        KestrelWebSocketMiddleware.AppendHeaders(head, _response.Headers);
        head.Append("\r\n");
        PipeWriter output = _connection.Transport.Output;
        output.Write(Encoding.Latin1.GetBytes(head.ToString()));
        await output.FlushAsync().ConfigureAwait(false);
        _response.StatusCode = StatusCodes.Status101SwitchingProtocols;
        EngineIOOptions options = _endpoint.Server.Options;
        Socket = new PipeWebSocket(_connection, options.MaxHttpBufferSize, options.MaxWebSocketFragments);
        _endpoint.OnAccepted();
        return Socket;
    }

    internal static string ComputeAccept(string key)
    {
        Span<byte> input = stackalloc byte[24 + 36];
        Encoding.ASCII.GetBytes(key, input);
        Guid.CopyTo(input[24..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6455 §4.2.2 defines the accept key with SHA-1; it is no security boundary.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }
}
