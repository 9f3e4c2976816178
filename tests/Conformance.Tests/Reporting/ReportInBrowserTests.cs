using Conformance.Fixtures.Reporting;
using Conformance.Tests.Live;
using FluentAssertions;
using Microsoft.Playwright;
using Xunit;

namespace Conformance.Tests.Reporting;

/// <summary>
/// Opens report.html from disk in the machine's Chromium (Debian's `chromium`, installed by .ci/run) through
/// Playwright, with the network cut off: it must render without console errors, show the verdict and the tables,
/// and draw the timeline SVG. The screenshot lands in the test artifacts (artifacts/test-screenshots/) to look at.
/// </summary>
public sealed class ReportInBrowserTests
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

    [Fact]
    public async Task The_report_renders_in_chromium_with_its_verdict_tables_and_timeline()
    {
        var chromium = Environment.GetEnvironmentVariable("CONFORMANCE_CHROMIUM") is { Length: > 0 } configured
            ? configured
            : Candidates.FirstOrDefault(File.Exists);
        Assert.SkipWhen(chromium is null || !File.Exists(chromium),
            "Chromium is not installed (looked for /usr/bin/chromium and CONFORMANCE_CHROMIUM); `apt-get install -y chromium`, as .ci/run does");

        var dir = Directory.CreateTempSubdirectory("report-browser-").FullName;
        try
        {
            ReportFiles.Write(ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin), dir);
            var ct = TestContext.Current.CancellationToken;

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { Offline = true, ViewportSize = new ViewportSize { Width = 1200, Height = 1000 } });
            var page = await context.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}");
            };
            page.PageError += (_, error) => problems.Add("page error: " + error);
            page.RequestFailed += (_, request) => problems.Add("request failed: " + request.Url);

            await page.GotoAsync(new Uri(Path.Combine(dir, HtmlReportWriter.FileName)).AbsoluteUri);

            (await page.Locator("#verdict .big").InnerTextAsync()).Should().Be("NOT QUALIFIED");
            (await page.Locator(".selftest").IsVisibleAsync()).Should().BeTrue();
            (await page.Locator("table.matrix").IsVisibleAsync()).Should().BeTrue();
            (await page.Locator("table.bom").IsVisibleAsync()).Should().BeTrue();
            (await page.Locator("table.counts").IsVisibleAsync()).Should().BeTrue();
            (await page.Locator("table.matrix td.bad").CountAsync()).Should().BeGreaterThan(0);
            (await page.Locator("svg.timeline").CountAsync()).Should().Be(1);
            (await page.Locator("svg.timeline circle").CountAsync()).Should().Be(3);
            (await page.Locator("details.scenario[open]").CountAsync()).Should().Be(1, "the failed scenario is open");

            var shots = Path.Combine(UpstreamFiles.RepositoryRoot(), "artifacts", "test-screenshots");
            Directory.CreateDirectory(shots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "report-top.png") });
            await page.Locator("svg.timeline").ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "report-full.png"), FullPage = true });

            problems.Should().BeEmpty();
            ct.ThrowIfCancellationRequested();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
