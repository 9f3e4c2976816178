using Conformance.Twin.Kube.Auth;

namespace Conformance.Twin.Kube.Api;

/// <summary>Who asks and how (dryRun, fieldManager, fieldValidation, force) for one write.</summary>
public sealed record RequestContext(UserInfo User, string Version, bool DryRun = false, string? FieldManager = null,
    string? FieldValidation = null, bool Force = false, string UserAgent = "", bool IsApply = false)
{
    public static RequestContext System(string version = "v1") => new(UserInfo.System, version);

    /// <summary>The manager name: the fieldManager parameter, else the user agent's product (as the real server derives it).</summary>
    public string Manager => !string.IsNullOrEmpty(FieldManager) ? FieldManager
        : UserAgent.Length > 0 ? UserAgent.Split('/')[0] : "unknown";
}

/// <summary>DeleteOptions of one deletion.</summary>
public sealed record DeleteRequest(string? PropagationPolicy = null, long? GracePeriodSeconds = null, string? PreconditionUid = null,
    string? PreconditionResourceVersion = null);
