using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;

namespace TypedSocketIO.Typed.Tests;

/// <summary>A service the handler gets by constructor injection; it records what the handlers did.</summary>
public sealed class HandlerJournal
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A scoped service: one per event, disposed with the event's scope.</summary>
public sealed class ScopedWork(HandlerJournal journal) : IDisposable
{
    public Guid Id { get; } = Guid.NewGuid();

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        journal.Entries.Enqueue($"{Id}:scope disposed");
    }
}

/// <summary>One instance per event, as a SignalR hub per invocation; the compiler holds it to <see cref="ITestServer"/>.</summary>
public sealed class TestHandler(HandlerJournal journal, ScopedWork work) : SocketHandler<ITestClient>, ITestServer, IDisposable
{
    private readonly Guid _instance = Guid.NewGuid();

    public override ValueTask OnConnectedAsync()
    {
        Socket.Emit.Welcome("connected", 0);
        return ValueTask.CompletedTask;
    }

    public void Hello(string name)
    {
        // Per-socket state lives in Items: the instance is new for every event.
        int calls = (int)Items.AddOrUpdate("calls", 1, static (_, n) => (int)n! + 1)!;
        Assert.False(work.IsDisposed);
        journal.Entries.Enqueue($"{_instance}:hello:{name}:{calls}:{work.Id}");
        Socket.Emit.Welcome("hello " + name, calls);
    }

    public Task<Sum> Add(int a, int b) => Task.FromResult(new Sum(a + b));

    public ValueTask<byte[]> Reverse(byte[] data) => ValueTask.FromResult(data.Reverse().ToArray());

    public void Custom(Item item) => journal.Entries.Enqueue($"{_instance}:custom:{item.Name}");

    public async Task<string?> Echo(string? text)
    {
        // A server-to-client acknowledgement from inside a handler: the scope lives until the event completes.
        bool confirmed = await Socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Confirm("echo " + text + "?");
        Assert.False(work.IsDisposed);
        journal.Entries.Enqueue($"{_instance}:echo:{work.Id}");
        return confirmed ? text : null;
    }

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        journal.Entries.Enqueue($"{_instance}:disconnected:{reason}:{Items["calls"]}");
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        journal.Entries.Enqueue($"{_instance}:disposed");
        if (journal.Entries.Any(e => e.Contains(":disconnected:", StringComparison.Ordinal) && e.StartsWith(_instance.ToString(), StringComparison.Ordinal)))
        {
            journal.Disposed.TrySetResult();
        }
    }
}

public sealed class HandlerClassTests
{
    [Fact]
    public async Task UseHandler_AnInstanceAndAScopePerEvent_DisposedAfterIt_PerSocketStateInItems()
    {
        var journal = new HandlerJournal();
        await using TestHost host = await TestHost.StartAsync(
            app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.UseHandler<TestHandler>()),
            services => services.AddSingleton(journal).AddScoped<ScopedWork>());

        await using (RawClient client = await RawClient.ConnectAsync(host.Address))
        {
            Assert.Equal("2[\"welcome\",\"connected\",0]", await client.ReceiveTextAsync());
            await client.SendAsync("2[\"hello\",\"one\"]");
            Assert.Equal("2[\"welcome\",\"hello one\",1]", await client.ReceiveTextAsync());
            await client.SendAsync("2[\"hello\",\"two\"]");
            Assert.Equal("2[\"welcome\",\"hello two\",2]", await client.ReceiveTextAsync());
            await client.SendAsync("25[\"add\",40,2]");
            Assert.Equal("35[{\"value\":42}]", await client.ReceiveTextAsync());

            await client.SendAsync("26[\"echo\",\"ping\"]");
            Assert.Equal("20[\"confirm\",\"echo ping?\"]", await client.ReceiveTextAsync());
            await client.SendAsync("30[true]");
            Assert.Equal("36[\"ping\"]", await client.ReceiveTextAsync());

            await using RawClient other = await RawClient.ConnectAsync(host.Address);
            Assert.Equal("2[\"welcome\",\"connected\",0]", await other.ReceiveTextAsync());
            await other.SendAsync("2[\"hello\",\"three\"]");
            Assert.Equal("2[\"welcome\",\"hello three\",1]", await other.ReceiveTextAsync());

            await client.SendAsync("1");
            await journal.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        string[] entries = journal.Entries.ToArray();
        string[] hellos = [.. entries.Where(e => e.Contains(":hello:", StringComparison.Ordinal))];
        Assert.Equal(3, hellos.Length);
        string[] instances = [.. hellos.Select(e => e.Split(':')[0])];
        string[] scopes = [.. hellos.Select(e => e.Split(':')[4])];
        Assert.Equal(3, instances.Distinct().Count());
        Assert.Equal(3, scopes.Distinct().Count());

        // Each event's scoped service and instance were disposed, the scope's service after the event ran.
        foreach (string hello in hellos)
        {
            Assert.True(Array.IndexOf(entries, hello) < Array.IndexOf(entries, hello.Split(':')[4] + ":scope disposed"), hello);
            Assert.Contains(hello.Split(':')[0] + ":disposed", entries);
        }

        string echo = Assert.Single(entries, e => e.Contains(":echo:", StringComparison.Ordinal));
        Assert.True(Array.IndexOf(entries, echo) < Array.IndexOf(entries, echo.Split(':')[2] + ":scope disposed"));

        // The disconnection ran on an instance of its own and saw the socket's state.
        Assert.Contains(entries, e => e.EndsWith(":disconnected:client namespace disconnect:2", StringComparison.Ordinal) && !instances.Contains(e.Split(':')[0]));
    }
}
