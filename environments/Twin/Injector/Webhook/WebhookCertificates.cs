using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Conformance.Twin.Injector.Webhook;

/// <summary>
/// The injector's auto-TLS: it generates its own CA and serving certificate (ECDSA P-256 like vault-k8s) and puts the
/// CA into the webhook's caBundle (reference/vault.md §1.3 "TLS"). The serving certificate names the chart's service
/// host names and 127.0.0.1, where the twin's webhook really listens.
/// </summary>
public sealed class WebhookCertificates : IDisposable
{
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Serving { get; }

    /// <summary>The CA as PEM: the bytes of clientConfig.caBundle.</summary>
    public string CaPem { get; }

    private WebhookCertificates(X509Certificate2 ca, X509Certificate2 serving)
    {
        Ca = ca;
        Serving = serving;
        CaPem = ca.ExportCertificatePem() + "\n";
    }

    public static WebhookCertificates Create(IEnumerable<string> hosts, TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Agent Inject CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostList = hosts.ToList();
        var leafRequest = new CertificateRequest($"CN={hostList.FirstOrDefault() ?? "localhost"}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var h in hostList)
        {
            if (IPAddress.TryParse(h, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(h);
        }
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var leafPublic = leafRequest.Create(caWithKey, now.AddMinutes(-5), now.AddYears(1).AddDays(-1), serial);
        using var leafWithKey = leafPublic.CopyWithPrivateKey(leafKey);
        // Round-trip through PKCS#12 so Kestrel gets a certificate with a persisted (non-ephemeral) key on every platform.
        var serving = X509CertificateLoader.LoadPkcs12(leafWithKey.Export(X509ContentType.Pkcs12), null);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.Export(X509ContentType.Cert));
        return new WebhookCertificates(ca, serving);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Serving.Dispose();
    }
}
