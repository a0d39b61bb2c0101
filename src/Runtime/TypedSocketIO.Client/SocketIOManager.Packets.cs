using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <content>What comes from the Engine.IO session: messages decoded into packets and routed to the namespaces' sockets, the engine view's events.</content>
public sealed partial class SocketIOManager
{
    private void OnText(EngineHandler handler, ReadOnlyMemory<byte> utf8)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            try
            {
                if (Options.Parser is { } parser)
                {
                    DecodeParsedLocked(parser, utf8.Span, isBinary: false);
                }
                else if (_decoder.DecodeText(utf8.Span) is { } packet)
                {
                    RouteLocked(packet);
                }
            }
            catch (SocketIOProtocolException e)
            {
                OnParseErrorLocked(e);
            }
        }
    }

    private void OnBinary(EngineHandler handler, ReadOnlyMemory<byte> data)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            try
            {
                if (Options.Parser is { } parser)
                {
                    DecodeParsedLocked(parser, data.Span, isBinary: true);
                }
                else if (_decoder.DecodeBinary(data.Span) is { } packet)
                {
                    RouteLocked(packet);
                }
            }
            catch (SocketIOProtocolException e)
            {
                OnParseErrorLocked(e);
            }
        }
    }

    /// <summary>A message of another parser: decoded into the default form, then read as its text message and attachments.</summary>
    private void DecodeParsedLocked(ISocketIOParser parser, ReadOnlySpan<byte> message, bool isBinary)
    {
        SocketIODecodedMessage decoded = parser.Decode(message, isBinary, ParserLimits);
        SocketIOPacket? packet = _decoder.DecodeText(decoded.Text);
        foreach (byte[] attachment in decoded.Attachments)
        {
            packet = _decoder.DecodeBinary(attachment);
        }

        if (packet is not null)
        {
            RouteLocked(packet);
        }
    }

    private void OnParseErrorLocked(SocketIOProtocolException error)
    {
        SocketIOClientLog.ParseError(Logger, error);
        _decoder.Reset();
        if (_engine is { } engine && _closeReasonOverride is null)
        {
            // As the JavaScript manager: an undecodable packet is a lost connection ("parse error"), and reconnects.
            _closeReasonOverride = "parse error";
            _ = engine.CloseAsync();
        }
    }

    private void RouteLocked(SocketIOPacket packet)
    {
        if (_clients.TryGetValue(packet.Namespace, out SocketIOClient? client) && client.IsActiveLocked)
        {
            client.OnPacketLocked(packet);
        }
        else
        {
            SocketIOClientLog.UnknownNamespace(Logger, packet.Namespace);
        }
    }

    /// <summary>One per connection attempt, so that a late callback of an old session is recognised and ignored.</summary>
    private sealed class EngineHandler(SocketIOManager manager) : IEngineIOClientHandler
    {
        public bool ObservesPackets => manager.Engine.ObservesPackets;

        public void OnText(ReadOnlyMemory<byte> utf8) => manager.OnText(this, utf8);

        public void OnBinary(ReadOnlyMemory<byte> data) => manager.OnBinary(this, data);

        public void OnClose(string reason, Exception? error) => manager.OnEngineClose(this, reason, error);

        public void OnUpgrading(string transport)
        {
            if (IsCurrent)
            {
                manager.Engine.RaiseUpgrading(transport);
            }
        }

        public void OnUpgraded(string transport)
        {
            lock (manager.Gate)
            {
                if (!ReferenceEquals(manager._handler, this))
                {
                    return;
                }

                manager._priorWebSocketSuccess = true;
            }

            manager.Engine.RaiseUpgraded(transport);
        }

        public void OnPacket(bool outgoing, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
        {
            if (IsCurrent)
            {
                manager.Engine.RaisePacket(outgoing, type, data, isBinary);
            }
        }

        private bool IsCurrent => ReferenceEquals(Volatile.Read(ref manager._handler), this);
    }
}
