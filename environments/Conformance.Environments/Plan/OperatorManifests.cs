using System.Reflection;
using Conformance.Environments.Options;

namespace Conformance.Environments.Plan;

/// <summary>
/// Renders the operator's kustomize overlay (config/default of v1.0.8) the way <c>kubectl kustomize</c> would, minus
/// the webhook and cert-manager parts (reference/operator.md §3: "leave out webhook, certmanager and their patches,
/// and keep ENABLE_WEBHOOKS unset"). Only the kustomize features that overlay uses are supported: resources,
/// namespace, namePrefix (with RBAC and serviceAccountName references), strategic-merge patches of containers, images.
/// </summary>
public static class OperatorManifests
{
    /// <summary>Resources and patches of config/default that only exist for webhooks and cert-manager.</summary>
    public static readonly IReadOnlySet<string> Excluded = new HashSet<string>(StringComparer.Ordinal)
    {
        "../webhook", "../certmanager", "manager_webhook_patch.yaml", "webhookcainjection_patch.yaml",
        "patches/cainjection_in_notebookvalidationjobs.yaml",
    };

    public const string Namespace = "jupyter-notebook-validator-operator";
    public const string DeploymentName = "notebook-validator-controller-manager";
    public const string CrdName = "notebookvalidationjobs.mlops.mlops.dev";

    /// <summary>Reads a file of the embedded config tree (paths like <c>default/kustomization.yaml</c>).</summary>
    public static string ReadEmbedded(string path)
    {
        var assembly = typeof(OperatorManifests).Assembly;
        using var stream = assembly.GetManifestResourceStream("operator/" + path)
                           ?? throw new FileNotFoundException($"operator manifest '{path}' is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The overlay as kustomize renders it without webhooks (what a test compares to kubectl kustomize).</summary>
    public static IReadOnlyList<Manifest> RenderUpstream(Func<string, string>? read = null)
    {
        read ??= ReadEmbedded;
        var root = Yaml.LoadAll(read("default/kustomization.yaml"))[0];
        var ns = (string)root["namespace"]!;
        var prefix = (string)root["namePrefix"]!;

        var resources = new List<Dictionary<string, object?>>();
        var images = new List<Dictionary<string, object?>>();
        foreach (var resource in Strings(root, "resources").Where(r => !Excluded.Contains(r)))
        {
            LoadDirectory(read, Normalize("default", resource), resources, images);
        }

        foreach (var patchPath in PatchPaths(root).Where(p => !Excluded.Contains(p)))
        {
            foreach (var patch in Yaml.LoadAll(read(Normalize("default", patchPath))))
            {
                var target = resources.Single(r => Kind(r) == Kind(patch) && Name(r) == Name(patch));
                StrategicMerge(target, patch);
            }
        }

        foreach (var image in images)
        {
            foreach (var container in resources.Where(r => Kind(r) == "Deployment").SelectMany(Containers))
            {
                // kustomize matches the image name with or without a tag or digest.
                var current = (string?)container["image"] ?? "";
                var name = (string)image["name"]!;
                if (current == name || current.StartsWith(name + ":", StringComparison.Ordinal) || current.StartsWith(name + "@", StringComparison.Ordinal))
                    container["image"] = $"{image["newName"]}:{image["newTag"]}";
            }
        }

        foreach (var r in resources) Prefix(r, prefix, ns);
        return resources.Select(r => new Manifest(r)).ToList();
    }

    /// <summary>The manifests the live worlds apply: upstream rendering + pinned image, PLATFORM and GIT_INIT_IMAGE.</summary>
    public static IReadOnlyList<Manifest> Render(LiveOptions options)
    {
        var manifests = RenderUpstream();
        var deployment = manifests.Single(m => m.Kind == "Deployment").Tree;
        var manager = Containers(deployment).Single(c => (string?)c["name"] == "manager");
        manager["image"] = options.OperatorImage;
        // A pinned tag needs no pull per pod start; upstream's Always would fail offline (reference/operator.md §3).
        manager["imagePullPolicy"] = "IfNotPresent";
        var env = (List<object?>)manager["env"]!;
        SetEnv(env, "PLATFORM", "kubernetes");
        SetEnv(env, "GIT_INIT_IMAGE", options.GitInitImage);
        if (env.OfType<Dictionary<string, object?>>().Any(e => (string?)e["name"] == "ENABLE_WEBHOOKS"))
            throw new InvalidOperationException("ENABLE_WEBHOOKS must stay unset without cert-manager");
        return manifests;
    }

    private static void SetEnv(List<object?> env, string name, string value)
    {
        var entry = env.OfType<Dictionary<string, object?>>().FirstOrDefault(e => (string?)e["name"] == name);
        if (entry is null) env.Add(new Dictionary<string, object?> { ["name"] = name, ["value"] = value });
        else entry["value"] = value;
    }

    private static void LoadDirectory(
        Func<string, string> read, string dir, List<Dictionary<string, object?>> resources, List<Dictionary<string, object?>> images)
    {
        var kustomization = Yaml.LoadAll(read(dir + "/kustomization.yaml"))[0];
        foreach (var resource in Strings(kustomization, "resources"))
        {
            var path = Normalize(dir, resource);
            if (!path.EndsWith(".yaml", StringComparison.Ordinal)) LoadDirectory(read, path, resources, images);
            else resources.AddRange(Yaml.LoadAll(read(path)));
        }

        if (PatchPaths(kustomization).Any(p => !Excluded.Contains(p)))
            throw new NotSupportedException($"{dir}/kustomization.yaml has patches this renderer does not know");
        if (kustomization.TryGetValue("images", out var list) && list is List<object?> entries)
            images.AddRange(entries.OfType<Dictionary<string, object?>>());
    }

    private static IEnumerable<string> PatchPaths(Dictionary<string, object?> kustomization) =>
        kustomization.TryGetValue("patches", out var p) && p is List<object?> patches
            ? patches.OfType<Dictionary<string, object?>>().Select(x => (string)x["path"]!)
            : [];

    private static IEnumerable<string> Strings(Dictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var v) && v is List<object?> list ? list.OfType<string>() : [];

    private static string Normalize(string dir, string relative)
    {
        var parts = new List<string>(dir.Split('/'));
        foreach (var part in relative.Split('/'))
        {
            if (part == "..") parts.RemoveAt(parts.Count - 1);
            else if (part != ".") parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static string Kind(Dictionary<string, object?> r) => (string)r["kind"]!;
    private static Dictionary<string, object?> Meta(Dictionary<string, object?> r) => (Dictionary<string, object?>)r["metadata"]!;
    private static string Name(Dictionary<string, object?> r) => (string)Meta(r)["name"]!;

    private static IEnumerable<Dictionary<string, object?>> Containers(Dictionary<string, object?> deployment) =>
        ((List<object?>)Pod(deployment)["containers"]!).OfType<Dictionary<string, object?>>();

    private static Dictionary<string, object?> Pod(Dictionary<string, object?> deployment) =>
        (Dictionary<string, object?>)((Dictionary<string, object?>)((Dictionary<string, object?>)deployment["spec"]!)["template"]!)["spec"]!;

    private static readonly HashSet<string> ClusterScoped = ["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"];

    // kustomize: namePrefix renames everything but Namespaces and CRDs and fixes the references to renamed objects;
    // namespace lands on namespaced objects and on ServiceAccount subjects of bindings.
    private static void Prefix(Dictionary<string, object?> r, string prefix, string ns)
    {
        var kind = Kind(r);
        var meta = Meta(r);
        if (kind is not ("Namespace" or "CustomResourceDefinition")) meta["name"] = prefix + Name(r);
        if (!ClusterScoped.Contains(kind)) meta["namespace"] = ns;
        if (kind is "RoleBinding" or "ClusterRoleBinding")
        {
            var roleRef = (Dictionary<string, object?>)r["roleRef"]!;
            roleRef["name"] = prefix + roleRef["name"];
            foreach (var subject in ((List<object?>)r["subjects"]!).OfType<Dictionary<string, object?>>())
            {
                if ((string?)subject["kind"] != "ServiceAccount") continue;
                subject["name"] = prefix + subject["name"];
                subject["namespace"] = ns;
            }
        }

        if (kind == "Deployment")
        {
            var pod = Pod(r);
            if (pod.TryGetValue("serviceAccountName", out var sa) && sa is string name) pod["serviceAccountName"] = prefix + name;
        }
    }

    // Strategic merge as kustomize applies it to these patches: maps merge, container lists merge by name,
    // other lists are replaced.
    private static void StrategicMerge(Dictionary<string, object?> target, Dictionary<string, object?> patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is Dictionary<string, object?> pm && target.TryGetValue(key, out var tv) && tv is Dictionary<string, object?> tm)
            {
                StrategicMerge(tm, pm);
            }
            else if (key is "containers" && value is List<object?> pl && target.TryGetValue(key, out var tl) && tl is List<object?> existing)
            {
                var merged = new List<object?>();
                foreach (var item in pl.OfType<Dictionary<string, object?>>())
                {
                    var match = existing.OfType<Dictionary<string, object?>>().FirstOrDefault(e => Equals(e["name"], item["name"]));
                    if (match is null) merged.Add(item);
                    else StrategicMerge(match, item);
                }

                // kustomize puts patch-only list items first, then the existing ones in their order.
                merged.AddRange(existing);
                target[key] = merged;
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
