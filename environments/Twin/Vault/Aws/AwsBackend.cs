using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Leases;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Aws;

/// <summary>
/// The AWS secrets engine (reference/vault.md §3.4): config/root with iam_endpoint/sts_endpoint, config/lease, roles
/// of type iam_user (a real IAM user + access key, renewable lease, revoked by deleting them) and assumed_role (STS
/// AssumeRole, non-renewable lease), creds/&lt;role&gt; and sts/&lt;role&gt;.
/// </summary>
internal sealed class AwsBackend(VaultCore core) : IBackend
{
    private sealed class Root
    {
        public string AccessKey { get; init; } = "";
        public string SecretKey { get; init; } = "";
        public string Region { get; init; } = "us-east-1";
        public string IamEndpoint { get; init; } = "";
        public string StsEndpoint { get; init; } = "";
        public long MaxRetries { get; init; } = -1;
    }

    private sealed class Role
    {
        public required string CredentialType { get; init; }
        public List<string> PolicyArns { get; init; } = [];
        public string PolicyDocument { get; init; } = "";
        public List<string> RoleArns { get; init; } = [];
        public List<string> IamGroups { get; init; } = [];
        public TimeSpan DefaultStsTtl { get; init; }
        public TimeSpan MaxStsTtl { get; init; }
        public string UserPath { get; init; } = "/";
        public string PermissionsBoundaryArn { get; init; } = "";
    }

    private Root _root = new();
    private TimeSpan _lease, _leaseMax;
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static (string, string) Split(string rel)
    {
        var i = rel.IndexOf('/');
        return i < 0 ? (rel, "") : (rel[..i], rel[(i + 1)..]);
    }

    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var (kind, name) = Split(req.RelativePath);
        return (kind, name, req.Operation) switch
        {
            ("config", "root", VaultOperation.Read) => ReadRoot(),
            ("config", "root", _) => WriteRoot(req),
            ("config", "lease", VaultOperation.Read) => VaultResponse.Ok(new JsonObject { ["lease"] = GoDuration.Format(_lease), ["lease_max"] = GoDuration.Format(_leaseMax) }),
            ("config", "lease", _) => WriteLease(req),
            ("roles", _, VaultOperation.List) => VaultResponse.ListOf(_roles.Keys.Order(StringComparer.Ordinal)),
            ("roles", _, VaultOperation.Read) => ReadRole(name),
            ("roles", _, VaultOperation.Delete) => DeleteRole(name),
            ("roles", _, _) => WriteRole(req, name),
            ("creds" or "sts", _, VaultOperation.Read or VaultOperation.Update or VaultOperation.Create) => await CredsAsync(req, kind, name, ct),
            _ => throw new VaultException(501, $"the twin Vault does not implement \"{req.Path}\""),
        };
    }

    private VaultResponse WriteRoot(VaultRequest req)
    {
        var d = req.Data;
        _root = new Root
        {
            AccessKey = d.Str("access_key") ?? "", SecretKey = d.Str("secret_key") ?? "", Region = d.Str("region") ?? "us-east-1",
            IamEndpoint = d.Str("iam_endpoint") ?? "", StsEndpoint = d.Str("sts_endpoint") ?? "", MaxRetries = d.Long("max_retries") ?? -1,
        };
        return VaultResponse.NoContent();
    }

    // path_config_root.go read: the secret key is never returned.
    private VaultResponse ReadRoot() => VaultResponse.Ok(new JsonObject
    {
        ["access_key"] = _root.AccessKey, ["iam_endpoint"] = _root.IamEndpoint, ["max_retries"] = _root.MaxRetries,
        ["region"] = _root.Region, ["sts_endpoint"] = _root.StsEndpoint,
    });

    private VaultResponse WriteLease(VaultRequest req)
    {
        _lease = req.Data.Duration("lease") ?? throw VaultException.BadRequest("'lease' is a required parameter");
        _leaseMax = req.Data.Duration("lease_max") ?? throw VaultException.BadRequest("'lease_max' is a required parameter");
        return VaultResponse.NoContent();
    }

    private VaultResponse WriteRole(VaultRequest req, string name)
    {
        var d = req.Data;
        var type = d.Str("credential_type") ?? "";
        if (type.Length == 0) throw VaultException.BadRequest("did not supply credential_type");
        if (type is not ("iam_user" or "assumed_role" or "federation_token" or "session_token"))
            throw VaultException.BadRequest($"unrecognized credential type: {type}");
        var doc = d.Str("policy_document") ?? "";
        if (doc.Length > 0)
        {
            try { doc = JsonNode.Parse(doc)!.ToJsonString(); }   // path_roles.go compacts the policy JSON
            catch (System.Text.Json.JsonException) { throw VaultException.BadRequest("cannot parse policy document: invalid JSON"); }
        }
        var role = new Role
        {
            CredentialType = type, PolicyArns = d.List("policy_arns") ?? [], PolicyDocument = doc, RoleArns = d.List("role_arns") ?? [],
            IamGroups = d.List("iam_groups") ?? [], DefaultStsTtl = d.Duration("default_sts_ttl") ?? TimeSpan.Zero,
            MaxStsTtl = d.Duration("max_sts_ttl") ?? TimeSpan.Zero, UserPath = d.Str("user_path") ?? "/",
            PermissionsBoundaryArn = d.Str("permissions_boundary_arn") ?? "",
        };
        if (type != "assumed_role" && role.RoleArns.Count > 0) throw VaultException.BadRequest("cannot supply role_arns when credential_type isn't assumed_role");
        if (type == "iam_user" && (role.DefaultStsTtl > TimeSpan.Zero || role.MaxStsTtl > TimeSpan.Zero))
            throw VaultException.BadRequest("default_sts_ttl parameter only valid for assumed_role, federation_token, and session_token credential types");
        _roles[name] = role;
        return VaultResponse.NoContent();
    }

    private VaultResponse ReadRole(string name)
    {
        if (!_roles.TryGetValue(name, out var r)) throw VaultException.NotFound();
        return VaultResponse.Ok(new JsonObject
        {
            ["credential_type"] = r.CredentialType, ["default_sts_ttl"] = (long)r.DefaultStsTtl.TotalSeconds, ["iam_groups"] = Json.Array(r.IamGroups),
            ["iam_tags"] = null, ["max_sts_ttl"] = (long)r.MaxStsTtl.TotalSeconds, ["mfa_serial_number"] = "",
            ["permissions_boundary_arn"] = r.PermissionsBoundaryArn, ["policy_arns"] = Json.Array(r.PolicyArns), ["policy_document"] = r.PolicyDocument,
            ["role_arns"] = Json.Array(r.RoleArns), ["user_path"] = r.UserPath,
        });
    }

    private VaultResponse DeleteRole(string name)
    {
        _roles.Remove(name);
        return VaultResponse.NoContent();
    }

    private AwsQueryClient Client()
    {
        if (_root.AccessKey.Length == 0) throw VaultException.BadRequest("the twin Vault needs aws/config/root with access_key and secret_key (no instance credentials here)");
        return new AwsQueryClient(Http, _root.AccessKey, _root.SecretKey, _root.Region, core.Time);
    }

    private string IamEndpoint => _root.IamEndpoint.Length > 0 ? _root.IamEndpoint : "https://iam.amazonaws.com";
    private string StsEndpoint => _root.StsEndpoint.Length > 0 ? _root.StsEndpoint : $"https://sts.{_root.Region}.amazonaws.com";

    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];

    /// <summary>
    /// path_config_root.go defaultUserNameTemplate, IAM branch (iam_user users and assumed_role session names):
    /// vault-&lt;display&gt;-&lt;role&gt; (≤42)-&lt;unix&gt;-&lt;random 20&gt;, ≤64, with genUsername's normalizeDisplayName
    /// (reference/vault.md §3.4 names username_template; the template itself was read from upstream source, not the notes).
    /// </summary>
    private static string IamName(string display, string role, DateTimeOffset now) =>
        Truncate($"vault-{Truncate($"{Normalize(display)}-{Normalize(role)}", 42)}-{now.ToUnixTimeSeconds()}-{RandomNumberGenerator.GetString(Alnum, 20)}", 64);

    // secret_access_keys.go normalizeDisplayName: [^a-zA-Z0-9+=,.@_-] becomes "_".
    private static string Normalize(string s) => System.Text.RegularExpressions.Regex.Replace(s, "[^a-zA-Z0-9+=,.@_-]", "_");

    private async Task<VaultResponse> CredsAsync(VaultRequest req, string kind, string name, CancellationToken ct)
    {
        if (!_roles.TryGetValue(name, out var role)) throw VaultException.BadRequest($"Role \"{name}\" not found");
        var display = req.Token?.DisplayName ?? "";
        var now = core.Now;
        if (role.CredentialType == "iam_user")
        {
            if (kind == "sts") throw VaultException.BadRequest($"Can't generate STS credentials for a role with credential_type \"iam_user\"");
            return await CreateIamUserAsync(role, name, IamName(display, name, now), ct);
        }
        if (role.CredentialType != "assumed_role") throw VaultException.BadRequest($"the twin Vault does not implement credential_type \"{role.CredentialType}\"");
        var roleArn = req.Data.Str("role_arn") ?? "";
        if (roleArn.Length == 0)
        {
            if (role.RoleArns.Count != 1) throw VaultException.BadRequest("did not supply a role_arn parameter and unable to determine one");
            roleArn = role.RoleArns[0];
        }
        else if (!role.RoleArns.Contains(roleArn)) throw VaultException.BadRequest($"role_arn {roleArn} not in allowed role arns for Vault role {name}");
        var ttl = req.Data.Duration("ttl") ?? (role.DefaultStsTtl > TimeSpan.Zero ? role.DefaultStsTtl : TimeSpan.FromHours(1));
        if (role.MaxStsTtl > TimeSpan.Zero && ttl > role.MaxStsTtl) ttl = role.MaxStsTtl;
        // genUsername(displayName, roleName, "assume_role"): the IAM branch of the template, not the 32-character STS one.
        var session = IamName(display, name, now);
        var args = new List<(string, string)> { ("RoleArn", roleArn), ("RoleSessionName", session), ("DurationSeconds", ((long)ttl.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (role.PolicyDocument.Length > 0) args.Add(("Policy", role.PolicyDocument));
        for (var i = 0; i < role.PolicyArns.Count; i++) args.Add(($"PolicyArns.member.{i + 1}.arn", role.PolicyArns[i]));
        System.Xml.Linq.XElement result;
        try
        {
            result = await Client().StsAsync(StsEndpoint, "AssumeRole", args, ct);
        }
        catch (Exception e) when (e is AwsQueryClient.AwsError or HttpRequestException)
        {
            throw VaultException.BadRequest($"Error assuming role: {e.Message}");
        }
        var data = new JsonObject
        {
            ["access_key"] = AwsQueryClient.Child(result, "AccessKeyId"),
            ["arn"] = AwsQueryClient.Child(result, "Arn"),
            ["secret_key"] = AwsQueryClient.Child(result, "SecretAccessKey"),
            // Vault >= 1.16 (vault#23690) returns the token as session_token and, deprecated, as security_token
            // (reference/vault.md §3.4 and §2.2 list session_token only; security_token is from vault#23690).
            ["security_token"] = AwsQueryClient.Child(result, "SessionToken"),
            ["session_token"] = AwsQueryClient.Child(result, "SessionToken"),
            ["ttl"] = (long)ttl.TotalSeconds,
        };
        if (core.Faults.Contains(TwinVaultFaults.AwsDropsSecurityToken))
            data.Remove("security_token");
        return new VaultResponse
        {
            Data = data,
            // STS credentials cannot be renewed or revoked (reference/vault.md §2.2, §3.4).
            Secret = new SecretLease { Ttl = ttl, MaxTtl = ttl, Renewable = false, Internal = new JsonObject { ["is_sts"] = true, ["role"] = name } },
        };
    }

    private async Task<VaultResponse> CreateIamUserAsync(Role role, string roleName, string username, CancellationToken ct)
    {
        var iam = Client();
        try
        {
            var create = new List<(string, string)> { ("UserName", username), ("Path", role.UserPath) };
            if (role.PermissionsBoundaryArn.Length > 0) create.Add(("PermissionsBoundary", role.PermissionsBoundaryArn));
            await iam.IamAsync(IamEndpoint, "CreateUser", create, ct);
            foreach (var arn in role.PolicyArns)
                await iam.IamAsync(IamEndpoint, "AttachUserPolicy", [("UserName", username), ("PolicyArn", arn)], ct);
            if (role.PolicyDocument.Length > 0)
                await iam.IamAsync(IamEndpoint, "PutUserPolicy", [("UserName", username), ("PolicyName", roleName), ("PolicyDocument", role.PolicyDocument)], ct);
            foreach (var g in role.IamGroups)
                await iam.IamAsync(IamEndpoint, "AddUserToGroup", [("UserName", username), ("GroupName", g)], ct);
            var key = await iam.IamAsync(IamEndpoint, "CreateAccessKey", [("UserName", username)], ct);
            return new VaultResponse
            {
                Data = new JsonObject
                {
                    ["access_key"] = AwsQueryClient.Child(key, "AccessKeyId"),
                    ["secret_key"] = AwsQueryClient.Child(key, "SecretAccessKey"),
                    ["security_token"] = null,
                    ["session_token"] = null,
                },
                Secret = new SecretLease
                {
                    Ttl = _lease, MaxTtl = _leaseMax, Renewable = true,
                    Internal = new JsonObject { ["username"] = username, ["policy"] = roleName, ["is_sts"] = false },
                },
            };
        }
        catch (Exception e) when (e is AwsQueryClient.AwsError or HttpRequestException)
        {
            throw VaultException.BadRequest($"Error creating IAM user: {e.Message}");
        }
    }

    // secret_access_keys.go renew: config/lease (lease, lease_max) or the mount's defaults.
    public Task<(TimeSpan Ttl, TimeSpan MaxTtl)> RenewAsync(Lease lease, CancellationToken ct) => Task.FromResult((_lease, _leaseMax));

    /// <summary>path_user.go pathUserRollback: groups, access keys, inline and attached policies, then the user.</summary>
    public async Task RevokeAsync(Lease lease, CancellationToken ct)
    {
        if (lease.Internal.Bool("is_sts") == true) return;
        var user = lease.Internal.Str("username")!;
        var iam = Client();
        var u = new List<(string, string)> { ("UserName", user) };
        try
        {
            foreach (var g in AwsQueryClient.All(await iam.IamAsync(IamEndpoint, "ListGroupsForUser", u, ct), "GroupName").ToList())
                await iam.IamAsync(IamEndpoint, "RemoveUserFromGroup", [("UserName", user), ("GroupName", g)], ct);
            foreach (var k in AwsQueryClient.All(await iam.IamAsync(IamEndpoint, "ListAccessKeys", u, ct), "AccessKeyId").ToList())
                await iam.IamAsync(IamEndpoint, "DeleteAccessKey", [("UserName", user), ("AccessKeyId", k)], ct);
            foreach (var p in AwsQueryClient.All(await iam.IamAsync(IamEndpoint, "ListUserPolicies", u, ct), "member").ToList())
                await iam.IamAsync(IamEndpoint, "DeleteUserPolicy", [("UserName", user), ("PolicyName", p)], ct);
            foreach (var arn in AwsQueryClient.All(await iam.IamAsync(IamEndpoint, "ListAttachedUserPolicies", u, ct), "PolicyArn").ToList())
                await iam.IamAsync(IamEndpoint, "DetachUserPolicy", [("UserName", user), ("PolicyArn", arn)], ct);
            await iam.IamAsync(IamEndpoint, "DeleteUser", u, ct);
        }
        catch (AwsQueryClient.AwsError e) when (e.Code == "NoSuchEntity")
        {
            // the user is already gone: nothing left to revoke
        }
    }
}
