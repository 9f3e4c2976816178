namespace Conformance.Twin.Kube.Auth;

/// <summary>An authenticated user (k8s.io/apiserver/pkg/authentication/user.Info).</summary>
public sealed record UserInfo(string Name, string Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, string[]>? Extra = null)
{
    public bool IsMaster => Groups.Contains("system:masters");

    /// <summary>The identity of a service account, with the groups the real authenticator adds.</summary>
    public static UserInfo ServiceAccount(string ns, string name, string uid, IReadOnlyDictionary<string, string[]>? extra = null) =>
        new($"system:serviceaccount:{ns}:{name}", uid, ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], extra);

    public static UserInfo Admin { get; } = new("admin", "admin", ["system:masters", "system:authenticated"]);
    /// <summary>The server's own controllers (GC, namespace, token controllers).</summary>
    public static UserInfo System { get; } = new("system:apiserver", "", ["system:masters"]);
}
