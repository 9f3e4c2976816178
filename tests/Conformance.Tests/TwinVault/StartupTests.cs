using System.Diagnostics;
using System.Net;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>The twin starts fast enough to use one per scenario, and rejects unknown fault names up front.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Starts_and_answers_health_quickly()
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var v = await TestVault.StartAsync();
            (await v.Root.GetAsync("sys/health", token: "")).Status.Should().Be(HttpStatusCode.OK);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"twin Vault start + first health answer (ms): {string.Join(", ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
        times.Order().ElementAt(2).Should().BeLessThan(2000, "median start time");
    }

    [Fact]
    public async Task Unknown_faults_are_refused_with_the_known_names()
    {
        var act = () => Twin.Vault.TwinVault.StartAsync(new Twin.Vault.TwinVaultOptions { Faults = ["vault-forgets-everything"] }, TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("vault-forgets-everything").And.Contain(Twin.Vault.TwinVaultFaults.IgnoresMaxTtl);
    }
}
