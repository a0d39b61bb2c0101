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

/// <summary>One instance per connected socket; the compiler holds it to <see cref="ITestServer"/>.</summary>
public sealed class TestHandler(HandlerJournal journal) : SocketHandler<ITestClient>, ITestServer, IDisposable
{
    private readonly Guid _instance = Guid.NewGuid();
    private int _calls;

    public override ValueTask OnConnectedAsync()
    {
        Socket.Emit.Welcome("connected", 0);
        return ValueTask.CompletedTask;
    }

    public void Hello(string name)
    {
        journal.Entries.Enqueue($"{_instance}:hello:{name}:{Interlocked.Increment(ref _calls)}");
        Socket.Emit.Welcome("hello " + name, _calls);
    }

    public Task<Sum> Add(int a, int b) => Task.FromResult(new Sum(a + b + Interlocked.Increment(ref _calls) * 0));

    public ValueTask<byte[]> Reverse(byte[] data) => ValueTask.FromResult(data.Reverse().ToArray());

    public void Custom(Item item) => journal.Entries.Enqueue($"{_instance}:custom:{item.Name}");

    public async Task<string?> Echo(string? text)
    {
        // A server-to-client acknowledgement from inside a handler.
        bool confirmed = await Socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Confirm("echo " + text + "?");
        return confirmed ? text : null;
    }

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        journal.Entries.Enqueue($"{_instance}:disconnected:{reason}");
        return ValueTask.CompletedTask;
    }

    public void Dispose() => journal.Disposed.TrySetResult();
}

public sealed class HandlerClassTests
{
    [Fact]
    public async Task UseHandler_OneInstancePerSocket_CreatedFromDependencyInjection_DisposedAtDisconnect()
    {
        var journal = new HandlerJournal();
        await using TestHost host = await TestHost.StartAsync(
            app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.UseHandler<TestHandler>()),
            services => services.AddSingleton(journal));

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
            await journal.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        string[] entries = journal.Entries.ToArray();
        string firstInstance = entries[0].Split(':')[0];
        Assert.Equal(2, entries.Count(e => e.StartsWith(firstInstance + ":hello", StringComparison.Ordinal)));
        Assert.Contains(entries, e => e.EndsWith(":hello:three:1", StringComparison.Ordinal) && !e.StartsWith(firstInstance, StringComparison.Ordinal));
        Assert.Contains(firstInstance + ":disconnected:client namespace disconnect", entries);
    }
}
