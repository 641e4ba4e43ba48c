using Microsoft.Playwright;
using Ujar.Api.Complaints;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>"Sudah selesai / Belum selesai": the reporter's answer on the tracking page of a resolved complaint.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TrackingAnswerTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    /// <summary>A resolved complaint whose reporter token this browser holds, as the report panel keeps it after filing.</summary>
    private async Task<(string Ticket, IPage Page)> ResolvedFiledFromThisBrowserAsync(double lat, double lon)
    {
        var filed = await city.FileAsync(lat, lon, "genangan_air", "Saluran tersumbat, air menggenang");
        var ticket = filed.GetProperty("ticket").GetString()!;
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync("/");
        await page.EvaluateAsync("([t, token]) => localStorage.setItem('ujar.reporterToken.' + t, token)",
            new[] { ticket, filed.GetProperty("reporterToken").GetString()! });
        await city.ChangeStatusAsync(ticket, ComplaintStatus.Resolved, "Saluran sudah dibersihkan");
        await page.GotoAsync($"/lacak/{ticket}");
        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Selesai");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        return (ticket, page);
    }

    [Fact]
    public async Task The_reporter_says_it_is_fixed_and_every_open_tracking_page_shows_it_closed()
    {
        var (ticket, page) = await ResolvedFiledFromThisBrowserAsync(0.045, 100.031);
        var stranger = await chromium.NewPageAsync(city.BaseUrl);
        await stranger.GotoAsync($"/lacak/{ticket}");
        await Expect(stranger.Locator("#track-status")).ToHaveTextAsync("Selesai");
        await Expect(stranger.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");

        await Expect(page.Locator("#answer-yes")).ToHaveTextAsync("Sudah selesai");
        await Expect(page.Locator("#answer-no")).ToHaveTextAsync("Belum selesai");
        // Only the browser that filed it may answer.
        await Expect(stranger.Locator("#answer-box")).ToBeHiddenAsync();
        await MapPage.ScreenshotAsync(page, "tracking-answer-buttons", fullPage: true);

        var answered = await page.RunAndWaitForResponseAsync(() => page.Locator("#answer-yes").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith($"/api/complaints/{ticket}/answer", StringComparison.Ordinal));

        Assert.Equal(200, answered.Status);
        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Ditutup");
        await Expect(page.Locator("#answer-box")).ToBeHiddenAsync();
        await Expect(page.Locator("#timeline .timeline-step[data-status=closed] .timeline-actor")).ToHaveTextAsync("oleh pelapor");
        // The stranger's page was not reloaded: the live event brought the news.
        await Expect(stranger.Locator("#track-status")).ToHaveTextAsync("Ditutup");
        Assert.Equal("closed", (await city.GetJsonAsync($"/api/complaints/{ticket}")).GetProperty("complaint").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Not_fixed_asks_what_is_left_and_reopens_the_complaint_with_that_note()
    {
        var (ticket, page) = await ResolvedFiledFromThisBrowserAsync(0.045, 100.033);

        await page.Locator("#answer-no").ClickAsync();
        await Expect(page.Locator("#answer-note")).ToBeVisibleAsync();
        await page.Locator("#answer-send").ClickAsync();
        await Expect(page.Locator("#answer-error")).ToContainTextAsync("Tuliskan singkat apa yang belum selesai");
        Assert.Equal("resolved", (await city.GetJsonAsync($"/api/complaints/{ticket}")).GetProperty("complaint").GetProperty("status").GetString());

        await page.Locator("#answer-note").FillAsync("Air masih menggenang setelah hujan tadi malam");
        await page.Locator("#answer-send").ClickAsync();

        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Dibuka Kembali");
        await Expect(page.Locator("#answer-box")).ToBeHiddenAsync();
        await Expect(page.Locator("#timeline .timeline-step[data-status=reopened]")).ToContainTextAsync("Air masih menggenang setelah hujan tadi malam");
    }
}
