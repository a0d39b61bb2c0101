namespace TypedSocketIO.EngineIO.Internal;

/// <summary>The error codes of the official engine.io server's HTTP error responses (<c>{"code":…,"message":…}</c>).</summary>
internal enum EngineIOErrorCode
{
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
}
