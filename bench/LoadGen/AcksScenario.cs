using System.Buffers.Text;
using System.Diagnostics;
using System.Net;

namespace LoadGen;

/// <summary>
/// Scenario "acks" (and "binary"): C clients, each emitting <c>echo</c> with an ack and sending the next one as soon as
/// the ack arrives (one outstanding per client). Figures: acks/s, acks per server-core-second, p50/p99 round trip.
/// With <c>binary</c>, each emit carries one attachment of <c>size</c> bytes (<c>echoBinary</c>) and the ack must bring
/// it back (a BINARY_ACK and its binary frame).
/// </summary>
internal sealed class AcksScenario
{
    private readonly Options _options;
    private readonly bool _binary;
    private readonly LatencyHistogram _latency = new();
    private long _acks;
    private long _bytes;
    private volatile bool _measuring;
    private volatile bool _stopping;

    public AcksScenario(Options options, bool binary)
    {
        _options = options;
        _binary = binary;
    }

    public async Task RunAsync(ScenarioResult result, CancellationToken cancellationToken)
    {
        int clients = _options.Int("clients", _binary ? 10 : 50);
        int size = _options.Int("size", 64 * 1024);
        EioSocket[] sockets = await Connections.ConnectManyAsync(_options, clients, lowMemory: false, cancellationToken);
        try
        {
            var tasks = new Task[clients];
            for (int i = 0; i < clients; i++)
            {
                EioSocket socket = sockets[i];
                tasks[i] = Task.Run(() => ClientLoopAsync(socket, size, cancellationToken), cancellationToken);
            }

            var window = new Window(_options.ServerPid);
            await Task.Delay(TimeSpan.FromSeconds(_options.Warmup), cancellationToken);
            _measuring = true;
            window.Start();
            await Task.Delay(TimeSpan.FromSeconds(_options.Duration), cancellationToken);
            window.Stop();
            _measuring = false;
            long acks = Interlocked.Read(ref _acks);
            _stopping = true;
            await Connections.WaitBoundedAsync(tasks, TimeSpan.FromSeconds(10), result);

            result.Add("clients", clients);
            result.Add("acks/s", acks / window.Seconds);
            result.Add("acks per server-core-second", window.ServerCpuSeconds > 0 ? acks / window.ServerCpuSeconds : double.NaN);
            result.Add("ack p50 (µs)", _latency.Quantile(0.50));
            result.Add("ack p99 (µs)", _latency.Quantile(0.99));
            if (_binary)
            {
                result.Add("attachment (bytes)", size);
                result.Add("MiB/s echoed", Interlocked.Read(ref _bytes) / window.Seconds / (1024 * 1024));
            }

            window.AddTo(result);
        }
        finally
        {
            foreach (EioSocket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private async Task ClientLoopAsync(EioSocket socket, int size, CancellationToken cancellationToken)
    {
        // The frame(s) of one emit, rebuilt for each ack id: text "42<id>["echo",{…}]" or "451-<id>["echoBinary",{placeholder}]"
        // followed by the binary frame of the attachment.
        byte[] attachmentFrame = [];
        if (_binary)
        {
            byte[] data = new byte[size];
            new Random(42).NextBytes(data);
            attachmentFrame = new byte[WsConnection.HeaderSize(size) + size];
            int header = WsConnection.WriteHeader(attachmentFrame, WsOpcode.Binary, size);
            data.CopyTo(attachmentFrame.AsSpan(header));
        }

        byte[] buffer = new byte[256 + attachmentFrame.Length];
        long ackId = 0;
        while (!_stopping && !cancellationToken.IsCancellationRequested)
        {
            ackId++;
            int length = BuildEmit(buffer, ackId);
            if (_binary)
            {
                attachmentFrame.CopyTo(buffer.AsSpan(length));
                length += attachmentFrame.Length;
            }

            long sent = Stopwatch.GetTimestamp();
            await socket.Connection.SendRawAsync(buffer.AsMemory(0, length), cancellationToken);
            bool acked = false;
            while (!acked)
            {
                (bool isBinary, ReadOnlyMemory<byte> packet) = await socket.ReceiveAsync(cancellationToken);
                if (isBinary || !EioSocket.TryParseAck(packet.Span, out long id, out int attachments) || id != ackId)
                {
                    continue;
                }

                if (_binary)
                {
                    if (attachments != 1)
                    {
                        throw new IOException($"expected a BINARY_ACK with one attachment, got {System.Text.Encoding.UTF8.GetString(packet.Span)}");
                    }

                    (bool attachmentIsBinary, ReadOnlyMemory<byte> attachment) = await socket.ReceiveAsync(cancellationToken);
                    if (!attachmentIsBinary || attachment.Length != size)
                    {
                        throw new IOException($"expected the {size}-byte attachment back, got {attachment.Length} bytes");
                    }
                }

                acked = true;
            }

            long elapsed = Stopwatch.GetTimestamp() - sent;
            if (_measuring)
            {
                Interlocked.Increment(ref _acks);
                if (_binary)
                {
                    Interlocked.Add(ref _bytes, size);
                }

                _latency.RecordTicks(elapsed);
            }
        }
    }

    private int BuildEmit(byte[] buffer, long ackId)
    {
        const int Header = 6; // payload < 126 bytes: 2 + mask key 4
        Span<byte> text = buffer.AsSpan(Header);
        int at = 0;
        if (_binary)
        {
            "451-"u8.CopyTo(text);
            at = 4;
        }
        else
        {
            "42"u8.CopyTo(text);
            at = 2;
        }

        Utf8Formatter.TryFormat(ackId, text[at..], out int written);
        at += written;
        if (_binary)
        {
            ReadOnlySpan<byte> rest = """["echoBinary",{"_placeholder":true,"num":0}]"""u8;
            rest.CopyTo(text[at..]);
            at += rest.Length;
        }
        else
        {
            ReadOnlySpan<byte> head = """["echo",{"n":"""u8;
            head.CopyTo(text[at..]);
            at += head.Length;
            Utf8Formatter.TryFormat(ackId, text[at..], out written);
            at += written;
            ReadOnlySpan<byte> tail = ""","s":"hello, world"}]"""u8;
            tail.CopyTo(text[at..]);
            at += tail.Length;
        }

        if (at >= 126)
        {
            throw new InvalidOperationException("emit too long for a short frame");
        }

        WsConnection.WriteHeader(buffer, WsOpcode.Text, at);
        return Header + at;
    }
}
