using Conformance.Environments.Bench;

// Environment benchmarks. Speed targets live here, never in timed unit tests (the machine is shared).
const string Usage = """
    usage: Conformance.Environments.Bench twin-start [--cold N] [--warm N] [--aws on|off|both]
      twin-start  starts and stops the twin: N fresh processes (cold: runtime start, JIT, first use of everything)
                  and N starts inside one already-warm process; prints each part's time and the Tier 1 / full world
                  readiness, with wall and CPU time and the machine's load average.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

return args[0] switch
{
    "twin-start" => await TwinStartBench.RunAsync(args[1..]),
    TwinStartBench.ChildCommand => await TwinStartBench.ChildAsync(args[1..]),
    var other => Fail($"unknown benchmark '{other}'"),
};

int Fail(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine(Usage);
    return 2;
}
