using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Conformance.Twin.Injector.Injection;

/// <summary>What the injector decided for one AdmissionRequest.</summary>
public sealed record AdmissionDecision(string Uid, bool Allowed, string? Message, JsonArray? Patch)
{
    public bool Injected => Patch is not null;
}

/// <summary>
/// vault-k8s agent-inject/handler.go: decodes an admission.k8s.io/v1 (or v1beta1) AdmissionReview, decides with
/// pod annotations only (reference/vault.md §1.1), and answers with a JSONPatch or a denial message.
/// </summary>
public sealed class AdmissionHandler(InjectorOptions options, TwinFaults faults)
{
    private static readonly string[] KubeSystemNamespaces = ["kube-system", "kube-public"];

    /// <summary>The HTTP exchange: returns (status code, content type, body) as the real handler writes them.</summary>
    public (int Status, string ContentType, string Body) HandleHttp(string? contentType, string body)
    {
        // vault-k8s: only application/json is accepted (handler.go Handle). vault-k8s compares the raw header, which
        // kube-apiserver sends bare; the twin compares the media type, because the twin API server adds "; charset=utf-8".
        if (!(System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType == "application/json"))
            return (400, "text/plain; charset=utf-8", $"Invalid content-type: {GoParse.Quote(contentType ?? "")}\n");
        if (body.Length == 0) return (400, "text/plain; charset=utf-8", "Empty request body\n");

        JsonObject review;
        try { review = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException ex) { return (500, "text/plain; charset=utf-8", $"error decoding admission request: {ex.Message}\n"); }

        var request = review["request"] as JsonObject;
        var decision = Decide(request);
        options.Log?.WriteLine(decision.Allowed
            ? $"[INFO]  handler: Request received: uid={decision.Uid} injected={decision.Injected}"
            : $"[INFO]  handler: Request denied: uid={decision.Uid} message={decision.Message}");

        var response = new JsonObject { ["uid"] = decision.Uid, ["allowed"] = decision.Allowed };
        if (decision.Patch is not null)
        {
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(decision.Patch.ToJsonString()));
            response["patchType"] = "JSONPatch";
        }
        if (decision.Message is not null) response["status"] = new JsonObject { ["message"] = decision.Message };

        // vault-k8s answers with the AdmissionReview version it was sent (v1 by default)
        var apiVersion = review["apiVersion"]?.GetValue<string>() is { Length: > 0 } v ? v : "admission.k8s.io/v1";
        var answer = new JsonObject { ["kind"] = "AdmissionReview", ["apiVersion"] = apiVersion, ["response"] = response };
        return (200, "application/json", answer.ToJsonString());
    }

    /// <summary>handler.go Mutate().</summary>
    public AdmissionDecision Decide(JsonObject? request)
    {
        var uid = request?["uid"]?.GetValue<string>() ?? "";
        V1Pod pod;
        try
        {
            var raw = request?["object"] ?? throw new JsonException("request.object is missing");
            pod = KubernetesJson.Deserialize<V1Pod>(raw.ToJsonString());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return new AdmissionDecision(uid, false, ex.Message, null);
        }
        var ns = request?["namespace"]?.GetValue<string>() ?? "";
        return Decide(uid, pod, ns);
    }

    public AdmissionDecision Decide(string uid, V1Pod pod, string requestNamespace)
    {
        bool inject;
        try
        {
            // fault injector-ignores-pod-annotations: behave as if the pod carried no injector annotations
            inject = !faults.Has(TwinFaults.InjectorIgnoresPodAnnotations) && AgentSpec.ShouldInject(pod);
        }
        catch (GoParseException ex)
        {
            return new AdmissionDecision(uid, false, $"error checking if should inject agent: {ex.Message}", null);
        }
        if (!inject) return new AdmissionDecision(uid, true, null, null);

        // vault-k8s: pods in kube-system/kube-public are denied (vault.md §1.1)
        if (KubeSystemNamespaces.Contains(requestNamespace))
            return new AdmissionDecision(uid, false, $"error with request namespace: cannot inject into system namespaces: {requestNamespace}", null);

        try
        {
            var spec = AgentSpec.Build(pod, requestNamespace, options, faults);
            JsonArray patch;
            try { patch = PodPatchBuilder.Build(spec); }
            catch (GoParseException ex) { throw new InjectionDeniedException($"error creating patch for agent: {ex.Message}"); }
            return new AdmissionDecision(uid, true, null, patch);
        }
        catch (InjectionDeniedException ex)
        {
            return new AdmissionDecision(uid, false, ex.Message, null);
        }
    }
}
