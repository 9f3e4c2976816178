namespace Conformance.Environments.Twin.Aws;

/// <summary>
/// Named faults of the twin's AWS side. moto_server is not ours, so its faults live in a reverse proxy in front of it
/// (<see cref="SecretsManagerFaultProxy"/>), started only when one of them is switched on.
/// </summary>
public static class AwsFaults
{
    /// <summary>GetSecretValue for AWSCURRENT (the default stage) answers with the AWSPREVIOUS version, labelled current.</summary>
    public const string ReturnsPreviousForCurrent = "aws-returns-previous-for-current";

    public static IReadOnlyList<string> Known { get; } = [ReturnsPreviousForCurrent];
}
