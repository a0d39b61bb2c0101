using System.Net;
using System.Text.Json;
using TypedSocketIO.Browser.Tests.Infrastructure;

namespace TypedSocketIO.Browser.Tests;

/// <summary>The page and the official client bundle are served beside the Engine.IO endpoint, which still works.</summary>
[Collection(ChatInABrowser.Name)]
public sealed class ClientBundleTests(ChatFixture chat)
{
    private readonly Uri _server = chat.Server.Address;

    [Theory]
    [InlineData("/socket.io/socket.io.js")]
    [InlineData("/socket.io/socket.io.min.js")]
    public async Task Official_client_bundle_is_served_as_javascript(string path)
    {
        using var http = new HttpClient { Timeout = Wait.Default };
        using HttpResponseMessage response = await http.GetAsync(new Uri(_server, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        string script = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("/*!\n * Socket.IO v4.8.", script, StringComparison.Ordinal);

        // The same bytes as the pinned npm package's bundle.
        string npm = await File.ReadAllTextAsync(Path.Combine(Paths.InteropNode, "node_modules", "socket.io-client", "dist", "socket.io.min.js"));
        Assert.Equal(npm, script);

        // Revalidation answers 304.
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(_server, path));
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using HttpResponseMessage notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Source_map_is_served_as_json()
    {
        using var http = new HttpClient { Timeout = Wait.Default };
        using HttpResponseMessage response = await http.GetAsync(new Uri(_server, "/socket.io/socket.io.min.js.map"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument map = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, map.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Engine_io_endpoint_still_answers_beside_the_bundle()
    {
        using var http = new HttpClient { Timeout = Wait.Default };
        string open = await http.GetStringAsync(new Uri(_server, "/socket.io/?EIO=4&transport=polling"));
        Assert.StartsWith("0{\"sid\":", open, StringComparison.Ordinal);

        using HttpResponseMessage missing = await http.GetAsync(new Uri(_server, "/socket.io/socket.io.msgpack.min.js"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Page_is_served_at_the_root_and_loads_the_bundle_from_the_server()
    {
        using var http = new HttpClient { Timeout = Wait.Default };
        using HttpResponseMessage response = await http.GetAsync(_server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/socket.io/socket.io.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);   // nothing from a CDN

        foreach (string asset in new[] { "chat.js", "chat.css" })
        {
            using HttpResponseMessage file = await http.GetAsync(new Uri(_server, asset));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }
    }
}
