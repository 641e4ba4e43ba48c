using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Ujar.Api.Tests.Browser.StaffPages;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// Every page of the front end under the service's Content-Security-Policy: loaded to its readiness hook (data drawn, the
/// live hub connected where the page uses it) without a single violation, reported by the page's own
/// <c>securitypolicyviolation</c> events or by Chromium's console.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private const string CollectViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    private sealed record Watched(IPage Page, List<string> Console);

    private async Task<Watched> OpenAsync(ViewportSize? viewport = null, Geolocation? at = null)
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, viewport, at);
        await page.Context.AddInitScriptAsync(CollectViolations);
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (console) console.Add(message.Text);
        };
        return new Watched(page, console);
    }

    private static async Task GoAsync(IPage page, string url)
    {
        var response = await page.GotoAsync(url);
        Assert.NotNull(response);
        // The page really is under the policy: without it there would be nothing to violate.
        Assert.StartsWith("default-src 'self'", (await response.AllHeadersAsync())["content-security-policy"]);
    }

    private static async Task AssertNoViolationsAsync(Watched watched)
    {
        var seen = await watched.Page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.True(seen.Length == 0, "violations: " + string.Join("; ", seen));
        lock (watched.Console) Assert.True(watched.Console.Count == 0, "console: " + string.Join("; ", watched.Console));
    }

    [Fact]
    public async Task The_map_and_a_tracking_page_load_and_go_live_without_a_violation()
    {
        var ticket = Ticket(await city.FileAsync(0.0650, 100.0550, "sampah", "Sampah menumpuk di depan pasar"));
        var map = await OpenAsync();
        await GoAsync(map.Page, "/?" + MapPage.FixtureCityView);
        await MapPage.WaitForMapReadyAsync(map.Page);
        await WaitForLiveAsync(map.Page);
        // The report panel (pin, routing preview, category list) draws more of the page; the pin away from the marker.
        await MapPage.DropPinAsync(map.Page, 0.0250, 100.0600);
        await Expect(map.Page.Locator("#route-preview")).ToBeVisibleAsync();
        // The manifest and the service worker (installed, the shell kept, controlling the page) are under the policy too.
        await Expect(map.Page.Locator("html")).ToHaveAttributeAsync("data-offline-ready", "true");
        await AssertNoViolationsAsync(map);

        var tracking = await OpenAsync();
        await GoAsync(tracking.Page, $"/lacak/{ticket}");
        await Expect(tracking.Page.Locator("#track-body")).ToBeVisibleAsync();
        await WaitForLiveAsync(tracking.Page);
        await AssertNoViolationsAsync(tracking);
    }

    [Theory]
    [InlineData("heatmap")]
    [InlineData("hex")]
    [InlineData("gi")]
    [InlineData("clusters")]
    [InlineData("kelurahan")]
    [InlineData("trend")]
    public async Task Each_planner_layer_draws_without_a_violation(string layer)
    {
        var planner = await OpenAsync();
        await GoAsync(planner.Page, $"/perencana?{MapPage.FixtureCityView}&layer={layer}&window=30");
        await Expect(planner.Page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", layer);
        await AssertNoViolationsAsync(planner);
    }

    [Fact]
    public async Task The_planner_charts_draw_without_a_violation()
    {
        // Chart.js sizes its canvases through the CSSOM (element.style), which style-src 'self' allows; an injected
        // <style> or style attribute in markup would be caught here.
        // Away from where the map test drops its pin (0.025, 100.06): a marker there would catch that click.
        await city.FileAsync(0.06, 100.05, "genangan_air", "Air menggenang setelah hujan");
        var planner = await OpenAsync();
        await GoAsync(planner.Page, $"/perencana?{MapPage.FixtureCityView}&layer=gi&window=30");
        await Expect(planner.Page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", "gi");
        await planner.Page.Locator("#planner-charts > summary").ClickAsync();
        await Expect(planner.Page.Locator("body")).ToHaveAttributeAsync("data-planner-charts", "1");
        await planner.Page.Locator("#chart-measure").SelectOptionAsync("perKm2");
        await Expect(planner.Page.Locator("#chart-kelurahan")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("tertinggi"));
        await AssertNoViolationsAsync(planner);
    }

    [Fact]
    public async Task The_performance_and_sign_in_pages_load_without_a_violation()
    {
        var performance = await OpenAsync();
        await GoAsync(performance.Page, "/kinerja");
        await Expect(performance.Page.Locator("body")).ToHaveAttributeAsync("data-performance-loads", "1");
        await AssertNoViolationsAsync(performance);

        var signIn = await OpenAsync();
        await GoAsync(signIn.Page, "/masuk");
        await Expect(signIn.Page.Locator("#signin-form")).ToBeVisibleAsync();
        await AssertNoViolationsAsync(signIn);
    }

    [Fact]
    public async Task The_staff_queue_and_the_crew_page_load_and_go_live_without_a_violation()
    {
        var queue = await OpenAsync();
        await SignInAsync(queue.Page, city.BaseUrl, await city.CreateStaffAsync("opd_staff", "dlh"));
        await GoAsync(queue.Page, "/opd");
        await Expect(queue.Page.Locator("body")).ToHaveAttributeAsync("data-queue-ready", "true");
        await WaitForLiveAsync(queue.Page);
        await AssertNoViolationsAsync(queue);

        var crew = await OpenAsync(Chromium.Phone, new Geolocation { Latitude = 0.045f, Longitude = 100.03f });
        await SignInAsync(crew.Page, city.BaseUrl, await city.CreateStaffAsync("crew", "dlh"));
        await GoAsync(crew.Page, "/petugas");
        await Expect(crew.Page.Locator("body")).ToHaveAttributeAsync("data-tasks-ready", "true");
        await AssertNoViolationsAsync(crew);
    }

    [Fact]
    public async Task What_the_policy_forbids_is_blocked_and_seen_by_the_same_watch()
    {
        var map = await OpenAsync();
        await GoAsync(map.Page, "/masuk");
        await Expect(map.Page.Locator("#signin-form")).ToBeVisibleAsync();

        // An inline script (what an injected <script> would be) and an image from a host the policy does not name.
        await map.Page.EvaluateAsync("""
            () => {
                const script = document.createElement('script');
                script.textContent = 'window.__inlineRan = true';
                document.body.append(script);
                const image = document.createElement('img');
                image.src = 'https://gambar.contoh-asing.example/x.png';
                document.body.append(image);
            }
            """);
        await map.Page.WaitForFunctionAsync("() => window.__cspViolations.length >= 2");

        Assert.Null(await map.Page.EvaluateAsync<bool?>("() => window.__inlineRan ?? null"));
        var seen = await map.Page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.Contains(seen, v => v.StartsWith("script-src"));
        Assert.Contains(seen, v => v.StartsWith("img-src") && v.Contains("contoh-asing.example"));
    }
}
