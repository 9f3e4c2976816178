using System.Diagnostics;
using Conformance.Environments.Twin;

namespace Conformance.Cli;

/// <summary>Starts the twin alone and keeps it running until interrupted: a playground for writing scenarios.</summary>
public static class ServeTwinCommand
{
    public static async Task<int> ExecuteAsync(
        RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(RepositoryRoot.Find(), "artifacts", "twin");
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        await using var twin = new TwinEnvironment(new TwinOptions
        {
            OperatorProfile = settings.OperatorProfile,
            Faults = settings.Faults,
            PostgresDsn = Environment.GetEnvironmentVariable("CONFORMANCE_POSTGRES_DSN") is { Length: > 0 } dsn ? dsn : null,
        });

        Fixtures.Worlds.World world;
        try
        {
            world = await twin.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"run-e2e.sh --serve-twin: the twin did not start: {e.Message}");
            return CliProgram.EnvironmentDown;
        }

        var kubeconfig = Path.Combine(folder, "kubeconfig");
        File.Copy(world.Kube.KubeconfigPath, kubeconfig, overwrite: true);
        var envFile = Path.Combine(folder, "endpoints.env");
        await File.WriteAllLinesAsync(envFile, EndpointLines(world, kubeconfig), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await output.WriteLineAsync($"The twin is up ({clock.ElapsedMilliseconds} ms, profile {settings.OperatorProfile}).");
        await output.WriteLineAsync($"  start-up:   {twin.Timings}");
        await output.WriteLineAsync($"  kubeconfig: {kubeconfig}");
        await output.WriteLineAsync($"  endpoints:  {envFile}  (source it: Vault address and token, AWS endpoint)");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"  export KUBECONFIG={kubeconfig}");
        await output.WriteLineAsync("  kubectl get crds");
        await output.WriteLineAsync("  kubectl apply -f ../shared/upstream/operator/config/samples/<sample>.yaml");
        await output.WriteLineAsync("  kubectl get notebookvalidationjobs -w");
        await output.WriteLineAsync();
        await output.WriteLineAsync("Press Ctrl-C to stop it.");

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("Stopping the twin.");
        }

        return CliProgram.Passed;
    }

    // The playground is the user's own machine: the endpoints file holds the dev root token, as `vault server -dev`
    // prints it; it is written with owner-only permissions and never into a run's artifact folder.
    private static IEnumerable<string> EndpointLines(Fixtures.Worlds.World world, string kubeconfig)
    {
        yield return $"export KUBECONFIG={kubeconfig}";
        if (world.Vault is { } vault)
        {
            yield return $"export VAULT_ADDR={vault.Address.ToString().TrimEnd('/')}";
            yield return $"export VAULT_TOKEN={vault.RootToken}";
        }

        if (world.Aws is { } aws)
        {
            yield return $"export AWS_ENDPOINT_URL={aws.Endpoint.ToString().TrimEnd('/')}";
            yield return $"export AWS_REGION={aws.Region}";
            yield return $"export AWS_ACCESS_KEY_ID={aws.AccessKeyId}";
            yield return $"export AWS_SECRET_ACCESS_KEY={aws.SecretAccessKey}";
        }
    }
}
