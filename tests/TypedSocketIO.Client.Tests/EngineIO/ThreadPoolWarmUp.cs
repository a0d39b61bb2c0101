using System.Runtime.CompilerServices;

namespace TypedSocketIO.Client.Tests.EngineIO;

internal static class ThreadPoolWarmUp
{
    /// <summary>
    /// On a 2-core machine the pool starts with 2 threads, and the test host blocks some of them while the first
    /// tests start: timers and sockets then run up to a second late (measured: a 300 ms ping timeout fired after
    /// 1 s with 3 threads and 2 queued items), which the heartbeat tests would read as a lost connection.
    /// The library itself never blocks a pool thread.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
