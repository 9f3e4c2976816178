using Xunit;
using System.Diagnostics;
using Conformance.Twin.Kube;
using FluentAssertions;

namespace Conformance.Tests.TwinKube;

public sealed class StartupTests
{
    [Fact]
    public async Task The_server_starts_well_under_a_second_once_warm_and_answers_at_once()
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var s = await KubeApiServer.StartAsync(new KubeApiServerOptions(), TestContext.Current.CancellationToken);
            using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.Issuer.Contains("twin-kube-server-ca") });
            http.DefaultRequestHeaders.Authorization = new("Bearer", s.AdminToken);
            (await http.GetStringAsync(new Uri(s.BaseAddress, "/api/v1/namespaces/default"), TestContext.Current.CancellationToken)).Should().Contain("\"name\":\"default\"");
            times.Add(sw.Elapsed);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"start+first request: {string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:F0} ms"))} (the first includes JIT)");
        times.Skip(1).Should().OnlyContain(t => t < TimeSpan.FromSeconds(1));
    }
}
