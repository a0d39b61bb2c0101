using System.Diagnostics;
using System.Text;

namespace TypedSocketIO.Packaging.Tests;

/// <summary>
/// The packages as a user gets them: TypedSocketIO.Core, .EngineIO and .Server packed into a folder feed, and a new project that
/// references only TypedSocketIO.Server, declares contracts and uses the typed API. The generator and the analyzers must come with
/// the package (analyzers/dotnet/cs of TypedSocketIO.Core, flowing transitively).
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly string RepoRoot = FindRepoRoot();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "tsio-pkg-" + Guid.NewGuid().ToString("N"));

    public PackageConsumerTests() => Directory.CreateDirectory(_work);

    [Fact]
    public async Task ConsumerOfThePackedServerPackage_GetsTheGeneratorAndAnalyzers_AndItsTypedServerAnswers()
    {
        string configuration = typeof(PackageConsumerTests).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        string feed = Path.Combine(_work, "feed");
        foreach (string project in new[] { "TypedSocketIO.Core", "TypedSocketIO.EngineIO", "TypedSocketIO.Server", "TypedSocketIO.TestHost" })
        {
            await RunAsync("dotnet", $"pack \"{Path.Combine(RepoRoot, "src", "Runtime", project)}\" -c {configuration} --no-build -o \"{feed}\" -p:PackageVersion={version}", RepoRoot);
        }

        string consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
                <TypedSocketIOTypeScriptOutput>typescript/contracts.d.ts</TypedSocketIOTypeScriptOutput>
                <TypedSocketIOTypeScriptServerToClient>IPingClient</TypedSocketIOTypeScriptServerToClient>
                <TypedSocketIOTypeScriptClientToServer>IPingServer</TypedSocketIOTypeScriptClientToServer>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedSocketIO.Server" Version="{version}" />
                <PackageReference Include="TypedSocketIO.TestHost" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(consumer, "Program.cs"), ConsumerProgram);

        // The framework packages come from the machine's SDK; only our packages come from the feed.
        string build = await RunAsync("dotnet", "build -c Release", consumer);
        Assert.True(build.Contains("TSIO0101", StringComparison.Ordinal), build); // the analyzer came with the package
        // The TypeScript targets came too (buildTransitive, through TypedSocketIO.Server): the .d.ts is written beside the project.
        string declarations = await File.ReadAllTextAsync(Path.Combine(consumer, "typescript", "contracts.d.ts"));
        Assert.Contains("export type ServerToClientEvents = PingClientEvents;", declarations, StringComparison.Ordinal);
        Assert.Contains("ping: (text: string) => void;", declarations, StringComparison.Ordinal);
        string run = await RunAsync("dotnet", "run -c Release --no-build", consumer);
        Assert.Contains("typed round trip: 42[\"pong\",\"hello\",5]", run, StringComparison.Ordinal);
        Assert.Contains("in-memory round trip: 2[\"pong\",\"memory\",6]", run, StringComparison.Ordinal); // the test host package
    }

    private const string ConsumerProgram = """
        using System.Net.WebSockets;
        using System.Text;
        using Microsoft.AspNetCore.Hosting.Server;
        using Microsoft.AspNetCore.Hosting.Server.Features;
        using TypedSocketIO;
        using TypedSocketIO.Server;

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO();
        var app = builder.Build();
        app.MapSocketIO<IPingServer, IPingClient>("/", ns => ns.OnConnection(socket =>
            socket.On.Ping(text => socket.Emit.Pong(text, text.Length))));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var ws = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ws.ConnectAsync(new Uri(address.Replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"), timeout.Token);
        await ReceiveAsync();                      // 0{"sid":…}
        await SendAsync("40");
        await ReceiveAsync();                      // 40{"sid":…}
        await SendAsync("42[\"ping\",\"hello\"]");
        string pong = await ReceiveAsync();
        while (pong == "2")
        {
            await SendAsync("3");
            pong = await ReceiveAsync();
        }

        Console.WriteLine("typed round trip: " + pong);
        await app.StopAsync();

        await using (var testHost = TypedSocketIO.TestHost.SocketIOTestHost.Create())
        {
            testHost.Map<IPingServer, IPingClient>("/", ns => ns.OnConnection(socket => socket.On.Ping(text => socket.Emit.Pong(text, text.Length))));
            await using var client = await testHost.ConnectAsync<IPingClient, IPingServer>();
            client.Emit.Ping("memory");
            Console.WriteLine("in-memory round trip: " + (await client.WaitForEventAsync("pong")).Text);
        }

        async Task SendAsync(string text) => await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);

        async Task<string> ReceiveAsync()
        {
            var buffer = new byte[4096];
            WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, result.Count);
        }

        [SocketIOContract]
        public interface IPingServer
        {
            void Ping(string text);
        }

        [SocketIOContract]
        public interface IPingClient
        {
            void Pong(string text, int length);

            // Not covered by any JSON context: the packaged analyzer reports TSIO0101/TSIO0100.
            void Unused(Uncovered value);
        }

        public sealed record Uncovered(string Name);
        """;

    private static async Task<string> RunAsync(string fileName, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {arguments}' did not finish within 4 minutes.\n{await stdout}\n{await stderr}");
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"'{fileName} {arguments}' exited with {process.ExitCode}:\n{output}");
        return output;
    }

    private static string FindRepoRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "TypedSocketIO.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("TypedSocketIO.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
