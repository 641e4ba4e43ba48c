using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using static Microsoft.Playwright.Assertions;
using static Ujar.Api.Tests.Browser.StaffPages;

namespace Ujar.Api.Tests.Browser;

/// <summary>The citizen's way around: the success screen's copy link, "Lacak tiket" with "Laporan saya" and the way to
/// /kinerja, the tracking page's deadline and proof of work, the map's colour key and list, and its words.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CitizenHomeTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    [Fact]
    public async Task A_filed_ticket_can_be_copied_and_is_listed_under_laporan_saya_and_cek_tiket_opens_any_ticket()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.DropPinAsync(page, 0.068, 100.05);
        await page.Locator("input[name=category][value=sampah]").CheckAsync();
        await page.Locator("#description").FillAsync("Sampah di selokan");
        await page.Locator("#anonymous").CheckAsync();
        await page.Locator("#btn-submit").ClickAsync();
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync();
        var ticket = (await page.Locator("#ticket-number").TextContentAsync())!.Trim();

        await page.Locator("#btn-copy-ticket").ClickAsync();

        await Expect(page.Locator("#copy-note")).ToHaveTextAsync("Tautan pelacakan disalin.");
        Assert.Equal(new Uri(city.BaseUrl, $"/lacak/{ticket}").ToString(), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await MapPage.ScreenshotAsync(page, "report-success-phone");

        await page.Locator("#btn-close-report").ClickAsync();
        // One word for following a ticket: "lacak", as on the success screen and in the page's address.
        await Expect(page.Locator("#btn-home")).ToHaveTextAsync("Lacak tiket");
        await page.Locator("#btn-home").ClickAsync();
        await Expect(page.Locator("#home-panel")).ToBeVisibleAsync();
        await Expect(page.Locator($"#my-reports li[data-ticket='{ticket}'] a")).ToHaveAttributeAsync("href", $"/lacak/{ticket}");
        await Expect(page.Locator("#my-reports-empty")).ToBeHiddenAsync();
        await Expect(page.Locator("#link-kinerja")).ToHaveAttributeAsync("href", "/kinerja");
        await MapPage.ScreenshotAsync(page, "home-panel-phone");

        // A number typed by hand is refused until it has the ticket's form, then opens its tracking page.
        await page.Locator("#ticket-input").FillAsync("123");
        await page.Locator("#btn-check-ticket").ClickAsync();
        await Expect(page.Locator("#ticket-error")).ToHaveTextAsync($"Nomor tiket berbentuk UJR-{DateTime.Now.Year}-000123.");
        await Expect(page.Locator("#ticket-input")).ToBeFocusedAsync();
        await page.Locator("#ticket-input").FillAsync(" " + ticket.ToLowerInvariant() + " ");
        await Expect(page.Locator("#ticket-error")).ToBeHiddenAsync();
        await page.Locator("#btn-check-ticket").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/lacak/{ticket}$"));
        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Diterima");
    }

    [Fact]
    public async Task The_tracking_page_shows_the_next_deadline_and_the_after_photo_with_the_selesai_step()
    {
        var ticket = Ticket(await city.FileAsync(0.025, 100.03, "sampah", "Sampah belum diangkut"));
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync($"/lacak/{ticket}");
        await Expect(page.Locator("#track-deadline")).ToBeVisibleAsync();
        await Expect(page.Locator("#track-deadline .deadline")).ToHaveAttributeAsync("data-kind", "verify");
        await Expect(page.Locator("#track-deadline")).ToContainTextAsync("Batas verifikasi");

        // Resolving needs proof of the work: the crew sends an "after" photo with the Selesai step.
        await city.ChangeStatusAsync(ticket, ComplaintStatus.InProgress, null);
        var after = new ProcessedPhoto(Guid.NewGuid(), [1], [1], 320, 240);
        await using (var db = city.NewDb())
        {
            var crew = new ChangeActor(Actors.Crew, "crew", UserId: "crew-1", Name: "Siti Aminah", OpdCode: "dlh");
            Assert.IsType<ComplaintStatusChanges.Changed>(await ComplaintStatusChanges.ChangeAsync(db, ticket,
                new ChangeRequest(ComplaintStatus.Resolved, Note: "Sudah diangkut", Photos: [(after, PhotoKind.After)]), crew, CancellationToken.None));
        }
        await page.ReloadAsync();

        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Selesai");
        await Expect(page.Locator(".timeline-step[data-status=resolved] .track-photo[data-kind=after]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline-step[data-status=resolved] .track-photo img")).ToHaveAttributeAsync("src", new Regex(after.Id.ToString("N")));
        await Expect(page.Locator("#track-photos .track-photo[data-kind=after]")).ToHaveCountAsync(0);
        // Resolved, the page shows whatever next deadline the server names, and none when nothing more is owed.
        var detail = await city.GetJsonAsync($"/api/complaints/{ticket}");
        var deadline = detail.GetProperty("deadline");
        if (deadline.ValueKind == System.Text.Json.JsonValueKind.Null) await Expect(page.Locator("#track-deadline")).ToBeHiddenAsync();
        else await Expect(page.Locator("#track-deadline .deadline")).ToHaveAttributeAsync("data-kind", deadline.GetProperty("kind").GetString()!);
    }

    [Fact]
    public async Task Complaints_on_one_spot_spread_apart_markers_are_no_tab_stops_and_the_key_and_list_are_reached_instead()
    {
        var tickets = new List<string>();
        foreach (var category in new[] { "sampah", "jalan_rusak", "parkir" })
            tickets.Add(Ticket(await city.FileAsync(0.0352, 100.0352, category, "Di titik yang sama")));
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page, view: "lat=0.0352&lon=100.0352&z=17");
        await WaitForLiveAsync(page);
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Terhubung");

        var markers = page.Locator(".ujar-marker[data-spread=true]");
        await Expect(markers).ToHaveCountAsync(3);
        var centres = new List<(double X, double Y)>();
        foreach (var marker in await markers.AllAsync())
        {
            var box = (await marker.BoundingBoxAsync())!;
            centres.Add((box.X + box.Width / 2, box.Y + box.Height / 2));
        }
        for (var i = 0; i < centres.Count; i++)
            for (var j = i + 1; j < centres.Count; j++)
                Assert.True(Math.Sqrt(Math.Pow(centres[i].X - centres[j].X, 2) + Math.Pow(centres[i].Y - centres[j].Y, 2)) >= 24, "two markers still cover each other");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('#map .leaflet-marker-icon[tabindex]:not([tabindex=\"-1\"])').length"));
        await MapPage.ScreenshotAsync(page, "map-spread-legend");

        // Tab from the report button reaches the key and the list after the map, not a stop per marker.
        await page.Locator("#btn-report").FocusAsync();
        var stops = new List<string>();
        for (var press = 0; press < 8 && !stops.Contains("list"); press++)
        {
            await page.Keyboard.PressAsync("Tab");
            stops.Add(await page.EvaluateAsync<string>("""
                () => { const el = document.activeElement; return el.closest('#map-list') ? 'list' : el.closest('#map-legend') ? 'legend' : el.id || el.className; }
                """));
        }
        Assert.Contains("legend", stops);
        Assert.Contains("list", stops);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#map-list-count")).ToHaveTextAsync("3");
        foreach (var ticket in tickets)
            await Expect(page.Locator($"#map-list-items li[data-ticket='{ticket}'] a")).ToHaveAttributeAsync("href", $"/lacak/{ticket}");

        await page.Locator("#map-legend summary").ClickAsync();
        await Expect(page.Locator("#legend-items li")).ToHaveCountAsync(10);
        // One word per thing: the key says what the API's status label says.
        await Expect(page.Locator("#legend-items li[data-status=not_our_remit]")).ToHaveTextAsync(Lifecycle.Label[ComplaintStatus.NotOurRemit].Id);
    }
}
