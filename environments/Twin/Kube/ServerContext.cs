using Conformance.Twin.Kube.Admission;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Auth;
using Conformance.Twin.Kube.Controllers;
using Conformance.Twin.Kube.Storage;
using Conformance.Twin.Tls;

namespace Conformance.Twin.Kube;

/// <summary>The parts of one server instance, wired together.</summary>
public sealed class ServerContext
{
    public required KubeApiServerOptions Options { get; init; }
    public required ObjectStore Store { get; init; }
    public required ObjectService Objects { get; init; }
    public required TokenIssuer Tokens { get; init; }
    public required RbacAuthorizer Rbac { get; init; }
    public required Reviews Reviews { get; init; }
    public required PodSubresources PodLogs { get; init; }
    public required NamespaceController Namespaces { get; init; }
    public required TwinCertificates Certificates { get; init; }
    public required string AdminToken { get; init; }
    public TimeProvider Time => Options.TimeProvider;
    public Action<string>? Log => Options.Log;
    public int Port { get; set; }
    public CancellationToken Stopping { get; init; }
}
