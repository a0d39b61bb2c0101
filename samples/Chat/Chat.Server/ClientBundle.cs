using Microsoft.Net.Http.Headers;

namespace Chat.Server;

/// <summary>
/// Serves the official socket.io-client browser bundle at <c>/socket.io/socket.io.js</c> (with its minified name and source map),
/// as the Node server's <c>serveClient</c> option does, so that the page needs no CDN. The files are copied from the pinned npm
/// package at build time (see Chat.Server.csproj). These are plain endpoints: the Engine.IO endpoint is <c>/socket.io/</c>
/// itself (<c>/socket.io/?EIO=4…</c>), which no file path matches.
/// </summary>
public static class ClientBundle
{
    private static readonly (string Path, string File, string ContentType)[] Files =
    [
        ("/socket.io/socket.io.js", "socket.io.min.js", "application/javascript; charset=utf-8"),
        ("/socket.io/socket.io.min.js", "socket.io.min.js", "application/javascript; charset=utf-8"),
        ("/socket.io/socket.io.min.js.map", "socket.io.min.js.map", "application/json; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapSocketIOClientBundle(this IEndpointRouteBuilder endpoints)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "socket.io-client");
        foreach ((string path, string file, string contentType) in Files)
        {
            var info = new FileInfo(Path.Combine(folder, file));
            if (!info.Exists)
            {
                throw new FileNotFoundException(
                    $"The socket.io-client bundle is missing beside the program ({info.FullName}); build the project again (its build runs 'npm ci' for the pinned package).",
                    info.FullName);
            }

            // The file changes only with a new build: an entity tag lets the browser revalidate it cheaply.
            var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
            DateTimeOffset modified = info.LastWriteTimeUtc;
            endpoints.MapMethods(path, ["GET", "HEAD"], () => Results.File(info.FullName, contentType, lastModified: modified, entityTag: etag))
                .WithDisplayName("socket.io-client " + path);
        }

        return endpoints;
    }
}
