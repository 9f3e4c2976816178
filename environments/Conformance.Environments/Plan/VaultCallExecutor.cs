using System.Net.Http.Headers;
using System.Text;

namespace Conformance.Environments.Plan;

/// <summary>Carries out <see cref="VaultCall"/>s. Small on purpose: the fixtures' Vault driver can replace it.</summary>
public interface IVaultCallExecutor
{
    Task ExecuteAsync(VaultCall call, CancellationToken cancellationToken);
}

/// <summary>Plain HttpClient with <c>X-Vault-Token</c>; errors carry Vault's <c>errors</c> array, never the token.</summary>
public sealed class HttpVaultCallExecutor(HttpClient http, Uri address, Sensitive token) : IVaultCallExecutor
{
    public async Task ExecuteAsync(VaultCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(address, "/v1/" + call.Path));
        request.Headers.Add("X-Vault-Token", token.Reveal());
        if (call.Body is not null)
        {
            request.Content = new StringContent(Yaml.Json(Sensitive.Resolve(call.Body, reveal: true)), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (call.AlreadyDoneWhen is not null && text.Contains(call.AlreadyDoneWhen, StringComparison.Ordinal)) return;
            throw new InvalidOperationException(
                $"Vault {call.Method} /v1/{call.Path} ({call.Purpose}) answered {(int)response.StatusCode}: {text.Trim()}");
        }
    }
}
