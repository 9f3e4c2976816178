using System.Security.Cryptography;
using System.Text;
using Conformance.Environments.Options;

namespace Conformance.Environments.Plan;

/// <summary>The validator image built from environments/images/validator/Dockerfile (papermill preinstalled).</summary>
public static class ValidatorImageBuild
{
    public const string Repository = "conformance/validator";

    /// <summary>The Dockerfile, embedded in the assembly so a build needs no checkout path.</summary>
    public static string Dockerfile()
    {
        var assembly = typeof(ValidatorImageBuild).Assembly;
        using var stream = assembly.GetManifestResourceStream("images/validator/Dockerfile")
                           ?? throw new FileNotFoundException("the validator Dockerfile is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Content-addressed tag (Dockerfile + base image), never <c>latest</c>: pods then use IfNotPresent and find the
    /// image imported into K3s instead of pulling.
    /// </summary>
    public static string ImageName(LiveOptions options)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Dockerfile().ReplaceLineEndings("\n") + "\n" + options.ValidatorBaseImage));
        return $"{Repository}:{Convert.ToHexStringLower(hash)[..12]}";
    }
}
