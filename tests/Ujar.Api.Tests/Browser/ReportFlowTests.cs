using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>A citizen's report from pin to ticket: routing preview, refusal outside the city, photos, the tracking page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportFlowTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    [Fact]
    public async Task Dropping_a_pin_previews_its_kelurahan_kecamatan_and_agency()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);

        await MapPage.DropPinAsync(page, 0.065, 100.055);
        await page.Locator("input[name=category][value=sampah]").CheckAsync();

        await Expect(page.Locator("#route-preview")).ToBeVisibleAsync();
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Tengah");
        await Expect(page.Locator("#route-kecamatan")).ToHaveTextAsync("Kecamatan Utara");
        await Expect(page.Locator("#route-opd")).ToHaveTextAsync("Dinas Lingkungan Hidup");
        await Expect(page.Locator("#route-error")).ToBeHiddenAsync();
        await MapPage.ScreenshotAsync(page, "report-panel-routing-preview");

        // Another category in the same spot goes to another agency: the preview follows the category.
        await page.Locator("input[name=category][value=jalan_rusak]").CheckAsync();
        await Expect(page.Locator("#route-opd")).ToHaveTextAsync("Dinas Pekerjaan Umum dan Penataan Ruang");
    }

    [Fact]
    public async Task A_pin_outside_the_city_shows_the_refusal_and_submit_stays_disabled()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page, view: "lat=0.025&lon=100.08&z=14");

        // Open sea east of the fixture city, kilometres from any kelurahan.
        await MapPage.DropPinAsync(page, 0.02, 100.095);
        await page.Locator("input[name=category][value=sampah]").CheckAsync();
        await page.Locator("#description").FillAsync("Sampah hanyut di laut");

        await Expect(page.Locator("#route-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#route-error")).ToContainTextAsync("Di luar wilayah Kota Tanjungpinang");
        await Expect(page.Locator("#route-preview")).ToBeHiddenAsync();
        await Expect(page.Locator("#btn-submit")).ToBeDisabledAsync();
        await page.Locator("#route-error").ScrollIntoViewIfNeededAsync();
        await MapPage.ScreenshotAsync(page, "report-refused-outside-city");

        await page.Locator("#btn-lang").ClickAsync();
        await Expect(page.Locator("#route-error")).ToContainTextAsync("Outside the service area");

        // Moving the pin into the city lifts the refusal.
        await MapPage.ClickMapAtAsync(page, 0.03, 100.065);
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Bukit");
        await Expect(page.Locator("#route-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#btn-submit")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Filing_with_a_photo_gives_a_ticket_and_its_tracking_page_shows_it()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.DropPinAsync(page, 0.025, 100.06);
        await page.Locator("input[name=category][value=jalan_rusak]").CheckAsync();
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Bukit");
        await page.Locator("#description").FillAsync("Jalan berlubang dalam di depan sekolah, sudah ada motor jatuh.");
        await page.Locator("#photos").SetInputFilesAsync(await MapPage.DrawPhotoAsync(page, "lubang.jpg"));
        await Expect(page.Locator("#photo-previews img")).ToHaveCountAsync(1);
        await page.Locator("#contact-name").FillAsync("Siti Aminah");
        await page.Locator("#contact-phone").FillAsync("081234567890");

        var filed = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/complaints", StringComparison.Ordinal));

        Assert.Equal(201, filed.Status);
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync();
        var ticket = (await page.Locator("#ticket-number").TextContentAsync())!.Trim();
        Assert.Matches(@"^UJR-\d{4}-\d{6}$", ticket);
        await Expect(page.Locator("#ticket-link")).ToHaveAttributeAsync("href", $"/lacak/{ticket}");
        Assert.False(string.IsNullOrEmpty(await page.EvaluateAsync<string?>("t => localStorage.getItem('ujar.reporterToken.' + t)", ticket)),
            "the reporter token was not kept for this ticket");
        await MapPage.ScreenshotAsync(page, "report-success-ticket");

        var stored = await city.GetJsonAsync($"/api/complaints/{ticket}");
        Assert.Equal("jalan_rusak", stored.GetProperty("complaint").GetProperty("category").GetString());
        Assert.Equal(1, stored.GetProperty("photos").GetArrayLength());

        await page.Locator("#ticket-link").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/lacak/{ticket}$"));
        await Expect(page.Locator("#track-ticket")).ToHaveTextAsync(ticket);
        await Expect(page.Locator("#track-status")).ToHaveTextAsync("Diterima");
        await Expect(page.Locator("#track-kelurahan")).ToHaveTextAsync("Kelurahan Bukit");
        await Expect(page.Locator("#track-kecamatan")).ToHaveTextAsync("Kecamatan Selatan");
        await Expect(page.Locator("#track-opd")).ToHaveTextAsync("Dinas Pekerjaan Umum dan Penataan Ruang");
        await Expect(page.Locator("#track-support")).ToHaveTextAsync("0");
        await Expect(page.Locator("#timeline .timeline-step[data-status=received]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#track-photos img")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#track-photos img')].every(i => i.complete && i.naturalWidth > 0)");
        // This browser filed the complaint, so it may add photos; a stranger's browser may not.
        await Expect(page.Locator("#track-add-photos")).ToBeVisibleAsync();
        await MapPage.ScreenshotAsync(page, "tracking-page", fullPage: true);

        var stranger = await chromium.NewPageAsync(city.BaseUrl);
        await stranger.GotoAsync($"/lacak/{ticket}");
        await Expect(stranger.Locator("#track-ticket")).ToHaveTextAsync(ticket);
        await Expect(stranger.Locator("#track-status")).ToHaveTextAsync("Diterima");
        await Expect(stranger.Locator("#track-add-photos")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_reporter_adds_a_photo_later_from_the_tracking_page()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.DropPinAsync(page, 0.025, 100.025);
        await page.Locator("input[name=category][value=penerangan_jalan]").CheckAsync();
        await page.Locator("#description").FillAsync("Lampu jalan mati sejak minggu lalu.");
        await page.Locator("#contact-name").FillAsync("Budi Santoso");
        await page.Locator("#contact-phone").FillAsync("081298765432");
        await page.Locator("#anonymous").CheckAsync();
        await Expect(page.Locator("#contact-name")).ToBeHiddenAsync();
        await Expect(page.Locator("#contact-phone")).ToBeHiddenAsync();
        await page.Locator("#btn-submit").ClickAsync();
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync();
        var ticket = (await page.Locator("#ticket-number").TextContentAsync())!.Trim();
        await using (var db = city.NewDb())
        {
            // An anonymous report keeps no contact at all, even what was typed before ticking the box.
            var row = db.Complaints.Single(c => c.Ticket == ticket);
            Assert.True(row.Anonymous);
            Assert.Null(row.ReporterName);
            Assert.Null(row.ReporterPhone);
        }
        await page.Locator("#ticket-link").ClickAsync();
        await Expect(page.Locator("#track-ticket")).ToHaveTextAsync(ticket);
        await Expect(page.Locator("#track-photos img")).ToHaveCountAsync(0);

        await page.Locator("#track-add-photos").SetInputFilesAsync(await MapPage.DrawPhotoAsync(page, "lampu.png", "image/png"));

        await Expect(page.Locator("#track-photos img")).ToHaveCountAsync(1);
        var stored = await city.GetJsonAsync($"/api/complaints/{ticket}");
        Assert.Equal(1, stored.GetProperty("photos").GetArrayLength());
    }

    [Fact]
    public async Task A_pin_in_a_sliver_gap_previews_the_snap_and_the_tracking_page_says_how_far_it_was_moved()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page, view: "lat=0.02&lon=100.045&z=17");

        // In the gap between Sawah and Bukit, 11 m from Sawah (gis-data/fixture-city/points.csv: gap_near_west).
        await MapPage.DropPinAsync(page, 0.02, 100.045);
        await page.Locator("input[name=category][value=galian_kabel]").CheckAsync();

        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Sawah");
        await Expect(page.Locator("#route-snapped")).ToBeVisibleAsync();
        await Expect(page.Locator("#route-snapped")).ToContainTextAsync("11 m");
        await page.Locator("#description").FillAsync("Galian kabel di tepi parit tidak ditutup");
        await page.Locator("#anonymous").CheckAsync();
        await page.Locator("#btn-submit").ClickAsync();
        await page.Locator("#ticket-link").ClickAsync();

        await Expect(page.Locator("#track-kelurahan")).ToHaveTextAsync("Kelurahan Sawah");
        await Expect(page.Locator("#track-snapped")).ToBeVisibleAsync();
        await Expect(page.Locator("#track-snapped")).ToContainTextAsync("11 m");
    }

    [Fact]
    public async Task At_most_three_photos_are_kept_and_each_has_a_preview()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await page.Locator("#btn-report").ClickAsync();
        var photos = new List<FilePayload>();
        for (var i = 1; i <= 4; i++) photos.Add(await MapPage.DrawPhotoAsync(page, $"foto{i}.jpg"));

        await page.Locator("#photos").SetInputFilesAsync(photos);

        await Expect(page.Locator("#photo-previews img")).ToHaveCountAsync(3);
        await Expect(page.Locator("#report-panel")).ToContainTextAsync("Paling banyak 3 foto");
    }

    [Fact]
    public async Task A_photo_the_server_cannot_read_is_refused_in_the_current_language_and_nothing_is_filed()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await page.Locator("#btn-lang").ClickAsync();
        await MapPage.DropPinAsync(page, 0.065, 100.045);
        await page.Locator("input[name=category][value=parkir]").CheckAsync();
        await page.Locator("#description").FillAsync("Parkir liar di trotoar");
        // Named and typed as a JPEG, but not one: only the server's decoder can tell.
        await page.Locator("#photos").SetInputFilesAsync(new FilePayload { Name = "rusak.jpg", MimeType = "image/jpeg", Buffer = "bukan gambar"u8.ToArray() });
        await using var db = city.NewDb();
        var before = db.Complaints.Count();

        var refused = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/complaints", StringComparison.Ordinal));

        Assert.InRange(refused.Status, 400, 499);
        var problem = await refused.JsonAsync();
        var titleEn = problem!.Value.GetProperty("titleEn").GetString()!;
        await Expect(page.Locator("#report-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#report-error")).ToContainTextAsync(titleEn);
        await Expect(page.Locator("#report-success")).ToBeHiddenAsync();
        Assert.Equal(before, db.Complaints.Count());
    }
}
