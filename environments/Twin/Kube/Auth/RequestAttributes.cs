namespace Conformance.Twin.Kube.Auth;

/// <summary>What a request asks to do (k8s.io/apiserver/pkg/authorization/authorizer.Attributes).</summary>
public sealed record RequestAttributes(
    UserInfo User, string Verb, string ApiGroup, string Resource, string Subresource, string Namespace, string Name,
    bool IsResourceRequest = true, string Path = "")
{
    /// <summary>The Forbidden message body as kube-apiserver's authorization filter writes it.</summary>
    public string ForbiddenMessage()
    {
        if (!IsResourceRequest) return $"User \"{User.Name}\" cannot {Verb} path \"{Path}\"";
        var resource = Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource;
        return Namespace.Length > 0
            ? $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{ApiGroup}\" in the namespace \"{Namespace}\""
            : $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{ApiGroup}\" at the cluster scope";
    }

    public string GroupResource => ApiGroup.Length == 0 ? Resource : $"{Resource}.{ApiGroup}";
}
