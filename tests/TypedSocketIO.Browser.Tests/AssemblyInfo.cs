// One Chromium and one chat server serve every test; on a 2-core machine the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
