using Microsoft.Playwright;
using Ujar.Api.Complaints;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>What other people see without reloading: new complaints on an open map, status changes on a tracking page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveMapTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    [Fact]
    public async Task A_complaint_filed_in_one_browser_appears_on_another_open_map_without_reload()
    {
        await city.FileAsync(0.066, 100.056, "sampah", "Sampah menumpuk di tepi jalan");
        var watcher = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(watcher);
        await Expect(watcher.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        var shownBefore = await MapPage.ComplaintsShownAsync(watcher);
        Assert.True(shownBefore >= 1, "the complaint filed before opening the map is not shown");
        var loadsBefore = await watcher.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length");

        var reporter = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(reporter);
        await MapPage.DropPinAsync(reporter, 0.025, 100.06);
        await reporter.Locator("input[name=category][value=genangan_air]").CheckAsync();
        await reporter.Locator("#description").FillAsync("Air menggenang setinggi lutut setelah hujan.");
        await Expect(reporter.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Bukit");
        var filed = await reporter.RunAndWaitForResponseAsync(() => reporter.Locator("#btn-submit").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/complaints", StringComparison.Ordinal));
        Assert.Equal(201, filed.Status);
        var ticket = (await filed.JsonAsync())!.Value.GetProperty("ticket").GetString()!;

        // From here the clock runs: within 2 s of the 201 the watcher counts it, as its own marker or inside a cluster.
        await MapPage.WaitForComplaintsShownAsync(watcher, shownBefore + 1, timeoutMs: 2000);
        Assert.Equal(loadsBefore, await watcher.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
        await Expect(watcher.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveCountAsync(1);
        await Expect(watcher.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveAttributeAsync("data-category", "genangan_air");
        await Expect(watcher.Locator($".ujar-marker[data-ticket='{ticket}']")).ToHaveAttributeAsync("data-status", "received");
    }

    [Fact]
    public async Task The_tracking_page_follows_a_status_change_live()
    {
        var ticket = (await city.FileAsync(0.045, 100.03, "pohon_membahayakan", "Dahan pohon retak di atas jalan")).GetProperty("ticket").GetString()!;
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync($"/lacak/{ticket}");
        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Diterima");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator("#timeline .timeline-step")).ToHaveCountAsync(1);

        await city.ChangeStatusAsync(ticket, ComplaintStatus.InProgress, "Tim DLH sudah dijadwalkan memangkas pohon");

        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Dalam Proses");
        // Received, verified, assigned, in progress: the lifecycle's only way there.
        await Expect(page.Locator("#timeline .timeline-step")).ToHaveCountAsync(4);
        await Expect(page.Locator("#timeline .timeline-step[data-status=in_progress]")).ToContainTextAsync("Tim DLH sudah dijadwalkan memangkas pohon");

        await city.ChangeStatusAsync(ticket, ComplaintStatus.Resolved, null);

        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Selesai");
        await Expect(page.Locator("#timeline .timeline-step[data-status=resolved]")).ToHaveCountAsync(1);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
    }
}
