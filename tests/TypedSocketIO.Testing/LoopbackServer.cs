using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Testing;

/// <summary>
/// An in-process ASP.NET Core application on Kestrel, bound to 127.0.0.1 on a free port (the
/// equivalent of <c>--urls http://127.0.0.1:0</c>); the bound address is read back from
/// <see cref="IServerAddressesFeature"/>. Logs are captured for failure messages.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private LoopbackServer(WebApplication app, Uri url, CapturingLoggerProvider logs)
    {
        App = app;
        Url = url;
        Logs = logs;
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The base address, e.g. http://127.0.0.1:43123 (no trailing slash in <see cref="BaseAddress"/>).</summary>
    public Uri Url { get; }

    /// <summary>The base address as a string without a trailing slash.</summary>
    public string BaseAddress => Url.GetLeftPart(UriPartial.Authority);

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>Everything logged at <see cref="LogLevel.Debug"/> and above.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>Builds, configures and starts the application, on <paramref name="port"/> (0: a free one).</summary>
    public static async Task<LoopbackServer> StartAsync(
        Action<IServiceCollection> configureServices,
        Action<WebApplication> configureApp,
        LogLevel minimumLevel = LogLevel.Information,
        int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Development",
        });
        builder.WebHost.UseKestrel();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddProvider(logs);
        configureServices(builder.Services);

        var app = builder.Build();
        configureApp(app);
        using var startTimeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(startTimeout.Token).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("Kestrel did not report an address on 127.0.0.1: " + string.Join(", ", addresses));
        return new LoopbackServer(app, new Uri(address), logs);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await App.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host gave up waiting; disposal below ends what is left
        }
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
