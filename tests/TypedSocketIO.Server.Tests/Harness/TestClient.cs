using System.Text;
using System.Text.RegularExpressions;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server;

namespace TypedSocketIO.Server.Tests.Harness;

/// <summary>One simulated Engine.IO connection: push Socket.IO packets as strings, read back what the server sends.</summary>
internal sealed partial class TestClient
{
    public TestClient(SocketIOServer server, SocketIOConnectionInfo info)
    {
        Transport = new FakeTransport();
        Connection = server.CreateClient(Transport, info);
        Transport.Client = Connection;
    }

    public FakeTransport Transport { get; }

    public SocketIOClientConnection Connection { get; }

    public bool IsOpen => Transport.IsOpen;

    /// <summary>Pushes an Engine.IO message packet as written on the wire (<c>421["join","lobby"]</c>); the handler gets it without the <c>4</c>.</summary>
    public async Task SendAsync(string message)
    {
        if (!message.StartsWith('4'))
        {
            throw new ArgumentException("An Engine.IO message packet starts with '4'.", nameof(message));
        }

        await Connection.OnTextAsync(Encoding.UTF8.GetBytes(message[1..]));
    }

    public async Task SendBinaryAsync(byte[] data) => await Connection.OnBinaryAsync(data);

    /// <summary>The next text frame the server sent.</summary>
    public async Task<string> ReceiveAsync()
    {
        SentFrame frame = await Transport.ReadFrameAsync();
        return "4" + (frame.Text ?? throw new InvalidOperationException("Expected a text frame, got a binary one."));
    }

    public async Task<byte[]> ReceiveBinaryAsync()
    {
        SentFrame frame = await Transport.ReadFrameAsync();
        return frame.Binary ?? throw new InvalidOperationException($"Expected a binary frame, got \"{frame.Text}\".");
    }

    /// <summary>Nothing more was sent (so far).</summary>
    public bool HasNothingToReceive() => !Transport.TryReadFrame(out _);

    /// <summary>Connects to a namespace and returns the sid from <c>0/nsp,{"sid":"…"}</c>.</summary>
    public async Task<string> ConnectAsync(string ns = "/", string? auth = null)
    {
        string prefix = ns == "/" ? "40" : "40" + ns + ",";
        await SendAsync(prefix + (auth ?? string.Empty));
        string answer = await ReceiveAsync();
        Match match = SidPattern().Match(answer);
        if (!answer.StartsWith(prefix, StringComparison.Ordinal) || !match.Success)
        {
            throw new InvalidOperationException($"Expected a CONNECT answer for {ns}, got \"{answer}\".");
        }

        return match.Groups[1].Value;
    }

    /// <summary>The Engine.IO session closes under the client (as on a ping timeout or a lost connection).</summary>
    public ValueTask CloseFromEngineAsync(string reason) => Transport.CloseFromEngineAsync(new EngineIOCloseReason(reason));

    [GeneratedRegex("^40(?:/[^,]*,)?\\{\"sid\":\"([A-Za-z0-9_-]+)\"\\}$")]
    private static partial Regex SidPattern();
}
