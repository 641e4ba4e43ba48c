using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>The live map when the server cannot push: it catches up from the event log by itself.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveCatchUpTests(Chromium chromium)
{
    [Fact]
    public async Task A_map_connected_to_an_instance_whose_Redis_is_down_still_shows_a_new_complaint_by_its_periodic_catch_up()
    {
        await using var redis = await RedisServer.StartAsync();
        var city = new BrowserCityApp(new Dictionary<string, string> { ["ConnectionStrings:Redis"] = redis.ConnectionString(TestRedis.NewPrefix()) });
        await city.InitializeAsync();
        try
        {
            var page = await chromium.NewPageAsync(city.BaseUrl);
            await MapPage.OpenFixtureCityAsync(page);
            await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
            var shownBefore = await MapPage.ComplaintsShownAsync(page);

            redis.Stop();
            var ticket = (await city.FileAsync(0.025, 100.06, "genangan_air", "Air menggenang setinggi lutut")).GetProperty("ticket").GetString()!;

            // Nothing is pushed without Redis, and the connection itself stays up (no reconnect, so no catch-up on
            // reconnect): only the catch-up the page makes every 30 s brings the complaint.
            await MapPage.WaitForComplaintsShownAsync(page, shownBefore + 1, timeoutMs: 45_000);
            await Expect(page.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveCountAsync(1);
            Assert.Equal("connected", await page.Locator("#live-status").GetAttributeAsync("data-state"));
            Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
        }
        finally
        {
            await city.DisposeAsync();
        }
    }
}
