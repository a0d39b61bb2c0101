// BenchmarkDotNet micro-benchmarks of the hot path, with allocations per operation ([MemoryDiagnoser]).
//
//   dotnet build bench/Micro -c Release && dotnet bench/Micro/bin/Release/net10.0/Micro.dll --filter '*' --job short --inProcess --artifacts /tmp/bdn
//
// What allocates in one of them (bytes/op, and the runtime's allocation samples by type):
//
//   dotnet bench/Micro/bin/Release/net10.0/Micro.dll --alloc AckRoundTripTyped [count]
using BenchmarkDotNet.Running;

if (args.Length >= 2 && args[0] == "--alloc")
{
    Micro.AllocationTrace.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Micro.HotPathBenchmarks).Assembly).Run(args);
