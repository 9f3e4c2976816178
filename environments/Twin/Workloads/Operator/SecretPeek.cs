using System.Text;
using k8s;
using k8s.Autorest;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// Only for the faults that leak (OperatorFaults.CopiesSecretIntoMessage, LogsSecretValue): reads one value of a Secret
/// the job references, through the operator's own client, as v1.0.8 reads the git credentials Secret (operator.md §2.3).
/// The faithful operator never calls this.
/// </summary>
internal static class SecretPeek
{
    public static async Task<(string Name, string Value)?> FirstValueAsync(IKubernetes client, NotebookValidationJob job, CancellationToken ct)
    {
        var pc = job.Spec.PodConfig;
        foreach (var env in pc.Env ?? [])
        {
            if (env.ValueFrom?.SecretKeyRef is { } r && await ReadAsync(client, job.Namespace, r.Name, r.Key, ct) is { } v)
                return (env.Name, v);
        }

        var secrets = (pc.EnvFrom ?? []).Select(f => f.SecretRef?.Name).Concat(pc.Credentials ?? []).OfType<string>();
        foreach (var name in secrets)
        {
            if (await ReadAsync(client, job.Namespace, name, key: null, ct) is { } v) return (name, v);
        }

        return null;
    }

    private static async Task<string?> ReadAsync(IKubernetes client, string ns, string name, string? key, CancellationToken ct)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct);
            var data = secret.Data ?? new Dictionary<string, byte[]>();
            var bytes = key is null ? data.Values.FirstOrDefault() : data.TryGetValue(key, out var b) ? b : null;
            return bytes is null ? null : Encoding.UTF8.GetString(bytes);
        }
        catch (HttpOperationException)
        {
            return null;
        }
    }
}
