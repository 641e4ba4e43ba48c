using System.Text.Json;
using Microsoft.Playwright;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>The service as a newcomer starts it: the boundaries it imports itself from the city folder.</summary>
public sealed class OfficialCityApp : IAsyncLifetime
{
    public BrowserCityApp City { get; } = new(new Dictionary<string, string>(), cityBoundaries: true);
    public Task InitializeAsync() => City.InitializeAsync();
    public Task DisposeAsync() => City.DisposeAsync();
}

/// <summary>The first map a newcomer sees is Tanjungpinang's official one, and pins route on it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OfficialBoundariesTests(Chromium chromium, OfficialCityApp official) : IClassFixture<OfficialCityApp>
{
    private static readonly IReadOnlyList<NetTopologySuite.Features.IFeature> Kelurahan =
        TestBoundaries.Read(Path.Combine(TestPaths.TanjungpinangCity, "kelurahan.geojson")).ToList();

    [Fact]
    public async Task The_first_map_draws_the_18_official_kelurahan_and_4_kecamatan_of_Tanjungpinang_and_names_their_source()
    {
        var page = await chromium.NewPageAsync(official.City.BaseUrl);
        await page.GotoAsync("/");
        await MapPage.WaitForMapReadyAsync(page);

        await Expect(page).ToHaveTitleAsync("Ujar · Tanjungpinang");
        await Expect(page.Locator(".brand-city")).ToHaveTextAsync("Tanjungpinang");
        await Expect(page.Locator("path.area-kelurahan")).ToHaveCountAsync(18);
        await Expect(page.Locator("path.area-kecamatan")).ToHaveCountAsync(4);
        await Expect(page.Locator(".leaflet-control-attribution")).ToContainTextAsync("Cahya DSN");
        var labels = await page.Locator(".area-label").AllTextContentsAsync();
        Assert.Equal(Kelurahan.Select(f => (string)f.Attributes["name"]).Order(), labels.Order());
        await MapPage.ScreenshotAsync(page, "official-boundaries-first-map");

        // Zoomed out to the islands around, a kelurahan is a few pixels: only the kecamatan are drawn.
        await page.GotoAsync("/?lat=0.92&lon=104.47&z=9");
        await MapPage.WaitForMapReadyAsync(page);
        await Expect(page.Locator("path.area-kecamatan")).ToHaveCountAsync(4);
        await Expect(page.Locator("path.area-kelurahan")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData("21.72.03.1005", "21.72.03")] // Kampung Bugis, across the river from the old town
    [InlineData("21.72.04.1001", "21.72.04")] // Kelurahan Tanjung Pinang Timur lies in Kecamatan Bukit Bestari
    [InlineData("21.72.03.1004", "21.72.03")] // Penyengat, an island
    [InlineData("21.72.04.1002", "21.72.04")] // Dompak, the island of the provincial offices
    public async Task A_pin_on_a_known_point_routes_to_its_official_kelurahan_and_kecamatan(string kelurahan, string kecamatan)
    {
        var known = Kelurahan.Single(f => (string)f.Attributes["code"] == kelurahan).Attributes;
        var (lat, lon) = (Convert.ToDouble(known["centroid_lat"]), Convert.ToDouble(known["centroid_lon"]));
        var page = await chromium.NewPageAsync(official.City.BaseUrl);
        await page.GotoAsync(FormattableString.Invariant($"/?lat={lat:F6}&lon={lon:F6}&z=16"));
        await MapPage.WaitForMapReadyAsync(page);
        await page.Locator("#btn-report").ClickAsync();
        await Expect(page.Locator("#report-panel")).ToBeVisibleAsync();

        var route = await page.RunAndWaitForResponseAsync(() => MapPage.ClickMapAtAsync(page, lat, lon),
            r => r.Url.Contains("/api/route?", StringComparison.Ordinal));

        Assert.Equal(200, route.Status);
        var answer = JsonDocument.Parse(await route.TextAsync()).RootElement;
        Assert.Equal(kelurahan, answer.GetProperty("kelurahan").GetProperty("code").GetString());
        Assert.Equal(kecamatan, answer.GetProperty("kecamatan").GetProperty("code").GetString());
        Assert.False(answer.GetProperty("snapped").GetBoolean());
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync((string)known["name"]);
    }
}
