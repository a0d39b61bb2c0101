// One class at a time: each class owns one server (ours or Node's) and its cases read that server's counters and the
// process-wide unobserved-exception record, which a parallel class would muddle; it also keeps the load of 2 cores down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
