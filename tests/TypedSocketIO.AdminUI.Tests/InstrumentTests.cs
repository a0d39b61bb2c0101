using TypedSocketIO.Server;

namespace TypedSocketIO.AdminUI.Tests;

/// <summary><see cref="SocketIOAdminUI.Instrument"/> without hosting: once per server, undone by disposing it, options checked.</summary>
public sealed class InstrumentTests
{
    private static SocketIOAdminUIOptions Options() => new() { Authentication = SocketIOAdminUIAuthentication.Basic("admin", AdminUIServer.ChangeItHash) };

    [Fact]
    public void Instrument_creates_the_admin_namespace_once_per_server_and_disposing_it_lets_go()
    {
        using var server = new SocketIOServer(new SocketIOServerOptions());
        Assert.Null(server.Observer);
        IDisposable first = SocketIOAdminUI.Instrument(server, Options());
        Assert.NotNull(server.Observer);
        Assert.Contains(server.Namespaces, n => n.Name == "/admin");

        InvalidOperationException twice = Assert.Throws<InvalidOperationException>(() => SocketIOAdminUI.Instrument(server, Options()));
        Assert.Contains("already instrumented", twice.Message, StringComparison.Ordinal);

        first.Dispose();
        Assert.Null(server.Observer);
        using IDisposable again = SocketIOAdminUI.Instrument(server, Options());
        Assert.NotNull(server.Observer);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_option_named()
    {
        using var server = new SocketIOServer(new SocketIOServerOptions());
        Assert.Contains("Authentication", Assert.Throws<ArgumentException>(() => SocketIOAdminUI.Instrument(server, new SocketIOAdminUIOptions())).Message, StringComparison.Ordinal);

        SocketIOAdminUIOptions badName = Options();
        badName.NamespaceName = "admin";
        Assert.Contains("NamespaceName", Assert.Throws<ArgumentException>(() => SocketIOAdminUI.Instrument(server, badName)).Message, StringComparison.Ordinal);

        SocketIOAdminUIOptions badInterval = Options();
        badInterval.StatsInterval = TimeSpan.FromMilliseconds(10);
        Assert.Contains("StatsInterval", Assert.Throws<ArgumentException>(() => SocketIOAdminUI.Instrument(server, badInterval)).Message, StringComparison.Ordinal);
        Assert.Null(server.Observer);
    }

    [Fact]
    public void The_session_store_forgets_the_oldest_past_its_limit_and_expired_ids()
    {
        var time = new ManualTime();
        var store = new Internal.AdminUISessionStore(time, TimeSpan.FromMinutes(1), maxSessions: 2);
        string a = store.Create();
        string b = store.Create();
        string c = store.Create();
        Assert.Matches("^[0-9a-f]{16}$", a);
        Assert.False(store.Exists(a));
        Assert.True(store.Exists(b));
        Assert.True(store.Exists(c));
        Assert.False(store.Exists("0123456789abcdef"));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(store.Exists(b));
        Assert.False(store.Exists(c));
        Assert.Equal(0, store.Count);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
