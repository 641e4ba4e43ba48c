using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>The report form checks itself before sending: it says what is missing, in the order of the form, puts the
/// focus on the first field to fix and drops each complaint as soon as the user fixes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportFormTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private static Task<string?> FocusedIdAsync(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement?.id || document.activeElement?.name");

    [Fact]
    public async Task An_empty_form_says_what_is_missing_focuses_the_first_field_and_sends_nothing()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/complaints", StringComparison.Ordinal)) Interlocked.Increment(ref posts);
        };
        await page.Locator("#btn-report").ClickAsync();

        await page.Locator("#btn-submit").ClickAsync();

        var error = page.Locator("#report-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error.Locator("li")).ToHaveTextAsync(["Tandai lokasi di peta terlebih dahulu.", "Pilih kategori masalah.", "Tuliskan uraian masalah."]);
        Assert.Equal("btn-center-pin", await FocusedIdAsync(page));
        await Expect(page.Locator("#description")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#category-list")).ToHaveAttributeAsync("aria-invalid", "true");

        // Each fix removes its line at once; the box goes when nothing is left.
        await MapPage.DropPinAsync(page, 0.065, 100.055);
        await Expect(error.Locator("li")).ToHaveTextAsync(["Pilih kategori masalah.", "Tuliskan uraian masalah."]);
        // Before a category, the preview says what it needs to name the agency.
        await Expect(page.Locator("#route-opd")).ToHaveTextAsync("Pilih kategori untuk melihat OPD yang menangani");
        await page.Locator("#btn-submit").ClickAsync();
        Assert.Equal("category", await FocusedIdAsync(page));
        await page.Locator("input[name=category][value=sampah]").CheckAsync();
        await Expect(page.Locator("#route-opd")).ToHaveTextAsync("Dinas Lingkungan Hidup");
        await Expect(error.Locator("li")).ToHaveTextAsync(["Tuliskan uraian masalah."]);
        await page.Locator("#contact-email").FillAsync("siti.example.com");
        await page.Locator("#btn-submit").ClickAsync();
        Assert.Equal("description", await FocusedIdAsync(page));
        await page.Locator("#description").FillAsync("Sampah menumpuk");
        await Expect(error.Locator("li")).ToHaveTextAsync(["Alamat email tidak valid (harus ada @)."]);
        await page.Locator("#btn-submit").ClickAsync();
        Assert.Equal("contact-email", await FocusedIdAsync(page));
        await page.Locator("#contact-email").FillAsync("siti@example.com");
        await Expect(error).ToBeHiddenAsync();

        Assert.Equal(0, posts);
    }

    [Fact]
    public async Task A_draft_survives_a_reload()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.DropPinAsync(page, 0.025, 100.06);
        await page.Locator("input[name=category][value=jalan_rusak]").CheckAsync();
        await page.Locator("#description").FillAsync("Jalan berlubang di tikungan");
        await page.Locator("#contact-name").FillAsync("Siti");

        await page.ReloadAsync();

        await Expect(page.Locator("#report-panel")).ToBeVisibleAsync();
        await Expect(page.Locator("#draft-note")).ToHaveTextAsync("Draf laporan Anda dipulihkan.");
        await Expect(page.Locator("#description")).ToHaveValueAsync("Jalan berlubang di tikungan");
        await Expect(page.Locator("#contact-name")).ToHaveValueAsync("Siti");
        await Expect(page.Locator("input[name=category][value=jalan_rusak]")).ToBeCheckedAsync();
        await Expect(page.Locator(".ujar-pin")).ToBeVisibleAsync();
        await Expect(page.Locator("#route-kelurahan")).ToHaveTextAsync("Kelurahan Bukit");

        var filed = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/complaints", StringComparison.Ordinal));
        Assert.Equal(201, filed.Status);
        await page.ReloadAsync();
        await MapPage.WaitForMapReadyAsync(page);
        // Sent, the draft is gone: the next visit starts with an empty, closed form.
        await Expect(page.Locator("#report-panel")).ToBeHiddenAsync();
    }
}
