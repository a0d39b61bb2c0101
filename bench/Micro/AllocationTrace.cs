using System.Diagnostics.Tracing;
using System.Reflection;

namespace Micro;

/// <summary>
/// <c>Micro --alloc &lt;benchmark&gt; [count]</c>: runs one benchmark method <c>count</c> times (default 1 000 000) and prints the
/// bytes it allocated per operation, with the runtime's allocation samples (one every ~100 KB) grouped by type: where the bytes go.
/// </summary>
internal static class AllocationTrace
{
    public static void Run(string name, int count)
    {
        var benchmarks = new HotPathBenchmarks();
        benchmarks.Setup();
        MethodInfo method = typeof(HotPathBenchmarks).GetMethod(name) ?? throw new ArgumentException($"No benchmark named {name}.");
        var run = (Action)Delegate.CreateDelegate(typeof(Action), benchmarks, method, throwOnBindFailure: false)!;
        Func<object>? runWithResult = run is null ? CreateFunc(benchmarks, method) : null;
        for (int i = 0; i < 10_000; i++)
        {
            Invoke();
        }

        // Counted without the listener, which allocates on the thread it samples.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            Invoke();
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"{name}: {(double)bytes / count:F1} B/op over {count} ops; samples by type (the listener's own boxes included):");
        using var listener = new AllocationListener();
        for (int i = 0; i < count; i++)
        {
            Invoke();
        }

        foreach (KeyValuePair<string, long> entry in listener.Samples.OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  {entry.Value,6} samples  {entry.Key}");
        }

        benchmarks.Cleanup();

        void Invoke()
        {
            if (run is not null)
            {
                run();
            }
            else
            {
                runWithResult!();
            }
        }
    }

    private static Func<object> CreateFunc(HotPathBenchmarks target, MethodInfo method) => () => method.Invoke(target, null)!;

    private sealed class AllocationListener : EventListener
    {
        public Dictionary<string, long> Samples { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.Payload is not null)
            {
                int index = e.PayloadNames!.IndexOf("TypeName");
                string type = index >= 0 ? e.Payload[index] as string ?? "?" : "?";
                lock (Samples)
                {
                    Samples[type] = Samples.GetValueOrDefault(type) + 1;
                }
            }
        }
    }
}
