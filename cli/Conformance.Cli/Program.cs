using Conformance.Cli;

// run-e2e.sh validates its options and hands them over as CONFORMANCE_* environment variables; this program reads
// them again (they can be set directly) and does the work.
return await CliProgram.MainAsync(args, Environment.GetEnvironmentVariables(), Console.Out, Console.Error);
