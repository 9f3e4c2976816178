using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Conformance.Twin.Kube;
using Conformance.Twin.Tls;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinKube;

// How fast it starts is measured by the twin-start benchmark (environments/Conformance.Environments.Bench), not here:
// a timed assertion on a shared 2-core machine fails for the neighbours' load, not for the code.
public sealed class StartupTests
{
    [Fact]
    public async Task The_server_answers_at_once_over_TLS_with_a_certificate_that_chains_to_its_own_CA()
    {
        await using var s = await KubeApiServer.StartAsync(new KubeApiServerOptions(), TestContext.Current.CancellationToken);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(s.CaCertificatePem);
        X509Certificate2? presented = null;
        SslPolicyErrors? errors = null;
        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, c, _, e) =>
            {
                presented = c is null ? null : X509CertificateLoader.LoadCertificate(c.RawData);
                errors = e;
                return c is not null && TwinCertificates.ChainsTo(c, roots);
            },
        });
        http.DefaultRequestHeaders.Authorization = new("Bearer", s.AdminToken);

        (await http.GetStringAsync(new Uri(s.BaseAddress, "/api/v1/namespaces/default"), TestContext.Current.CancellationToken))
            .Should().Contain("\"name\":\"default\"");

        presented.Should().NotBeNull();
        presented!.Issuer.Should().Contain("twin-kube-server-ca@");
        presented.GetECDsaPublicKey().Should().NotBeNull("the twin's certificates are ECDSA P-256 (fast to make)");
        errors.Should().Be(SslPolicyErrors.RemoteCertificateChainErrors, "only the CA is unknown to the system store; the name 127.0.0.1 matches");
    }
}
