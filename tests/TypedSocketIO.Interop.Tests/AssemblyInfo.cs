// The interop tests are timing-sensitive (pingTimeout 200 ms in the conformance checks) and start
// Node processes: on a 2-core machine they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
