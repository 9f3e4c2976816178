namespace Conformance.Twin.Kube.Http;

/// <summary>A resource request's coordinates parsed from its path (k8s.io/apiserver/pkg/endpoints/request.RequestInfoFactory).</summary>
public sealed record RequestInfo(string Group, string Version, string Namespace, string Resource, string Name, string Subresource, string Verb, bool LegacyWatch)
{
    /// <summary>Parses /api/v1/... and /apis/g/v/...; null when the path is not a resource path.</summary>
    public static RequestInfo? Parse(string method, string path, bool watchParam)
    {
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int i;
        string group, version;
        if (segs.Length >= 2 && segs[0] == "api") { group = ""; version = segs[1]; i = 2; }
        else if (segs.Length >= 3 && segs[0] == "apis") { group = segs[1]; version = segs[2]; i = 3; }
        else return null;
        var rest = segs[i..];
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch") { legacyWatch = true; rest = rest[1..]; }
        if (rest.Length == 0) return null;
        string ns = "", resource, name = "", sub = "";
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            resource = rest[2];
            if (rest.Length > 3) name = rest[3];
            if (rest.Length > 4) sub = string.Join('/', rest[4..]);
        }
        else
        {
            resource = rest[0];
            if (rest.Length > 1) name = rest[1];
            if (rest.Length > 2) sub = string.Join('/', rest[2..]);
            // a namespace's own name is its namespace for authorization (RequestInfoFactory)
            if (resource == "namespaces" && name.Length > 0) ns = name;
        }
        var verb = method switch
        {
            "GET" or "HEAD" => legacyWatch || watchParam ? "watch" : name.Length > 0 ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length > 0 ? "delete" : "deletecollection",
            _ => method.ToLowerInvariant(),
        };
        return new RequestInfo(group, version, ns, resource, name, sub, verb, legacyWatch);
    }
}
