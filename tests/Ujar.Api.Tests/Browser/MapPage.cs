using System.Globalization;
using Microsoft.Playwright;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>What the browser tests do on the map page, in the words of the UI contract (ids, classes, data attributes).</summary>
public static class MapPage
{
    /// <summary>The UI opens on Tanjungpinang; this URL state looks at the fixture city instead.</summary>
    public const string FixtureCityView = "lat=0.045&lon=100.05&z=14";

    public static string ScreenshotDir { get; } = Path.Combine(TestPaths.RepoRoot, "tests", "artifacts", "screenshots");

    /// <summary>Opens the map on the fixture city (or on <paramref name="view"/>, in the same URL form) and waits
    /// until the first data for the view is drawn.</summary>
    public static async Task OpenFixtureCityAsync(IPage page, string? extraQuery = null, string view = FixtureCityView)
    {
        await page.GotoAsync("/?" + view + (extraQuery is null ? "" : "&" + extraQuery));
        await WaitForMapReadyAsync(page);
    }

    /// <summary>Generous: on a loaded two-core machine the first load (a service worker installing beside it) can take
    /// longer than the default five seconds.</summary>
    public static Task WaitForMapReadyAsync(IPage page) =>
        Expect(page.Locator("body")).ToHaveAttributeAsync("data-map-ready", "true", new() { Timeout = 30_000 });

    public static async Task<int> RenderCountAsync(IPage page) =>
        int.Parse(await page.EvaluateAsync<string?>("() => document.body.dataset.renderCount ?? '0'") ?? "0", CultureInfo.InvariantCulture);

    /// <summary>Waits for a complete redraw after <paramref name="before"/> (the contract's renderCount).</summary>
    public static Task WaitForRedrawAfterAsync(IPage page, int before) =>
        page.WaitForFunctionAsync("n => Number(document.body.dataset.renderCount ?? 0) > n", before);

    /// <summary>How many complaints the map shows: one per single marker plus the count written on each cluster.</summary>
    private const string ComplaintsShown = """
        () => document.querySelectorAll('.ujar-marker').length
          + [...document.querySelectorAll('.ujar-cluster')].reduce((sum, el) => sum + (parseInt(el.textContent.replace(/\D/g, ''), 10) || 0), 0)
        """;

    public static Task<int> ComplaintsShownAsync(IPage page) => page.EvaluateAsync<int>(ComplaintsShown);

    public static async Task WaitForComplaintsShownAsync(IPage page, int count, float timeoutMs)
    {
        try
        {
            await page.WaitForFunctionAsync($"n => ({ComplaintsShown})() === n", count, new PageWaitForFunctionOptions { Timeout = timeoutMs });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the map did not show {count} complaints within {timeoutMs} ms; it shows {await ComplaintsShownAsync(page)}");
        }
    }

    public static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var (scrollWidth, viewportWidth) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("() => window.innerWidth"));
        Assert.True(scrollWidth <= viewportWidth, $"the page is {scrollWidth} px wide in a {viewportWidth} px viewport: it scrolls sideways");
    }

    /// <summary>
    /// Clicks the map where (<paramref name="lat"/>, <paramref name="lon"/>) is drawn. The map's centre and zoom are
    /// read from the URL (the contract keeps the view there) and projected with Web Mercator as Leaflet does.
    /// </summary>
    public static async Task ClickMapAtAsync(IPage page, double lat, double lon)
    {
        var (x, y) = await ScreenPointAsync(page, lat, lon);
        await page.Mouse.ClickAsync((float)x, (float)y);
    }

    public static async Task<(double X, double Y)> ScreenPointAsync(IPage page, double lat, double lon)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        double Read(string name) => double.Parse(query[name] ?? throw new InvalidOperationException($"the page URL {page.Url} has no {name}"),
            CultureInfo.InvariantCulture);
        var (centerLat, centerLon, zoom) = (Read("lat"), Read("lon"), Read("z"));
        var box = await page.Locator("#map").BoundingBoxAsync() ?? throw new InvalidOperationException("#map is not visible");
        var scale = 256 * Math.Pow(2, zoom);
        var (px, py) = Project(lat, lon, scale);
        var (cx, cy) = Project(centerLat, centerLon, scale);
        return (box.X + box.Width / 2 + (px - cx), box.Y + box.Height / 2 + (py - cy));
    }

    private static (double X, double Y) Project(double lat, double lon, double scale)
    {
        var sin = Math.Sin(lat * Math.PI / 180);
        return ((lon + 180) / 360 * scale, (0.5 - Math.Log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale);
    }

    /// <summary>Opens the report panel and drops the pin at (<paramref name="lat"/>, <paramref name="lon"/>).</summary>
    public static async Task DropPinAsync(IPage page, double lat, double lon)
    {
        if (!await page.Locator("#report-panel").IsVisibleAsync()) await page.Locator("#btn-report").ClickAsync();
        await Expect(page.Locator("#report-panel")).ToBeVisibleAsync();
        await ClickMapAtAsync(page, lat, lon);
        await Expect(page.Locator(".ujar-pin")).ToBeVisibleAsync();
    }

    /// <summary>Opens the report panel and places the pin with "Lokasi saya" (the context's geolocation): no click on
    /// the map, so markers already drawn at that spot cannot catch it.</summary>
    public static async Task PinMyLocationAsync(IPage page)
    {
        if (!await page.Locator("#report-panel").IsVisibleAsync()) await page.Locator("#btn-report").ClickAsync();
        await page.Locator("#btn-locate").ClickAsync();
        await Expect(page.Locator(".ujar-pin")).ToBeVisibleAsync();
    }

    /// <summary>Saves a screenshot of a main screen to tests/artifacts/screenshots/ (for people, not for assertions).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        Directory.CreateDirectory(ScreenshotDir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = fullPage });
    }

    /// <summary>A small photo drawn by the browser's own canvas (so no binary file is checked in): JPEG or PNG bytes.</summary>
    public static async Task<FilePayload> DrawPhotoAsync(IPage page, string name, string mimeType = "image/jpeg", int width = 320, int height = 240)
    {
        var dataUrl = await page.EvaluateAsync<string>("""
            ([width, height, mimeType]) => {
              const canvas = document.createElement('canvas');
              canvas.width = width; canvas.height = height;
              const g = canvas.getContext('2d');
              g.fillStyle = '#3a7d44'; g.fillRect(0, 0, width, height);
              g.fillStyle = '#f2c14e'; g.fillRect(width / 4, height / 4, width / 2, height / 2);
              return canvas.toDataURL(mimeType, 0.9);
            }
            """, new object[] { width, height, mimeType });
        return new FilePayload { Name = name, MimeType = mimeType, Buffer = Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',') + 1)..]) };
    }
}
