using TypedSocketIO.Soak;

// The soak run (tests/soak/README.md). Exit code 0 when every criterion held.
SoakOptions options = SoakOptions.Parse(args);
SoakResult result = await SoakRun.RunAsync(options, Console.Out);
return result.Passed ? 0 : 1;
