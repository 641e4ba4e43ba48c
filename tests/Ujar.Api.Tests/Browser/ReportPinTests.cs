using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>On a 390×844 phone the report sheet covers the lower part of the screen: the pin must be placed, and stay,
/// where it can be seen and dragged, above the sheet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportPinTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private sealed record Box(double Left, double Top, double Right, double Bottom)
    {
        public double X => (Left + Right) / 2;
        public double Y => (Top + Bottom) / 2;
    }

    private static async Task<Box> BoxAsync(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not visible");
        return new Box(box.X, box.Y, box.X + box.Width, box.Y + box.Height);
    }

    /// <summary>The pin is inside the map, wholly above the sheet, and it is the pin (nothing over it) a finger touches.</summary>
    private static async Task<Box> AssertPinInSightAsync(IPage page)
    {
        // Measured once the map has come to rest: no zoom animation, the pin where it was two frames ago.
        await page.WaitForFunctionAsync("""
            () => new Promise(done => {
              const pin = document.querySelector('.ujar-pin');
              const before = pin.getBoundingClientRect();
              requestAnimationFrame(() => requestAnimationFrame(() => {
                const after = pin.getBoundingClientRect();
                done(before.x === after.x && before.y === after.y && !document.querySelector('.leaflet-zoom-anim'));
              }));
            })
            """);
        var pin = await BoxAsync(page.Locator(".ujar-pin"));
        var map = await BoxAsync(page.Locator("#map"));
        var sheet = await BoxAsync(page.Locator("#report-panel"));
        Assert.True(pin.Bottom <= sheet.Top + 0.5, $"the pin (bottom {pin.Bottom:0}) is under the sheet (top {sheet.Top:0})");
        Assert.True(pin.Top >= map.Top - 0.5 && pin.Left >= map.Left - 0.5 && pin.Right <= map.Right + 0.5,
            $"the pin {pin} is outside the map {map}");
        Assert.True(await page.EvaluateAsync<bool>("([x, y]) => !!document.elementFromPoint(x, y)?.closest('.ujar-pin')", new[] { pin.X, pin.Y }),
            "something covers the pin where a finger would touch it");
        return pin;
    }

    [Fact]
    public async Task On_a_phone_the_centre_pin_stays_above_the_sheet_and_can_be_dragged_there()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await MapPage.OpenFixtureCityAsync(page, view: "lat=0.065&lon=100.055&z=16");
        await page.Locator("#btn-report").ClickAsync();

        await page.Locator("#btn-center-pin").ClickAsync();

        await Expect(page.Locator(".ujar-pin")).ToBeVisibleAsync();
        var before = await AssertPinInSightAsync(page);
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Tengah");
        await MapPage.ScreenshotAsync(page, "report-pin-phone");

        // Dragged up and to the side with a finger-sized move, it follows, stays in sight and is routed again.
        var routed = page.WaitForResponseAsync(r => r.Url.Contains("/api/route?", StringComparison.Ordinal));
        await page.Mouse.MoveAsync((float)before.X, (float)before.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)before.X - 40, (float)before.Y - 30, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        await routed;
        var after = await AssertPinInSightAsync(page);
        Assert.True(Math.Abs(after.X - (before.X - 40)) < 3 && Math.Abs(after.Y - (before.Y - 30)) < 3,
            $"the pin went from {before} to {after}, not where it was dragged");
    }

    [Fact]
    public async Task On_a_phone_my_location_puts_the_pin_above_the_sheet()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, new Geolocation { Latitude = 0.065f, Longitude = 100.055f });
        await MapPage.OpenFixtureCityAsync(page);

        await MapPage.PinMyLocationAsync(page);

        await AssertPinInSightAsync(page);
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Tengah");
    }

    [Fact]
    public async Task A_tap_on_a_city_wide_view_zooms_in_on_the_spot_before_placing_the_pin()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        // Zoom 12: a fingertip covers some 400 m. The spot is high on the screen, above where the sheet will be.
        await MapPage.OpenFixtureCityAsync(page, view: "lat=0.005&lon=100.055&z=12");
        await page.Locator("#btn-report").ClickAsync();

        await MapPage.ClickMapAtAsync(page, 0.065, 100.055);

        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]z=17\b"));
        await Expect(page.Locator(".ujar-pin")).ToBeVisibleAsync();
        await AssertPinInSightAsync(page);
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Tengah");
    }
}
