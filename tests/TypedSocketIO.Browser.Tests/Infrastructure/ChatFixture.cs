namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>One chat server and one Chromium for the whole collection; each test uses rooms of its own.</summary>
public sealed class ChatFixture : IAsyncLifetime
{
    public ChatServerProcess Server { get; private set; } = null!;

    public BrowserDriver Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ChatServerProcess.StartAsync();
        try
        {
            Browser = await BrowserDriver.StartAsync();
        }
        catch
        {
            await Server.DisposeAsync();
            Server = null!;
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChatInABrowser : ICollectionFixture<ChatFixture>
{
    public const string Name = "chat in a browser";
}
