using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// The planners' page /perencana over the fixture city: every layer with its legend, a cell's numbers and complaints
/// on click, downloads that carry the API's numbers, and a complaint filed elsewhere reaching the visible layer live.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlannerPageTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>, IAsyncLifetime
{
    // Six flooding complaints within about 50 m of each other in Kelurahan Bukit, and four far apart.
    private static readonly (double Lat, double Lon)[] Planted =
        [(0.0250, 100.0600), (0.0253, 100.0602), (0.0248, 100.0597), (0.0251, 100.0604), (0.0254, 100.0598), (0.0247, 100.0601)];
    private static readonly (double Lat, double Lon)[] Scattered = [(0.065, 100.02), (0.05, 100.085), (0.02, 100.02), (0.06, 100.05)];

    public async Task InitializeAsync()
    {
        // The class's database is shared by its tests: the first one files the complaints.
        if ((await city.GetJsonAsync("/api/complaints?limit=1")).GetProperty("features").GetArrayLength() > 0) return;
        foreach (var (lat, lon) in Planted) await city.FileAsync(lat, lon, "genangan_air", "Air menggenang setelah hujan");
        foreach (var (lat, lon) in Scattered) await city.FileAsync(lat, lon, "sampah", "Sampah menumpuk");
        // The hotspot layers read an in-memory copy that follows the event log: wait until it holds them all.
        var filed = Planted.Length + Scattered.Length;
        for (var attempt = 0; attempt < 50 && await ApiCountAsync() < filed; attempt++) await Task.Delay(100);
        Assert.Equal(filed, await ApiCountAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Hex_gi_trend_and_heatmap_layers_are_drawn_with_their_legends_in_both_languages()
    {
        var page = await OpenAsync("layer=hex&cell=250");

        await Expect(page.Locator("path.hs-hex")).Not.ToHaveCountAsync(0);
        Assert.Equal(await ApiCountAsync(), await DrawnCountAsync(page));
        await Expect(page.Locator("#planner-legend-items li").First).ToContainTextAsync("0 laporan");
        // Count classes start at the fewest complaints a non-empty cell has, never at 0.
        await Expect(page.Locator("#planner-legend-items li").Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9]"));

        await SwitchLayerAsync(page, "gi");
        var legend = page.Locator("#planner-legend-items");
        string[] giBins = ["Titik rawan 99 %", "Titik rawan 95 %", "Titik rawan 90 %", "Tidak signifikan", "Titik sepi 90 %", "Titik sepi 95 %", "Titik sepi 99 %"];
        for (var i = 0; i < giBins.Length; i++) await Expect(legend.Locator("li[data-bin]").Nth(i)).ToHaveTextAsync(giBins[i]);
        await Expect(page.Locator("path.hs-gi[data-bin]")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("#planner-band")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-fdr")).ToBeVisibleAsync();

        await SwitchLayerAsync(page, "trend");
        await Expect(legend.Locator("li[data-trend]")).ToHaveTextAsync(["Baru", "Menguat", "Menetap", "Melemah", "Tanpa pola"]);
        await Expect(page.Locator("path.hs-trend[data-trend]")).Not.ToHaveCountAsync(0);

        await SwitchLayerAsync(page, "heatmap");
        await Expect(page.Locator("canvas.heat-canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("path.hs-feature")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("""
            () => { const c = document.querySelector('canvas.heat-canvas');
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }
            """), "the heatmap canvas is empty");

        await SwitchLayerAsync(page, "gi");
        await page.Locator("#btn-lang").ClickAsync();
        await Expect(legend.Locator("li[data-bin='0']")).ToHaveTextAsync("Not significant");
        await Expect(legend.Locator("li[data-bin='3']")).ToHaveTextAsync("Hot spot 99 %");
        await Expect(page.Locator("#planner-layer")).ToHaveAccessibleNameAsync("Layer");
        // The whole state is in the URL: a reload shows the same layer with the same parameters.
        Assert.Contains("layer=gi", page.Url, StringComparison.Ordinal);
        await page.ReloadAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", "gi");
        await Expect(page.Locator("#planner-layer")).ToHaveValueAsync("gi");
        await MapPage.ScreenshotAsync(page, "planner-gi-desktop");
    }

    [Fact]
    public async Task Cluster_and_kelurahan_layers_are_drawn_with_their_legends()
    {
        var page = await OpenAsync("layer=clusters&eps=100&minPoints=5&window=30");
        var legend = page.Locator("#planner-legend-items");
        await Expect(page.Locator("#planner-eps")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-band")).ToBeHiddenAsync();
        // The six flooding complaints are one cluster; the scattered ones (and any filed by other tests) are noise.
        await Expect(page.Locator("path.hs-clusters")).ToHaveCountAsync(1);
        await Expect(page.Locator("path.hs-clusters")).ToHaveAttributeAsync("data-count", Planted.Length.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator(".hs-count")).ToHaveTextAsync(Planted.Length.ToString(CultureInfo.InvariantCulture));
        await Expect(legend).ToContainTextAsync("Klaster");
        await MapPage.ClickMapAtAsync(page, Planted.Average(p => p.Lat), Planted.Average(p => p.Lon));
        await Expect(page.Locator("#planner-details dd[data-prop=count]")).ToHaveTextAsync(Planted.Length.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#planner-details dd[data-prop=dominantCategory]")).ToHaveTextAsync("Genangan air / banjir");
        await Expect(page.Locator("#planner-complaints li")).ToHaveCountAsync(Planted.Length);

        await SwitchLayerAsync(page, "kelurahan");
        // The fixture city's five kelurahan, and no population for them: per 1,000 residents is "no data" everywhere.
        await Expect(page.Locator("path.hs-kelurahan")).ToHaveCountAsync(5);
        await Expect(page.Locator("path.hs-no-data")).ToHaveCountAsync(0);
        await page.Locator("#planner-measure").SelectOptionAsync("per1000");
        await Expect(page.Locator("path.hs-no-data")).ToHaveCountAsync(5);
        await Expect(legend).ToContainTextAsync("Tidak ada data");
        Assert.Contains("measure=per1000", page.Url, StringComparison.Ordinal);

        // The choropleth's CSV (Indonesian, as the page) carries the API's counts and an empty per-1,000 (no data, not 0).
        var api = await city.GetJsonAsync("/api/hotspots/kelurahan?days=30");
        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#planner-export-csv").ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await csv.PathAsync())!)).Where(l => l.Length > 0).ToList();
        var header = SplitCsv(lines[0]);
        var rows = lines.Skip(1).Select(SplitCsv).ToList();
        Assert.Equal(api.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("count").GetInt32()),
            rows.Select(r => int.Parse(r[header.IndexOf("jumlah_laporan")], CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal("", r[header.IndexOf("per_1000_penduduk")]));
    }

    [Fact]
    public async Task Filters_change_the_layer_and_the_url()
    {
        var page = await OpenAsync("layer=hex&cell=250&window=30");

        await page.Locator("#planner-category-summary").ClickAsync();
        await RedrawAfterAsync(page, () => page.Locator("input[name=category][value=genangan_air]").CheckAsync());
        Assert.Equal(Planted.Length, await DrawnCountAsync(page));
        Assert.Contains("category=genangan_air", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#planner-category-summary")).ToHaveTextAsync("Genangan air / banjir");

        await RedrawAfterAsync(page, () => page.Locator("#planner-status").SelectOptionAsync("resolved"));
        Assert.Equal(0, await DrawnCountAsync(page));
        await RedrawAfterAsync(page, () => page.Locator("#planner-status").SelectOptionAsync("open"));
        Assert.Equal(Planted.Length, await DrawnCountAsync(page));

        // The complaints were filed today: only the season of today (in WIB) holds them.
        var month = DateTime.UtcNow.AddHours(7).Month;
        var (now, other) = month is >= 10 or <= 3 ? ("hujan", "kemarau") : ("kemarau", "hujan");
        await RedrawAfterAsync(page, () => page.Locator("#planner-window").SelectOptionAsync(other));
        Assert.Equal(0, await DrawnCountAsync(page));
        Assert.Contains($"window={other}", page.Url, StringComparison.Ordinal);
        await RedrawAfterAsync(page, () => page.Locator("#planner-window").SelectOptionAsync(now));
        Assert.Equal(Planted.Length, await DrawnCountAsync(page));

        await RedrawAfterAsync(page, () => page.Locator("#planner-window").SelectOptionAsync("custom"));
        await Expect(page.Locator("#planner-from")).ToBeVisibleAsync();
        var yesterday = DateTime.UtcNow.AddHours(7).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await RedrawAfterAsync(page, () => page.Locator("#planner-from").FillAsync("2020-01-01"));
        await RedrawAfterAsync(page, () => page.Locator("#planner-to").FillAsync(yesterday));
        Assert.Equal(0, await DrawnCountAsync(page));
        Assert.Contains($"to={yesterday}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_click_on_a_cell_shows_its_numbers_and_links_its_complaints()
    {
        var hex = await city.GetJsonAsync("/api/hotspots/hex?cell=250&days=30");
        var busiest = hex.GetProperty("features").EnumerateArray().MaxBy(f => f.GetProperty("properties").GetProperty("count").GetInt32());
        var count = busiest.GetProperty("properties").GetProperty("count").GetInt32();
        var (lon, lat) = Centroid(busiest.GetProperty("geometry"));
        var page = await OpenAsync("layer=hex&cell=250&window=30", view: $"lat={lat.ToString(CultureInfo.InvariantCulture)}&lon={lon.ToString(CultureInfo.InvariantCulture)}&z=16");

        await MapPage.ClickMapAtAsync(page, lat, lon);

        var details = page.Locator("#planner-details");
        await Expect(details).ToBeVisibleAsync();
        await Expect(details.Locator("dd[data-prop=count]")).ToHaveTextAsync(count.ToString(CultureInfo.InvariantCulture));
        await Expect(details.Locator("#planner-complaints li")).ToHaveCountAsync(count);
        var links = await details.Locator("#planner-complaints a").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))");
        Assert.All(links, href => Assert.Matches(@"^/lacak/[A-Z0-9-]+$", href));

        await page.Locator("#btn-close-details").ClickAsync();
        await Expect(details).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Export_downloads_the_visible_layer_with_the_numbers_of_the_API()
    {
        var page = await OpenAsync("layer=gi&cell=250&window=30");
        var api = await city.GetJsonAsync("/api/hotspots/hex?cell=250&days=30");
        var apiCounts = api.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("count").GetInt32()).ToList();

        var geojson = await page.RunAndWaitForDownloadAsync(() => page.Locator("#planner-export-geojson").ClickAsync());
        Assert.EndsWith(".geojson", geojson.SuggestedFilename, StringComparison.Ordinal);
        using var downloaded = JsonDocument.Parse(await File.ReadAllTextAsync((await geojson.PathAsync())!));
        var features = downloaded.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(apiCounts, features.Select(f => f.GetProperty("properties").GetProperty("count").GetInt32()));
        Assert.Equal(api.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("z").GetDouble()),
            features.Select(f => f.GetProperty("properties").GetProperty("z").GetDouble()));

        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#planner-export-csv").ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync((await csv.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = SplitCsv(lines[0]);
        var countColumn = header.IndexOf("jumlah_laporan");
        Assert.True(countColumn >= 0, $"the CSV has no jumlah_laporan column: {lines[0]}");
        Assert.Equal(apiCounts, lines.Skip(1).Select(l => int.Parse(SplitCsv(l)[countColumn], CultureInfo.InvariantCulture)));
        // The parameters the layer was drawn with travel in the file.
        Assert.Equal(api.GetProperty("band").GetDouble().ToString(CultureInfo.InvariantCulture), SplitCsv(lines[1])[header.IndexOf("jarak_tetangga_m")]);
        Assert.Equal("hari_terakhir=30", SplitCsv(lines[1])[header.IndexOf("saringan")]);

        var gpkg = await page.RunAndWaitForDownloadAsync(() => page.Locator("#planner-export-gpkg").ClickAsync());
        Assert.EndsWith(".gpkg", gpkg.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), (await File.ReadAllBytesAsync((await gpkg.PathAsync())!))[..16]);

        // In English, the files are in English too.
        await page.Locator("#btn-lang").ClickAsync();
        await Expect(page.Locator("#planner-export-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("lang=en"));
    }

    [Fact]
    public async Task A_complaint_filed_elsewhere_changes_the_visible_layer_within_5_seconds()
    {
        // Zoomed in on the planted cluster, 3.5 km from where the complaint is filed: the layer covers the whole city,
        // so the page must hear about complaints outside its view too.
        var page = await OpenAsync("layer=hex&cell=250&window=30", view: "lat=0.025&lon=100.06&z=17");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        var before = await DrawnCountAsync(page);

        await city.FileAsync(0.035, 100.03, "jalan_rusak", "Lubang besar di tengah jalan");

        try
        {
            await page.WaitForFunctionAsync($"n => ({DrawnCount})() === n", before + 1, new PageWaitForFunctionOptions { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the hex layer did not count the new complaint within 5 s: it shows {await DrawnCountAsync(page)}, before {before}");
        }
        Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
    }

    [Fact]
    public async Task Under_a_status_filter_a_resolved_complaint_leaves_the_visible_layer()
    {
        var page = await OpenAsync("layer=hex&cell=250&window=30&status=open&category=pohon_membahayakan");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        var before = await DrawnCountAsync(page);
        var ticket = (await city.FileAsync(0.045, 100.03, "pohon_membahayakan", "Pohon miring ke jalan")).GetProperty("ticket").GetString()!;
        await page.WaitForFunctionAsync($"n => ({DrawnCount})() === n", before + 1, new PageWaitForFunctionOptions { Timeout = 30_000 });

        await city.ChangeStatusAsync(ticket, Ujar.Api.Complaints.ComplaintStatus.Resolved, "Pohon sudah ditebang");

        await page.WaitForFunctionAsync($"n => ({DrawnCount})() === n", before, new PageWaitForFunctionOptions { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_burst_of_complaints_is_drawn_after_a_handful_of_layer_fetches_not_one_per_complaint()
    {
        var page = await OpenAsync("layer=hex&cell=250&window=30");
        await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "connected");
        var before = await DrawnCountAsync(page);
        var fetches = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/hotspots/hex", StringComparison.Ordinal)) Interlocked.Increment(ref fetches);
        };

        const int burst = 60;
        await Task.WhenAll(Enumerable.Range(0, burst).Select(i =>
            city.FileAsync(0.015 + i % 10 * 0.002, 100.015 + i / 10 * 0.004, "sampah", $"Sampah liar nomor {i}")));

        await page.WaitForFunctionAsync($"n => ({DrawnCount})() === n", before + burst, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.InRange(fetches, 1, 3);
    }

    [Fact]
    public async Task The_keyboard_reaches_every_control_and_opens_a_kelurahan_from_the_map()
    {
        var page = await OpenAsync("layer=kelurahan&window=30");
        await Expect(page.Locator("path.hs-kelurahan")).ToHaveCountAsync(5);
        var visited = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>("() => { const e = document.activeElement; return e.id || e.getAttribute('aria-label') || e.tagName; }");
            visited.Add(focused);
            if (await page.EvaluateAsync<bool>("() => document.activeElement.matches('path.hs-kelurahan')")) break;
        }
        foreach (var id in new[] { "planner-layer", "planner-status", "planner-window", "planner-measure", "planner-export-geojson", "planner-export-csv" })
            Assert.Contains(id, visited);
        var name = visited[^1];
        Assert.Matches(@"^Kelurahan \w+, \d+ laporan$", name);

        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#planner-details")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-details-title")).ToBeFocusedAsync();
        await Expect(page.Locator("#planner-details dd[data-prop=name]")).ToHaveTextAsync(name[..name.IndexOf(',')]);
        await Expect(page.Locator("#planner-details dd[data-prop=count]")).ToHaveTextAsync(name.Split(", ")[1].Split(' ')[0]);
    }

    [Fact]
    public async Task On_a_phone_the_controls_are_labelled_and_the_page_does_not_scroll_sideways()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await page.GotoAsync("/perencana?" + MapPage.FixtureCityView + "&layer=hex");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", "hex");
        foreach (var id in new[] { "#planner-layer", "#planner-status", "#planner-window", "#planner-cell" })
            await Expect(page.Locator(id)).Not.ToHaveAccessibleNameAsync("");
        // The legend starts folded so the map stays visible; a tap opens it.
        await Expect(page.Locator("#planner-legend")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-legend-items")).ToBeHiddenAsync();
        await page.Locator("#planner-legend-title").ClickAsync();
        await Expect(page.Locator("#planner-legend-items")).ToBeVisibleAsync();
        await MapPage.AssertNoHorizontalScrollAsync(page);
        await MapPage.ScreenshotAsync(page, "planner-phone");
    }

    [Fact]
    public async Task Gi_is_explained_in_words_an_empty_cell_says_it_is_a_neighbourhood_effect_and_sparse_data_are_flagged()
    {
        var hex = await city.GetJsonAsync("/api/hotspots/hex?cell=250&days=30");
        var cells = hex.GetProperty("features").EnumerateArray().ToList();
        var busiest = cells.MaxBy(f => f.GetProperty("properties").GetProperty("count").GetInt32());
        var (bLon, bLat) = Centroid(busiest.GetProperty("geometry"));
        // The planted six make their own cell hot and, through the band, the empty cells around it too.
        var empty = cells.Where(f => f.GetProperty("properties").GetProperty("count").GetInt32() == 0 && f.GetProperty("properties").GetProperty("bin").GetInt32() > 0)
            .Select(f => Centroid(f.GetProperty("geometry")))
            .OrderBy(c => Math.Pow(c.Lon - bLon, 2) + Math.Pow(c.Lat - bLat, 2))
            .Select(c => ((double Lon, double Lat)?)c).FirstOrDefault();
        Assert.True(empty is not null, "no empty cell inside a hot spot");
        var (lon, lat) = empty!.Value;
        var page = await OpenAsync("layer=gi&cell=250&window=30",
            view: $"lat={bLat.ToString(CultureInfo.InvariantCulture)}&lon={bLon.ToString(CultureInfo.InvariantCulture)}&z=16");

        await Expect(page.Locator("#planner-legend-explain")).ToContainTextAsync("Titik rawan 99 %: sel ini bersama sel-sel di sekitarnya");
        await Expect(page.Locator("#planner-legend-explain")).ToContainTextAsync("kurang dari 1 dari 100 kali");
        // A handful of complaints over the whole city: most cells are empty, and the layer says what to do about it.
        Assert.True(hex.GetProperty("sparse").GetBoolean());
        await Expect(page.Locator("#planner-sparse")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-sparse")).ToContainTextAsync("Pilih periode yang lebih panjang atau ukuran sel yang lebih besar");
        await Expect(page.Locator("path.hs-neighbourhood")).Not.ToHaveCountAsync(0);

        await MapPage.ClickMapAtAsync(page, lat, lon);

        var details = page.Locator("#planner-details");
        await Expect(details.Locator("dd[data-prop=count]")).ToHaveTextAsync("0");
        await Expect(details.Locator("dd[data-prop=bin]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Titik rawan (99|95|90) %$"));
        await Expect(details.Locator("#planner-meaning")).ToContainTextAsync("efek lingkungan");
        // Words and the page's numbers, never the API's raw fields.
        var shown = await details.Locator("#planner-numbers").InnerTextAsync();
        Assert.DoesNotMatch(@"\d[eE][-+]?\d|\bq\b|\br\b|Hot spot|binLabel", shown);
        await Expect(details.Locator("dd[data-prop=chance]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(kurang dari 0,1 %|\d+(,\d)? %)$"));

        // The busiest cell is hot for its own complaints: the panel says so, with its chance in words.
        await page.Locator("#btn-close-details").ClickAsync();
        // The legend folds (on a desktop too), so it does not cover the cell.
        await page.Locator("#planner-legend-title").ClickAsync();
        await Expect(page.Locator("#planner-legend-items")).ToBeHiddenAsync();
        await MapPage.ClickMapAtAsync(page, bLat, bLon);
        await Expect(details.Locator("dd[data-prop=count]")).ToHaveTextAsync(busiest.GetProperty("properties").GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture));
        await Expect(details.Locator("#planner-meaning")).ToContainTextAsync("jauh lebih banyak laporan daripada rata-rata kota");
        await Expect(details.Locator("#planner-meaning")).Not.ToContainTextAsync("efek lingkungan");
        await MapPage.ScreenshotAsync(page, "planner-gi-explained");
    }

    [Fact]
    public async Task The_charts_show_complaints_per_week_per_category_and_the_kelurahan_ranking_for_the_filters()
    {
        var page = await OpenAsync("layer=hex&cell=250&window=30");
        var before = await ChartRendersAsync(page);
        await page.Locator("#planner-charts > summary").ClickAsync();
        await page.WaitForFunctionAsync("n => Number(document.body.dataset.plannerCharts || 0) > n", before, new PageWaitForFunctionOptions { Timeout = 30_000 });

        var weekly = await city.GetJsonAsync("/api/hotspots/weekly?days=30");
        var total = weekly.GetProperty("total").GetInt32();
        var weeks = weekly.GetProperty("weeks").GetArrayLength();
        await Expect(page.Locator("#chart-weekly")).ToHaveAttributeAsync("aria-label", $"{total} laporan dalam {weeks} minggu");
        var top = weekly.GetProperty("series")[0];
        var topName = top.GetProperty("category").GetString() == "sampah" ? "Sampah" : "Genangan air / banjir";
        await Expect(page.Locator("#chart-categories")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex($"terbanyak: {System.Text.RegularExpressions.Regex.Escape(topName)}"));
        await Expect(page.Locator("#chart-kelurahan")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"^5 kelurahan; tertinggi: Kelurahan \w+ \(\d+\)$"));
        foreach (var id in new[] { "chart-weekly", "chart-categories", "chart-kelurahan" })
            Assert.True(await page.EvaluateAsync<bool>($$"""
                () => { const c = document.getElementById('{{id}}');
                        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }
                """), $"{id} is empty");

        // The fixture city has no population figures: per 1,000 residents ranks no one and says why, never shows 0.
        before = await ChartRendersAsync(page);
        await page.Locator("#chart-measure").SelectOptionAsync("per1000");
        await Expect(page.Locator("#chart-kelurahan-missing")).ToHaveTextAsync("5 kelurahan tanpa data penduduk tidak ikut diperingkat.");
        await Expect(page.Locator("#chart-kelurahan")).ToHaveAttributeAsync("aria-label", "0 kelurahan; tertinggi: –");

        // The charts follow the filters.
        before = await ChartRendersAsync(page);
        await page.Locator("#planner-category-summary").ClickAsync();
        await page.Locator("input[name=category][value=genangan_air]").CheckAsync();
        await page.WaitForFunctionAsync("n => Number(document.body.dataset.plannerCharts || 0) > n", before, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await Expect(page.Locator("#chart-categories")).ToHaveAttributeAsync("aria-label", $"1 kategori; terbanyak: Genangan air / banjir ({Planted.Length})");
        await MapPage.ScreenshotAsync(page, "planner-charts");
    }

    [Fact]
    public async Task The_controls_cannot_ask_for_a_trend_without_a_period_or_a_band_beyond_the_limit()
    {
        var page = await OpenAsync("layer=trend&cell=250&window=all");
        await Expect(page.Locator("#planner-window")).ToHaveValueAsync("30");
        await Expect(page.Locator("#planner-window option[value=all]")).ToHaveAttributeAsync("disabled", "");
        Assert.Contains("window=30", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#planner-error")).ToBeHiddenAsync();

        // Chosen dates without a start: the trend gets the 30 days before the end instead of a refusal.
        await RedrawAfterAsync(page, () => page.Locator("#planner-window").SelectOptionAsync("custom"));
        await Expect(page.Locator("#planner-from")).Not.ToHaveValueAsync("");
        await Expect(page.Locator("#planner-error")).ToBeHiddenAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", "trend");

        // A band wider than the cell size allows is brought back to the widest allowed, not sent to be refused.
        await SwitchLayerAsync(page, "gi");
        var widest = (await city.GetJsonAsync("/api/hotspots/hex?cell=250")).GetProperty("maxBand").GetInt32();
        await RedrawAfterAsync(page, async () =>
        {
            await page.Locator("#planner-band").FillAsync("999999");
            await page.Locator("#planner-band").PressAsync("Tab");
        });
        await Expect(page.Locator("#planner-band")).ToHaveValueAsync(widest.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#planner-error")).ToBeHiddenAsync();

        // The category picker behaves like one: it opens, "all" clears it, Escape closes it.
        await page.Locator("#planner-category-summary").ClickAsync();
        await RedrawAfterAsync(page, () => page.Locator("input[name=category][value=sampah]").CheckAsync());
        await Expect(page.Locator("#planner-category-summary")).ToHaveTextAsync("Sampah");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#planner-categories")).ToBeHiddenAsync();
        await page.Locator("#planner-category-summary").ClickAsync();
        await RedrawAfterAsync(page, () => page.Locator("#planner-categories-clear").ClickAsync());
        await Expect(page.Locator("#planner-category-summary")).ToHaveTextAsync("Semua");
        await Expect(page.Locator("#planner-categories")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_failed_layer_is_explained_in_the_planners_words()
    {
        var page = await OpenAsync("layer=hex&cell=250&window=30");
        await page.RouteAsync("**/api/hotspots/**", route => route.AbortAsync());
        await page.Locator("#planner-layer").SelectOptionAsync("gi");
        await Expect(page.Locator("#planner-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-error")).ToContainTextAsync("Tidak dapat terhubung ke server");
        await Expect(page.Locator("#planner-error")).Not.ToContainTextAsync("TypeError");
    }

    [Theory]
    [InlineData("gi")]
    [InlineData("trend")]
    [InlineData("clusters")]
    [InlineData("kelurahan")]
    public async Task The_Indonesian_page_has_no_English(string layer)
    {
        var page = await OpenAsync($"layer={layer}&cell=250&window=30");
        await MapPage.ClickMapAtAsync(page, Planted.Average(p => p.Lat), Planted.Average(p => p.Lon));
        await Expect(page.Locator("#planner-details")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-complaints-note")).Not.ToHaveTextAsync("Memuat laporan…");
        var before = await ChartRendersAsync(page);
        await page.Locator("#planner-charts > summary").ClickAsync();
        await page.WaitForFunctionAsync("n => Number(document.body.dataset.plannerCharts || 0) > n", before, new PageWaitForFunctionOptions { Timeout = 30_000 });

        // What a planner reads: visible text and accessible names (the map tiles' attribution is the tile provider's).
        var text = await page.EvaluateAsync<string>("""
            () => { const attribution = document.querySelector('.leaflet-control-attribution');
                    if (attribution) attribution.remove();
                    const names = [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'));
                    return document.body.innerText + '\n' + names.join('\n'); }
            """);
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex(
            @"\b(hot ?spots?|cold ?spots?|not significant|complaints?|download|layer|legend|trend|clusters?|neighbou?rs?|weeks?|charts?|categor(y|ies)|details|close|residents|no data|wettest|others|loading|zoom)\b",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase), text);
    }

    private static Task<int> ChartRendersAsync(IPage page) =>
        page.EvaluateAsync<int>("() => Number(document.body.dataset.plannerCharts || 0)");

    /// <summary>The sum of the counts written on the drawn hex cells.</summary>
    private const string DrawnCount = "() => [...document.querySelectorAll('path.hs-hex')].reduce((s, p) => s + Number(p.dataset.count || 0), 0)";

    private static Task<int> DrawnCountAsync(IPage page) => page.EvaluateAsync<int>(DrawnCount);

    private async Task<IPage> OpenAsync(string state, string view = MapPage.FixtureCityView)
    {
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await page.GotoAsync($"/perencana?{view}&{state}");
        var layer = System.Web.HttpUtility.ParseQueryString(state)["layer"]!;
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", layer);
        return page;
    }

    /// <summary>Runs <paramref name="change"/> and waits until the layer is drawn again.</summary>
    private static async Task RedrawAfterAsync(IPage page, Func<Task> change)
    {
        var before = int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.plannerRenderCount"), CultureInfo.InvariantCulture);
        await change();
        await page.WaitForFunctionAsync("n => Number(document.body.dataset.plannerRenderCount) > n", before, new PageWaitForFunctionOptions { Timeout = 30_000 });
    }

    private static async Task SwitchLayerAsync(IPage page, string layer)
    {
        await RedrawAfterAsync(page, () => page.Locator("#planner-layer").SelectOptionAsync(layer));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-planner-layer", layer);
    }

    /// <summary>The sum of the hex counts the API gives for the page's default window (30 days).</summary>
    private async Task<int> ApiCountAsync()
    {
        var hex = await city.GetJsonAsync("/api/hotspots/hex?cell=250&days=30");
        return hex.GetProperty("features").EnumerateArray().Sum(f => f.GetProperty("properties").GetProperty("count").GetInt32());
    }

    private static (double Lon, double Lat) Centroid(JsonElement geometry)
    {
        var ring = geometry.GetProperty("type").GetString() == "MultiPolygon" ? geometry.GetProperty("coordinates")[0][0] : geometry.GetProperty("coordinates")[0];
        var points = ring.EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();
        points.RemoveAt(points.Count - 1);
        return (points.Average(p => p.Item1), points.Average(p => p.Item2));
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ';' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
