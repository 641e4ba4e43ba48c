using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>The citizen's page as an installable app: a manifest with its icons, a service worker that keeps the app
/// shell, and an outbox that sends a complaint made offline once the network is back, exactly once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OfflineAppTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    [Fact]
    public async Task The_manifest_names_the_app_and_its_icons_and_the_service_worker_is_served_fresh()
    {
        var manifestResponse = await city.Http.GetAsync("/manifest.webmanifest");
        Assert.Equal(HttpStatusCode.OK, manifestResponse.StatusCode);
        Assert.Equal("application/manifest+json", manifestResponse.Content.Headers.ContentType?.MediaType);
        var manifest = await manifestResponse.ReadJsonAsync();
        Assert.Equal("/", manifest.GetProperty("start_url").GetString());
        Assert.Equal("standalone", manifest.GetProperty("display").GetString());
        var sizes = new List<string>();
        foreach (var icon in manifest.GetProperty("icons").EnumerateArray())
        {
            var src = icon.GetProperty("src").GetString()!;
            var image = await city.Http.GetAsync(src);
            Assert.True(image.IsSuccessStatusCode, $"{src}: {(int)image.StatusCode}");
            Assert.Equal(icon.GetProperty("type").GetString(), image.Content.Headers.ContentType?.MediaType);
            sizes.Add(icon.GetProperty("sizes").GetString()!);
        }
        Assert.Contains("192x192", sizes);
        Assert.Contains("512x512", sizes);

        var worker = await city.Http.GetAsync("/sw.js");
        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        Assert.Equal("text/javascript", worker.Content.Headers.ContentType?.MediaType);
        // Not the year-long cache of /assets: a new worker must reach the browser with the next build.
        Assert.Equal("no-cache", worker.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Offline_the_shell_loads_and_a_complaint_waits_on_the_device_until_the_network_is_back()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-offline-ready", "true");
        await using var db = city.NewDb();
        var before = db.Complaints.Count();

        await page.Context.SetOfflineAsync(true);
        await page.ReloadAsync();

        // The page, its script and style, the map settings and categories come from the kept shell.
        await Expect(page.Locator("#btn-report")).ToBeVisibleAsync();
        await Expect(page.Locator(".page-error")).ToHaveCountAsync(0);
        await MapPage.DropPinAsync(page, 0.065, 100.055);
        await page.Locator("input[name=category][value=sampah]").CheckAsync();
        await Expect(page.Locator("#route-error")).ToContainTextAsync("Tidak dapat terhubung ke server");
        await page.Locator("#description").FillAsync("Sampah di depan pasar, dilaporkan tanpa sinyal");
        await page.Locator("#anonymous").CheckAsync();
        await page.Locator("#btn-submit").ClickAsync();

        await Expect(page.Locator("#map-notice")).ToHaveAttributeAsync("data-notice", "notice.queued");
        await Expect(page.Locator("#report-panel")).ToBeHiddenAsync();
        await MapPage.ScreenshotAsync(page, "offline-queued");
        // Still offline, a reload keeps it waiting (and sends nothing).
        await page.ReloadAsync();
        await Expect(page.Locator("#btn-report")).ToBeVisibleAsync();
        Assert.Equal(before, db.Complaints.Count());

        await page.Context.SetOfflineAsync(false);

        await Expect(page.Locator("#map-notice")).ToHaveAttributeAsync("data-notice", "notice.queuedSent", new() { Timeout = 20_000 });
        var link = await page.Locator("#map-notice a").GetAttributeAsync("href");
        Assert.StartsWith("/lacak/UJR-", link);
        Assert.Equal(before + 1, db.Complaints.Count());
        Assert.Equal(1, db.Complaints.Count(c => c.Description == "Sampah di depan pasar, dilaporkan tanpa sinyal"));
        // Sent, it is this browser's own complaint like any other: listed under "Laporan saya", its token kept.
        var ticket = link!["/lacak/".Length..];
        Assert.False(string.IsNullOrEmpty(await page.EvaluateAsync<string?>("t => localStorage.getItem('ujar.reporterToken.' + t)", ticket)));
        Assert.Contains(ticket, await page.EvaluateAsync<string>("() => localStorage.getItem('ujar.myReports')"));
    }
}
