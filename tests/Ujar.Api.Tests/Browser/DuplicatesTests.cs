using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>Before filing, the report panel offers open complaints of the same category near the pin to support instead.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DuplicatesTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    // The citizen stands where the tree is: "Lokasi saya" places the pin (a click there would hit the markers).
    private static readonly Geolocation AtTheTree = new() { Latitude = 0.065f, Longitude = 100.055f };

    [Fact]
    public async Task The_panel_offers_a_nearby_open_complaint_of_the_same_category_and_Dukung_counts_once_per_device()
    {
        // ~11 m west of the citizen's location: offered. The same spot, another category, and the same category ~330 m away: not.
        var nearby = Ticket(await city.FileAsync(0.0650, 100.0549, "pohon_membahayakan", "Pohon besar miring ke jalan"));
        var otherCategory = Ticket(await city.FileAsync(0.0650, 100.0549, "sampah", "Sampah di bawah pohon"));
        var farAway = Ticket(await city.FileAsync(0.0620, 100.0550, "pohon_membahayakan", "Dahan patah di taman"));
        var page = await chromium.NewPageAsync(city.BaseUrl, geolocation: AtTheTree);
        await MapPage.OpenFixtureCityAsync(page);

        await MapPage.PinMyLocationAsync(page);
        await page.Locator("input[name=category][value=pohon_membahayakan]").CheckAsync();

        await Expect(page.Locator("#duplicates")).ToBeVisibleAsync();
        var offered = page.Locator($"#duplicates .duplicate-item[data-ticket='{nearby}']");
        await Expect(offered).ToHaveCountAsync(1);
        await Expect(page.Locator("#duplicates .duplicate-item")).ToHaveCountAsync(1);
        await Expect(page.Locator($".duplicate-item[data-ticket='{otherCategory}'], .duplicate-item[data-ticket='{farAway}']")).ToHaveCountAsync(0);
        await Expect(offered).ToContainTextAsync(" m");
        await Expect(offered.Locator(".support-count")).ToHaveTextAsync("0");
        await Expect(offered.Locator(".btn-support")).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex("Dukung"));
        await page.Locator("#duplicates").ScrollIntoViewIfNeededAsync();
        await MapPage.ScreenshotAsync(page, "report-duplicates");

        await offered.Locator(".btn-support").ClickAsync();

        await Expect(offered.Locator(".support-count")).ToHaveTextAsync("1");
        // "Lokasi saya" zoomed the map in to single markers: the supported complaint's marker shows the count too.
        await Expect(page.Locator($".ujar-marker[data-ticket='{nearby}']")).ToContainTextAsync("1");
        var stored = await city.GetJsonAsync($"/api/complaints/{nearby}");
        Assert.Equal(1, stored.GetProperty("complaint").GetProperty("supportCount").GetInt32());

        // The same device again (a reload keeps its device token): still one support.
        await page.ReloadAsync();
        await MapPage.WaitForMapReadyAsync(page);
        await MapPage.PinMyLocationAsync(page);
        await page.Locator("input[name=category][value=pohon_membahayakan]").CheckAsync();
        await Expect(offered.Locator(".support-count")).ToHaveTextAsync("1");
        if (await offered.Locator(".btn-support").IsEnabledAsync()) await offered.Locator(".btn-support").ClickAsync();
        await Expect(offered.Locator(".support-count")).ToHaveTextAsync("1");
        Assert.Equal(1, (await city.GetJsonAsync($"/api/complaints/{nearby}")).GetProperty("complaint").GetProperty("supportCount").GetInt32());

        // Another citizen's device adds a second support.
        var neighbour = await chromium.NewPageAsync(city.BaseUrl, geolocation: AtTheTree);
        await MapPage.OpenFixtureCityAsync(neighbour);
        await MapPage.PinMyLocationAsync(neighbour);
        await neighbour.Locator("input[name=category][value=pohon_membahayakan]").CheckAsync();
        var offeredToNeighbour = neighbour.Locator($"#duplicates .duplicate-item[data-ticket='{nearby}']");
        await offeredToNeighbour.Locator(".btn-support").ClickAsync();
        await Expect(offeredToNeighbour.Locator(".support-count")).ToHaveTextAsync("2");
        Assert.Equal(2, (await city.GetJsonAsync($"/api/complaints/{nearby}")).GetProperty("complaint").GetProperty("supportCount").GetInt32());
    }

    private static string Ticket(System.Text.Json.JsonElement filed) => filed.GetProperty("ticket").GetString()!;
}
