using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Injector.Injection;

namespace Conformance.Twin.Injector.Agent;

/// <summary>One `template` stanza of the agent config.</summary>
public sealed record AgentTemplate(string Destination, string Contents, string Source, string LeftDelim, string RightDelim,
    string Perms, bool ErrorOnMissingKey, string Command);

/// <summary>
/// The Vault Agent config the container runs with: decoded from `VAULT_CONFIG` (base64 JSON) exactly as the injected
/// container's `echo ${VAULT_CONFIG?} | base64 -d > config.json && vault agent -config=...` does (reference/vault.md §1.2).
/// </summary>
public sealed record AgentConfigFile
{
    public required string VaultAddress { get; init; }
    public required string AuthType { get; init; }
    public required string AuthMountPath { get; init; }
    public required IReadOnlyDictionary<string, string> AuthConfig { get; init; }
    public required IReadOnlyList<string> SinkPaths { get; init; }
    public bool ExitAfterAuth { get; init; }
    public required IReadOnlyList<AgentTemplate> Templates { get; init; }
    public bool ExitOnRetryFailure { get; init; }

    /// <summary>template_config.static_secret_render_interval; Vault Agent's default is 5m (reference/vault.md §2.3).</summary>
    public TimeSpan StaticSecretRenderInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>template_config.lease_renewal_threshold; consul-template's default is 0.90 (reference/vault.md §2.2).</summary>
    public double LeaseRenewalThreshold { get; init; } = 0.90;

    public TimeSpan AuthMinBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan AuthMaxBackoff { get; init; } = TimeSpan.FromMinutes(5);
    public bool AutoAuthExitOnError { get; init; }

    public string RoleName => AuthConfig.GetValueOrDefault("role", "");
    public string TokenPath => AuthConfig.GetValueOrDefault("token_path", "/var/run/secrets/kubernetes.io/serviceaccount/token");

    public static AgentConfigFile FromEnv(IReadOnlyDictionary<string, string> env)
    {
        if (!env.TryGetValue("VAULT_CONFIG", out var b64) || b64.Length == 0)
            throw new AgentConfigException("/bin/sh: VAULT_CONFIG: parameter not set");
        string json;
        try { json = Encoding.UTF8.GetString(Convert.FromBase64String(b64)); }
        catch (FormatException) { throw new AgentConfigException("base64: invalid input"); }
        return Parse(json);
    }

    public static AgentConfigFile Parse(string json)
    {
        JsonObject root;
        try { root = JsonNode.Parse(json) as JsonObject ?? throw new AgentConfigException("error loading configuration: not a JSON object"); }
        catch (JsonException ex) { throw new AgentConfigException($"error loading configuration from /home/vault/config.json: {ex.Message}"); }

        var method = root["auto_auth"]?["method"] as JsonObject
            ?? throw new AgentConfigException("error loading configuration: auto_auth.method is required by the twin agent");
        var config = (method["config"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "") ?? [];
        var sinks = (root["auto_auth"]?["sink"] as JsonArray ?? [])
            .Select(s => s?["config"]?["path"]?.GetValue<string>()).OfType<string>().ToList();
        var templates = (root["template"] as JsonArray ?? []).OfType<JsonObject>().Select(t => new AgentTemplate(
            Str(t, "destination"), Str(t, "contents"), Str(t, "source"), Str(t, "left_delimiter"), Str(t, "right_delimiter"),
            Str(t, "perms"), t["error_on_missing_key"]?.GetValue<bool>() ?? false, Str(t, "command"))).ToList();
        var tc = root["template_config"] as JsonObject;
        var interval = Str(tc, "static_secret_render_interval");
        var threshold = tc?["lease_renewal_threshold"]?.GetValue<double>() ?? 0;
        var mountPath = Str(method, "mount_path");
        var type = Str(method, "type");
        return new AgentConfigFile
        {
            VaultAddress = Str(root["vault"] as JsonObject, "address"),
            AuthType = type,
            AuthMountPath = mountPath.Length > 0 ? mountPath : $"auth/{type}",
            AuthConfig = config,
            SinkPaths = sinks,
            ExitAfterAuth = root["exit_after_auth"]?.GetValue<bool>() ?? false,
            Templates = templates,
            ExitOnRetryFailure = tc?["exit_on_retry_failure"]?.GetValue<bool>() ?? false,
            StaticSecretRenderInterval = interval.Length > 0 ? GoDuration(interval, "static_secret_render_interval") : TimeSpan.FromMinutes(5),
            LeaseRenewalThreshold = threshold > 0 ? threshold : 0.90,
            AuthMinBackoff = Str(method, "min_backoff") is { Length: > 0 } min ? GoDuration(min, "min_backoff") : TimeSpan.FromSeconds(1),
            AuthMaxBackoff = Str(method, "max_backoff") is { Length: > 0 } max ? GoDuration(max, "max_backoff") : TimeSpan.FromMinutes(5),
            AutoAuthExitOnError = method["exit_on_err"]?.GetValue<bool>() ?? false,
        };
    }

    private static TimeSpan GoDuration(string raw, string field)
    {
        try { return GoParse.ParseDurationSecond(raw); }
        catch (GoParseException ex) { throw new AgentConfigException($"error loading configuration: {field}: {ex.Message}"); }
    }

    private static string Str(JsonObject? o, string key) => o?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
}

/// <summary>The agent could not start from its config; the message is what the container logs before exiting 1.</summary>
public sealed class AgentConfigException(string message) : Exception(message);
