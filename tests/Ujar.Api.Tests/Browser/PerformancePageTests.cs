using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Ujar.Api.Tests.Performance;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// The public performance page /kinerja over <see cref="PerformanceScenario"/> (the service's own clock: every figure is
/// compared with what the API answers at that moment, the hand-computed ones are checked in PerformanceApiTests).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PerformancePageTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>, IAsyncLifetime
{
    private const string Fortnight = "from=2026-08-10&to=2026-08-23";
    private const string Month = "from=2026-08-01&to=2026-08-31";
    private static readonly string[] FigureColumns =
        ["received", "firstResponseMedianDays", "resolutionMedianDays", "resolvedWithinDeadlinePct", "reopenRatePct", "stillOpenPct"];

    public async Task InitializeAsync()
    {
        // The class's database is shared by its tests: the first one writes the scenario.
        await using var db = city.NewDb();
        if (!await db.Complaints.AnyAsync()) await PerformanceScenario.SeedAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_page_shows_the_api_figures_and_definitions_and_follows_a_new_period_into_the_csv()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync($"/kinerja?{Fortnight}");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-performance-loads", "1");

        var fortnight = await city.GetJsonAsync($"/api/performance?{Fortnight}");
        await AssertTablesShowAsync(page, fortnight);
        await Expect(page.Locator("#perf-opds tr[data-code=pupr]")).ToHaveAttributeAsync("data-ranked", "true");
        await Expect(page.Locator("#perf-opds tr[data-code=dlh] td[data-col=rank]")).ToHaveTextAsync("Tidak diperingkat (kurang dari 10 laporan)");
        // Where the period's complaints came from, most first: 16 by the web map, 7 by WhatsApp, 1 over Open311.
        await Expect(page.Locator("#perf-channels")).ToHaveTextAsync(
            "24 laporan diterima dalam periode ini, masuk lewat: peta web 16 · WhatsApp 7 · sistem lain (Open311) 1.");
        var definitions = fortnight.GetProperty("definitions");
        foreach (var definition in definitions.EnumerateObject())
            await Expect(page.Locator($"#perf-definitions dd[data-definition={definition.Name}]")).ToHaveTextAsync(definition.Value.GetProperty("id").GetString()!);

        // A month: the two complaints just outside the fortnight now count for pupr.
        await page.Locator("#perf-from").FillAsync("2026-08-01");
        await page.Locator("#perf-to").FillAsync("2026-08-31");
        await page.Locator("#perf-apply").ClickAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-performance-loads", "2");
        var month = await city.GetJsonAsync($"/api/performance?{Month}");
        Assert.Equal(Opd(fortnight, "pupr").GetProperty("received").GetInt32() + 2, Opd(month, "pupr").GetProperty("received").GetInt32());
        await AssertTablesShowAsync(page, month);
        Assert.EndsWith($"/kinerja?{Month}", page.Url, StringComparison.Ordinal);

        // The CSV link downloads the month's numbers, the same ones the table shows.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#perf-csv").ClickAsync());
        Assert.Equal("ujar-kinerja-2026-08-01-2026-08-31.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        var header = lines[0].TrimStart('\uFEFF').Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(r => r[0] == "opd").ToList();
        Assert.Equal(month.GetProperty("opds").EnumerateArray().Select(o => o.GetProperty("code").GetString()), rows.Select(r => r[1]));
        foreach (var row in rows)
        {
            var opd = Opd(month, row[1]);
            foreach (var column in FigureColumns)
            {
                var cell = row[Array.IndexOf(header, column)];
                var shown = await page.Locator($"#perf-opds tr[data-code={row[1]}] td[data-col={column}]").GetAttributeAsync("data-value");
                Assert.Equal(Raw(opd.GetProperty(column)), cell);
                Assert.Equal(shown, cell);
            }
        }

        // In English the definitions and the "not ranked" note follow, and the numbers stay.
        await page.Locator("#btn-lang").ClickAsync();
        await Expect(page.Locator("#perf-definitions dd[data-definition=cohort]"))
            .ToHaveTextAsync(month.GetProperty("definitions").GetProperty("cohort").GetProperty("en").GetString()!);
        await Expect(page.Locator("#perf-opds tr[data-code=dlh] td[data-col=rank]")).ToHaveTextAsync("Not ranked (fewer than 10 complaints)");
        await AssertTablesShowAsync(page, month);
        await MapPage.ScreenshotAsync(page, "performance-desktop");
    }

    [Fact]
    public async Task On_a_phone_the_tables_scroll_inside_their_box_not_the_page()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await page.GotoAsync($"/kinerja?{Fortnight}");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-performance-loads", "1");

        await Expect(page.Locator("#perf-opds tbody tr")).ToHaveCountAsync(5);
        await MapPage.AssertNoHorizontalScrollAsync(page);
        await MapPage.ScreenshotAsync(page, "performance-phone");
    }

    [Fact]
    public async Task A_reversed_period_shows_the_bilingual_refusal()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync($"/kinerja?{Fortnight}");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-performance-loads", "1");

        await page.Locator("#perf-from").FillAsync("2026-08-24");
        await page.Locator("#perf-apply").ClickAsync();

        await Expect(page.Locator("#perf-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#perf-error li[data-field=from]")).ToHaveTextAsync("tanggal awal setelah tanggal akhir");
        // The figures of the last good period stay.
        await Expect(page.Locator("#perf-opds tbody tr")).ToHaveCountAsync(5);
    }

    /// <summary>Every OPD and kecamatan row of the answer, in its order, with each figure's raw value.</summary>
    private static async Task AssertTablesShowAsync(IPage page, JsonElement report)
    {
        foreach (var (table, list) in new[] { ("#perf-opds", "opds"), ("#perf-kecamatan", "kecamatan") })
        {
            var expected = report.GetProperty(list).EnumerateArray().ToList();
            var rows = page.Locator($"{table} tbody tr");
            await Expect(rows).ToHaveCountAsync(expected.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-code", expected[i].GetProperty("code").GetString()!);
                foreach (var column in FigureColumns)
                    await Expect(rows.Nth(i).Locator($"td[data-col={column}]")).ToHaveAttributeAsync("data-value", Raw(expected[i].GetProperty(column)));
            }
        }
    }

    private static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "" : value.GetRawText();

    private static JsonElement Opd(JsonElement report, string code) =>
        report.GetProperty("opds").EnumerateArray().Single(o => o.GetProperty("code").GetString() == code);
}
