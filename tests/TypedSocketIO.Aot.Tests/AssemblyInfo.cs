// One NativeAOT publish uses both cores of a small machine for minutes: the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
