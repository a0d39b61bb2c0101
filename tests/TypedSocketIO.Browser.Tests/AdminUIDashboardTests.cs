using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using TypedSocketIO.AdminUI;
using TypedSocketIO.Browser.Tests.Infrastructure;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Browser.Tests;

/// <summary>
/// The official admin UI dashboard (the built page of @socket.io/admin-ui 0.5.1, pinned in tests/interop-node) in Chromium,
/// served beside our server, which runs the admin UI package: the dashboard logs in and shows a connected socket and its room.
/// </summary>
[Collection(ChatInABrowser.Name)]
public sealed class AdminUIDashboardTests(ChatFixture chat)
{
    /// <summary>bcryptjs 2.4.3's hashSync("changeit", 4).</summary>
    private const string ChangeItHash = "$2a$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm";

    private static string DashboardDirectory => Path.Combine(Paths.InteropNode, "node_modules", "@socket.io", "admin-ui", "ui", "dist");

    [Fact]
    public async Task Dashboard_logs_in_and_shows_a_connected_socket_and_its_room()
    {
        Assert.True(File.Exists(Path.Combine(DashboardDirectory, "index.html")), $"the dashboard is missing: run `npm ci` in tests/interop-node ({DashboardDirectory})");
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddSocketIO().AddAdminUI(o => o.Authentication = SocketIOAdminUIAuthentication.Basic("admin", ChangeItHash)),
            app =>
            {
                app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(DashboardDirectory), RequestPath = "/admin-ui" });
                app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.Join("lobby")));
            });

        // A client of the main namespace: the official client in Node.
        await using NodeScript user = NodeScript.Start("admin-client.mjs", server.BaseAddress, "/", "{}", "websocket");
        string userId = (await user.WaitForLineAsync(l => l.GetProperty("event").GetString() == "connect", Wait.Default * 3)).GetProperty("id").GetString()!;

        BrowserPage page = await chat.Browser.OpenAsync($"admin-{Guid.NewGuid():N}"[..14], new Uri(server.Url, "/admin-ui/index.html"));
        try
        {
            // A wrong password first: the dialog says so.
            await LogInAsync(page, server.BaseAddress, "wrong");
            await page.WaitForAsync(".v-dialog .red--text", "Invalid credentials", Wait.Default * 3);

            await LogInAsync(page, server.BaseAddress, "changeit");
            await page.WaitForHiddenAsync(".v-dialog input[type=password]", timeout: Wait.Default * 3);

            await page.EvaluateAsync("location.hash = '#/sockets/'");
            await page.WaitForAsync("td", userId, Wait.Default * 3);

            await page.EvaluateAsync("location.hash = '#/rooms/'");
            await page.WaitForAsync("td", "lobby", Wait.Default * 3);

            await page.EvaluateAsync("location.hash = '#/sockets/'");
            await page.WaitForAsync("td", userId, Wait.Default * 3);
            string path = await page.ScreenshotAsync(Path.Combine(Paths.Screenshots, "admin-ui-sockets.png"));
            Assert.True(new FileInfo(path).Length > 10_000, path);
        }
        catch (Exception failure)
        {
            throw await DescribeAsync(page, server, "admin-ui-failure.png", failure);
        }
        finally
        {
            await page.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dashboard_on_another_origin_logs_in_through_the_endpoint_s_cors_policy()
    {
        // As with the hosted dashboard (admin.socket.io): the page comes from one origin, the server is another, which allows the
        // page's origin with credentials (the dashboard's client sets withCredentials).
        Assert.True(File.Exists(Path.Combine(DashboardDirectory, "index.html")), $"the dashboard is missing: run `npm ci` in tests/interop-node ({DashboardDirectory})");
        await using LoopbackServer dashboard = await LoopbackServer.StartAsync(
            _ => { },
            app => app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(DashboardDirectory) }));
        string dashboardOrigin = dashboard.BaseAddress;
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddCors().AddSocketIO().AddAdminUI(o => o.Authentication = SocketIOAdminUIAuthentication.Basic("admin", ChangeItHash)),
            app =>
            {
                app.UseCors();
                app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.Join("lobby")))
                    .RequireCors(policy => policy.WithOrigins(dashboardOrigin).AllowCredentials().AllowAnyHeader());
            });

        await using NodeScript user = NodeScript.Start("admin-client.mjs", server.BaseAddress, "/", "{}", "websocket");
        string userId = (await user.WaitForLineAsync(l => l.GetProperty("event").GetString() == "connect", Wait.Default * 3)).GetProperty("id").GetString()!;

        BrowserPage page = await chat.Browser.OpenAsync($"admin-{Guid.NewGuid():N}"[..14], new Uri(dashboard.Url, "/index.html"));
        try
        {
            await LogInAsync(page, server.BaseAddress, "changeit");
            await page.WaitForHiddenAsync(".v-dialog input[type=password]", timeout: Wait.Default * 3);
            await page.EvaluateAsync("location.hash = '#/sockets/'");
            await page.WaitForAsync("td", userId, Wait.Default * 3);
        }
        catch (Exception failure)
        {
            throw await DescribeAsync(page, server, "admin-ui-cors-failure.png", failure);
        }
        finally
        {
            await page.DisposeAsync();
        }
    }

    private static async Task<Exception> DescribeAsync(BrowserPage page, LoopbackServer server, string screenshot, Exception failure)
    {
        string shot = Path.Combine(Paths.Screenshots, screenshot);
        string logs;
        try
        {
            await page.ScreenshotAsync(shot);
            logs = string.Join('\n', await page.LogsAsync());
        }
        catch (Exception e) when (e is BrowserCommandException or TimeoutException or InvalidOperationException)
        {
            logs = "no screenshot: " + e.Message;
        }

        return new BrowserTestFailedException($"{failure.Message}\nScreenshot: {shot}\n{logs}\n--- server log ---\n{server.Logs.Tail()}", failure);
    }

    private static async Task LogInAsync(BrowserPage page, string serverUrl, string password)
    {
        await page.FillAsync(".v-dialog input[type=text] >> nth=0", serverUrl);
        await page.FillAsync(".v-dialog input[type=text] >> nth=1", "admin");
        await page.FillAsync(".v-dialog input[type=password]", password);
        await page.ClickAsync(".v-dialog button[type=submit]");
    }
}
