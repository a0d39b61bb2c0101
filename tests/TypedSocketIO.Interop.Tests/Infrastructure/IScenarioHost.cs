namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>A server configured as tests/interop-node/SCENARIOS.md describes (untyped or typed flavour).</summary>
public interface IScenarioHost : IAsyncDisposable
{
    /// <summary>The running application.</summary>
    LoopbackServer Host { get; }

    /// <summary>Errors thrown by the server's handlers (should stay empty).</summary>
    IReadOnlyCollection<Exception> HandlerErrors { get; }

    /// <summary>Waits until the server reports a disconnect reason for the socket.</summary>
    Task<string?> WaitForDisconnectReasonAsync(string ns, string socketId, TimeSpan timeout);
}
