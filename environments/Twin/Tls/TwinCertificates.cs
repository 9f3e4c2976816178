using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Conformance.Twin.Tls;

/// <summary>
/// A CA made at start and one serving certificate it signed, as K3s (server CA), vault-k8s (auto-TLS, reference/vault.md
/// §1.3) and a private git host have theirs; clients trust <see cref="CaPem"/>. ECDSA P-256 throughout: a key pair takes
/// microseconds where RSA 2048 takes tenths of a second, and KubernetesClient, kubectl, git (OpenSSL/GnuTLS), Kestrel
/// and the API server's webhook client all accept it.
/// </summary>
public sealed class TwinCertificates : IDisposable
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private TwinCertificates(X509Certificate2 ca, X509Certificate2 serving)
    {
        Ca = ca;
        Serving = serving;
        CaPem = ca.ExportCertificatePem() + "\n";
    }

    /// <summary>The CA's certificate (public part only: nothing else is ever signed with its key).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The serving certificate with its private key, for Kestrel's UseHttps.</summary>
    public X509Certificate2 Serving { get; }

    /// <summary>The CA as PEM: a kubeconfig's certificate-authority-data, a webhook's caBundle, git's sslCAInfo.</summary>
    public string CaPem { get; }

    /// <summary>
    /// Makes a CA named <paramref name="caName"/> and a serving certificate named <paramref name="servingName"/> for
    /// <paramref name="hosts"/> (IP addresses and DNS names, as subject alternative names), valid for a year.
    /// </summary>
    public static TwinCertificates Create(string caName, string servingName, IEnumerable<string> hosts, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(CommonName(caName), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(now - Backdate, now.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CommonName(servingName), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number, as RFC 5280 asks
        using var signed = request.Create(caWithKey, now - Backdate, now.AddYears(1).AddDays(-1), serial);
        using var withKey = signed.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so Kestrel gets a certificate with a persisted (non-ephemeral) key on every platform.
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.Export(X509ContentType.Cert));
        return new TwinCertificates(ca, serving);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> and to nothing else (a caBundle's trust).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(certificate);
    }

    private static X500DistinguishedName CommonName(string name)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(name);
        return builder.Build();
    }

    public void Dispose()
    {
        Ca.Dispose();
        Serving.Dispose();
    }
}
