namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>A server of the functional suite (ours in-process, or the official Node one), restartable on the same port.</summary>
public interface ISuiteServer : IAsyncDisposable
{
    Uri Uri { get; }

    /// <summary>The numbers of the "seq" events received, in arrival order, across restarts.</summary>
    IReadOnlyList<int> Sequence { get; }

    Task StopAsync();

    /// <summary>Starts again on the same port.</summary>
    Task StartAgainAsync();

    /// <summary>Diagnostics for failure messages.</summary>
    string Describe();
}
