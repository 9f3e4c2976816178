using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Conformance.Twin.Injector.Injection;

/// <summary>
/// The Vault Agent config the injector generates (vault-k8s config.go newConfig), written as Go's encoding/json
/// would: struct field order, omitempty, sorted map keys, HTML-escaped strings. It travels base64-encoded in the
/// `VAULT_CONFIG` env var of both agent containers (reference/vault.md §1.2 "What the mutation produces").
/// </summary>
public static class AgentConfigJson
{
    /// <summary>vault-k8s DefaultMapTemplate: a Go map print of .Data per key (vault.md §1.2 agent-inject-default-template).</summary>
    public const string DefaultMapTemplate = "{{ with secret \"%s\" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}";
    public const string DefaultJsonTemplate = "{{ with secret \"%s\" }}{{ .Data | toJSON }}\n{{ end }}";

    public static string Render(AgentSpec a, bool init)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("auto_auth");
            w.WriteStartObject();
            w.WritePropertyName("method");
            w.WriteStartObject();
            w.WriteString("type", a.Vault.AuthType);
            OmitEmpty(w, "mount_path", a.Vault.AuthPath);
            OmitEmpty(w, "min_backoff", a.Vault.AuthMinBackoff);
            OmitEmpty(w, "max_backoff", a.Vault.AuthMaxBackoff);
            OmitEmpty(w, "namespace", a.Vault.Namespace);
            if (a.Vault.AuthConfig.Count > 0)
            {
                w.WritePropertyName("config");
                w.WriteStartObject();
                foreach (var (k, v) in a.Vault.AuthConfig) w.WriteString(k, v); // Go sorts map keys
                w.WriteEndObject();
            }
            if (a.AutoAuthExitOnError) w.WriteBoolean("exit_on_err", true);
            w.WriteEndObject();
            w.WritePropertyName("sink");
            w.WriteStartArray();
            WriteFileSink(w, AgentSpec.TokenFile);
            // vault-k8s: agent-inject-token adds a sink at <secret-volume-path>/token (vault.md §1.2)
            if (a.InjectToken) WriteFileSink(w, AgentSpec.JoinPath(a.Effective.GetValueOrDefault(Annotations.SecretVolumePath, ""), "token"));
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteBoolean("exit_after_auth", init); // init container: exit_after_auth=true (vault.md §1.2)
            w.WriteString("pid_file", AgentSpec.PidFile);

            w.WritePropertyName("vault");
            w.WriteStartObject();
            w.WriteString("address", a.Vault.Address);
            OmitEmpty(w, "ca_cert", a.Vault.CaCert);
            OmitEmpty(w, "ca_path", a.Vault.CaKey);
            if (a.Vault.TlsSkipVerify) w.WriteBoolean("tls_skip_verify", true);
            OmitEmpty(w, "client_cert", a.Vault.ClientCert);
            OmitEmpty(w, "client_key", a.Vault.ClientKey);
            OmitEmpty(w, "tls_server_name", a.Vault.TlsServerName);
            w.WriteEndObject();

            if (a.Secrets.Count > 0)
            {
                w.WritePropertyName("template");
                w.WriteStartArray();
                foreach (var s in a.Secrets) WriteTemplate(w, a, s);
                w.WriteEndArray();
            }

            var (listener, cache) = CacheAndListener(a, init);
            if (listener)
            {
                w.WritePropertyName("listener");
                w.WriteStartArray();
                w.WriteStartObject();
                w.WriteString("type", "tcp");
                w.WriteString("address", $"127.0.0.1:{a.Cache.ListenerPort}");
                w.WriteBoolean("tls_disable", true);
                if (a.EnableQuit)
                {
                    w.WritePropertyName("agent_api");
                    w.WriteStartObject();
                    w.WriteBoolean("enable_quit", true);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndArray();
            }
            if (cache is not null)
            {
                w.WritePropertyName("cache");
                w.WriteStartObject();
                OmitEmpty(w, "use_auto_auth_token", cache.Value.UseAutoAuthToken);
                if (cache.Value.Persist)
                {
                    // vault-k8s: persistent cache of type kubernetes at /vault/agent-cache (vault.md §1.2 agent-cache-enable)
                    w.WritePropertyName("persist");
                    w.WriteStartObject();
                    w.WriteString("type", "kubernetes");
                    w.WriteString("path", AgentSpec.CacheVolumePath);
                    if (a.Cache.ExitOnErr) w.WriteBoolean("exit_on_err", true);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }

            w.WritePropertyName("template_config");
            w.WriteStartObject();
            w.WriteBoolean("exit_on_retry_failure", a.TemplateConfig.ExitOnRetryFailure);
            OmitEmpty(w, "static_secret_render_interval", a.TemplateConfig.StaticSecretRenderInterval);
            if (a.TemplateConfig.MaxConnectionsPerHost != 0) w.WriteNumber("max_connections_per_host", a.TemplateConfig.MaxConnectionsPerHost);
            if (a.TemplateConfig.LeaseRenewalThreshold != 0) w.WriteNumber("lease_renewal_threshold", a.TemplateConfig.LeaseRenewalThreshold);
            w.WriteEndObject();

            WriteStringList(w, "disable_idle_connections", a.DisableIdleConnections);
            WriteStringList(w, "disable_keep_alives", a.DisableKeepAlives);
            w.WriteEndObject();
        }
        // Go's encoding/json escapes <, > and & inside strings; outside strings they cannot occur.
        return Encoding.UTF8.GetString(buffer.ToArray())
            .Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal);
    }

    public static string RenderBase64(AgentSpec a, bool init) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Render(a, init)));

    // vault-k8s config.go newConfig(): listener+cache for a persistent cache, or a sidecar-only cache (vault.md §1.2)
    private static (bool Listener, (string UseAutoAuthToken, bool Persist)? Cache) CacheAndListener(AgentSpec a, bool init)
    {
        bool listener = false;
        (string, bool)? cache = null;
        if (a.Cache.Persist) { listener = true; cache = (a.Cache.UseAutoAuthToken, true); }
        else if (a.Cache.Enable && !a.PrePopulateOnly && !init) { listener = true; cache = (a.Cache.UseAutoAuthToken, false); }
        if (a.EnableQuit) { listener = true; cache ??= ("", false); }
        return (listener, cache);
    }

    private static void WriteTemplate(Utf8JsonWriter w, AgentSpec a, SecretSpec s)
    {
        var contents = s.Template;
        if (s.TemplateFile.Length == 0 && contents.Length == 0)
            contents = (a.DefaultTemplate == "json" ? DefaultJsonTemplate : DefaultMapTemplate).Replace("%s", s.Path, StringComparison.Ordinal);
        var destination = s.FilePathAndName.Length > 0 ? AgentSpec.JoinPath(s.MountPath, s.FilePathAndName) : $"{s.MountPath}/{s.Name}";
        w.WriteStartObject();
        w.WriteString("destination", destination);
        OmitEmpty(w, "contents", contents);
        w.WriteString("left_delimiter", s.LeftDelimiter.Length > 0 ? s.LeftDelimiter : "{{");
        w.WriteString("right_delimiter", s.RightDelimiter.Length > 0 ? s.RightDelimiter : "}}");
        OmitEmpty(w, "command", s.Command);
        OmitEmpty(w, "source", s.TemplateFile);
        OmitEmpty(w, "perms", s.FilePermission);
        if (s.ErrMissingKey) w.WriteBoolean("error_on_missing_key", true);
        w.WriteEndObject();
    }

    private static void WriteFileSink(Utf8JsonWriter w, string path)
    {
        w.WriteStartObject();
        w.WriteString("type", "file");
        w.WritePropertyName("config");
        w.WriteStartObject();
        w.WriteString("path", path);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStringList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return;
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void OmitEmpty(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0) w.WriteString(name, value);
    }
}
