// BenchmarkDotNet micro-benchmarks of the hot path, with allocations per operation ([MemoryDiagnoser]).
//
//   dotnet build bench/Micro -c Release && dotnet bench/Micro/bin/Release/net10.0/Micro.dll --filter '*' --job short --inProcess --artifacts /tmp/bdn
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Micro.HotPathBenchmarks).Assembly).Run(args);
