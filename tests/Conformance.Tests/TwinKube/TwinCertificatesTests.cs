using System.Security.Cryptography.X509Certificates;
using Conformance.Twin.Tls;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinKube;

public sealed class TwinCertificatesTests
{
    [Fact]
    public void The_serving_certificate_names_every_host_chains_to_its_CA_only_and_has_its_key()
    {
        using var certs = TwinCertificates.Create("test-ca", "webhook", ["127.0.0.1", "localhost", "svc.ns.svc"]);
        using var other = TwinCertificates.Create("other-ca", "webhook", ["127.0.0.1"]);

        certs.Serving.HasPrivateKey.Should().BeTrue();
        certs.Ca.HasPrivateKey.Should().BeFalse("the CA key signs the serving certificate and is then thrown away");
        certs.Serving.GetECDsaPublicKey()!.KeySize.Should().Be(256);
        certs.Serving.MatchesHostname("127.0.0.1").Should().BeTrue();
        certs.Serving.MatchesHostname("localhost").Should().BeTrue();
        certs.Serving.MatchesHostname("svc.ns.svc").Should().BeTrue();
        certs.Serving.MatchesHostname("elsewhere.example").Should().BeFalse();
        certs.CaPem.Should().StartWith("-----BEGIN CERTIFICATE-----");

        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(certs.CaPem);
        TwinCertificates.ChainsTo(certs.Serving, roots).Should().BeTrue();
        var otherRoots = new X509Certificate2Collection();
        otherRoots.ImportFromPem(other.CaPem);
        TwinCertificates.ChainsTo(certs.Serving, otherRoots).Should().BeFalse();
    }
}
