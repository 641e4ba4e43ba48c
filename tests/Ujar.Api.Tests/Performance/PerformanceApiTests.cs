using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Performance;

/// <summary>The service over its own database holding <see cref="PerformanceScenario"/>, its clock stopped at
/// <see cref="PerformanceScenario.Now"/>.</summary>
public sealed class PerformanceCityApp : IAsyncLifetime
{
    private UjarApp _app = null!;
    public WebApplicationFactory<Program> Clocked { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        _app = new UjarApp(connectionString);
        await using (var db = _app.NewDb()) await PerformanceScenario.SeedAsync(db);
        Clocked = _app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<TimeProvider>(new StoppedClock(PerformanceScenario.Now))));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}

/// <summary>
/// GET /api/performance over the hand-made fortnight (see <see cref="PerformanceScenario"/> for the working-day
/// numbering cum(·) used below), at Thu 27 Aug 2026 12:00 WIB.
/// </summary>
public sealed class PerformanceApiTests(PerformanceCityApp city) : IClassFixture<PerformanceCityApp>
{
    private const string Period = "from=2026-08-10&to=2026-08-23";

    private HttpClient Client => city.Clocked.CreateClient();

    /*
     * pupr: P1–P11 filed to it + D3 re-routed to it = 12 received (the duplicate and the two outside the period are not).
     *   First response (from its receipt):  P1 cum(11)−cum(10) = 1; P2 same day 0; P3 cum(12)−cum(11) = 1; P4 (rejected) cum(14)−cum(12) = 2;
     *     P5 cum(18)−cum(13) = 6−4 = 2 (weekend + 17 Aug skipped); P6 answered on the holiday 17 Aug: 5−5 = 0;
     *     P7 filed Sat 15: cum(20)−5 = 3; P8, P11 none; P9 cum(20)−cum(19) = 1; P10 cum(26)−cum(21) = 11−9 = 2;
     *     D3 from pupr's receipt Wed 12: cum(13)−cum(12) = 1 (not 3, counted from the filing).
     *     → 0,0,1,1,1,1,2,2,2,3 → median (1+1)/2 = 1 (the 5th and 6th values).
     *   Resolution (first Selesai): P1 3−1 = 2; P2 5−1 = 4; P3 4−2 = 2; P5 7−4 = 3; P6 8−5 = 3; P9 10−7 = 3;
     *     D3 cum(19)−cum(12) = 7−3 = 4 → 2,2,3,3,3,4,4 → median 3. Resolved 7.
     *   Deadline (resolve 3 from receipt; jalan_rusak 14, sampah 5):
     *     P1 due after cum 4 = Thu 13, resolved Wed 12 ✓; P2 due after Thu 13, resolved Fri 14 ✗;
     *     P3 due after cum 5 = Fri 14, last resolved Wed 19 (after the reopen) ✗; P4 rejected: not counted;
     *     P5 due after cum 7 = Wed 19, resolved Wed 19 ✓ (the holiday gave the day); P6 due after cum 8 = Thu 20, ✓;
     *     P7 open, due after cum 8 = Thu 20, now Thu 27 ✗; P8 open, due after cum 9 = Fri 21 ✗;
     *     P9 due after cum 10 = Mon 24, resolved Mon 24 ✓; P10 due after cum 23 (September): not yet due, not counted;
     *     P11 filed Sun 23 23:30 WIB, due after cum 12 = Thu 27, i.e. at Fri 28 00:00 > now: not counted;
     *     D3 due after cum 3+5 = 8 = Thu 20 from pupr's receipt, resolved Wed 19 ✓.
     *     → within 5 (P1 P5 P6 P9 D3) of 9 counted = 55.555… → 55.6 %.
     *   Reopen: P3 → 1 of 7 resolved = 14.285… → 14.3 %.  Still open: P7 P8 P10 P11 = 4 of 12 = 33.3 %. Rejected 1.
     * dlh: D1, D2, and D3 until it re-routed it = 3 received (< 10: not ranked).
     *   First response: D1 same day 0; D2 cum(21)−cum(20) = 1; D3 the re-route, cum(12)−cum(10) = 2 → median 1.
     *   Resolution: D1 cum(14)−cum(11) = 3 → 3. Deadline: D1 due after cum 2+5 = 7 = Wed 19, resolved Fri 14 ✓;
     *   D2 due after cum 8+5 = 13 = Fri 28: not counted; D3 handed on: not counted → 1 of 1 = 100 %.
     *   Reopen 0 of 1 = 0 %. Still open: D2 = 1 of 3 = 33.3 %.
     * dishub: 10 × (first response 1, resolution cum(12)−cum(10) = 2, due after cum 1+7 = 8 ✓) → 1, 2, 100 %, 0 %, 0 %.
     * Ranking (≥ 10 received): dishub 100 % → 1, pupr 55.6 % → 2; dlh, dinsos, diskominfo not ranked.
     */
    [Fact]
    public async Task Opd_figures_match_the_hand_computed_fortnight_and_rank_only_opds_with_ten_complaints()
    {
        var report = await GetJsonAsync($"/api/performance?{Period}");

        Assert.Equal("2026-08-10", report.GetProperty("period").GetProperty("from").GetString());
        Assert.Equal("2026-08-23", report.GetProperty("period").GetProperty("to").GetString());
        Assert.Equal(["from", "to"], report.GetProperty("period").EnumerateObject().Select(p => p.Name));
        var opds = report.GetProperty("opds").EnumerateArray().ToList();
        Assert.Equal(["dishub", "pupr", "dlh", "dinsos", "diskominfo"], opds.Select(o => o.GetProperty("code").GetString()));

        var pupr = Opd(report, "pupr");
        AssertFigures(pupr, received: 12, firstResponse: 1, resolution: 3, withinPct: 55.6, reopenPct: 14.3, openPct: 33.3);
        AssertCounts(pupr, rejected: 1, resolved: 7, reopened: 1, counted: 9, within: 5, open: 4);
        Assert.True(pupr.GetProperty("ranked").GetBoolean());
        Assert.Equal(2, pupr.GetProperty("rank").GetInt32());
        Assert.Equal("Dinas Pekerjaan Umum dan Penataan Ruang", pupr.GetProperty("name").GetString());

        var dlh = Opd(report, "dlh");
        AssertFigures(dlh, received: 3, firstResponse: 1, resolution: 3, withinPct: 100, reopenPct: 0, openPct: 33.3);
        AssertCounts(dlh, rejected: 0, resolved: 1, reopened: 0, counted: 1, within: 1, open: 1);
        Assert.False(dlh.GetProperty("ranked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, dlh.GetProperty("rank").ValueKind);

        var dishub = Opd(report, "dishub");
        AssertFigures(dishub, received: 10, firstResponse: 1, resolution: 2, withinPct: 100, reopenPct: 0, openPct: 0);
        Assert.Equal(1, dishub.GetProperty("rank").GetInt32());

        // Nothing received: shown, not ranked, and "nothing to measure" rather than 0.
        var dinsos = Opd(report, "dinsos");
        Assert.Equal(0, dinsos.GetProperty("received").GetInt32());
        Assert.False(dinsos.GetProperty("ranked").GetBoolean());
        foreach (var figure in new[] { "firstResponseMedianDays", "resolutionMedianDays", "resolvedWithinDeadlinePct", "reopenRatePct", "stillOpenPct" })
            Assert.Equal(JsonValueKind.Null, dinsos.GetProperty(figure).ValueKind);
    }

    /*
     * Per kecamatan every clock starts at the filing and the deadline is the official one (from the filing):
     * Utara = P1–P11 + D3 = 12. First response: as pupr but D3's is the re-route, cum(12)−cum(10) = 2
     *   → 0,0,1,1,1,2,2,2,2,3 → median (1+2)/2 = 1.5.
     *   Resolution: as pupr but D3 cum(19)−cum(10) = 6 → 2,2,3,3,3,4,6 → median 3.
     *   Deadline: D3 due after cum 1+5 = 6 = Tue 18, resolved Wed 19 ✗ → 4 of 9 = 44.4 %. Reopen 1/7 = 14.3 %.
     *   Still open 4/12 = 33.3 %.
     * Selatan = D1, D2 + dishub's 10 = 12. First response 0 and eleven 1s → median 1. Resolution D1 3 and ten 2s → 2.
     *   Deadline 11 of 11 = 100 % (D2 not due). Reopen 0/11 = 0 %. Still open D2: 1/12 = 8.333… → 8.3 %.
     */
    [Fact]
    public async Task Kecamatan_figures_count_from_the_filing_with_the_official_deadline()
    {
        var report = await GetJsonAsync($"/api/performance?{Period}");

        var kecamatan = report.GetProperty("kecamatan").EnumerateArray().ToList();
        Assert.Equal(["Kecamatan Selatan", "Kecamatan Utara"], kecamatan.Select(k => k.GetProperty("name").GetString()));
        var utara = kecamatan.Single(k => k.GetProperty("code").GetString() == PerformanceScenario.Utara);
        AssertFigures(utara, received: 12, firstResponse: 1.5, resolution: 3, withinPct: 44.4, reopenPct: 14.3, openPct: 33.3);
        AssertCounts(utara, rejected: 1, resolved: 7, reopened: 1, counted: 9, within: 4, open: 4);
        var selatan = kecamatan.Single(k => k.GetProperty("code").GetString() == PerformanceScenario.Selatan);
        AssertFigures(selatan, received: 12, firstResponse: 1, resolution: 2, withinPct: 100, reopenPct: 0, openPct: 8.3);
        Assert.False(selatan.TryGetProperty("rank", out _));
    }

    [Fact]
    public async Task The_definitions_are_given_in_both_languages()
    {
        var definitions = (await GetJsonAsync($"/api/performance?{Period}")).GetProperty("definitions");

        foreach (var name in new[] { "cohort", "workingDays", "firstResponse", "resolution", "resolvedWithinDeadline", "reopenRate", "stillOpen",
                     "attribution", "ranking", "kecamatan" })
        {
            var definition = definitions.GetProperty(name);
            Assert.False(string.IsNullOrWhiteSpace(definition.GetProperty("id").GetString()), name);
            Assert.False(string.IsNullOrWhiteSpace(definition.GetProperty("en").GetString()), name);
        }
        Assert.Contains("Duplikat", definitions.GetProperty("cohort").GetProperty("id").GetString());
        Assert.Contains("10", definitions.GetProperty("ranking").GetProperty("en").GetString());
    }

    /*
     * Received per channel (see the scenario's channels): pupr 11 web + D3 by WhatsApp; dlh D1, D2 web + D3 (it received
     * it too); dishub 6 WhatsApp, 1 Open311, 3 web. Kecamatan Utara: P1–P11 + D3; Selatan: D1, D2 and dishub's ten.
     * The city: the 24 complaints of the period (duplicate and outside the period left out), each once.
     */
    [Fact]
    public async Task Received_is_split_by_the_channel_each_complaint_came_in_by()
    {
        var report = await GetJsonAsync($"/api/performance?{Period}");

        Assert.Equal(24, report.GetProperty("received").GetInt32());
        AssertChannels(report.GetProperty("receivedByChannel"), web: 16, open311: 1, whatsapp: 7);
        var opds = report.GetProperty("opds").EnumerateArray().ToDictionary(o => o.GetProperty("code").GetString()!);
        AssertChannels(opds["pupr"].GetProperty("receivedByChannel"), web: 11, open311: 0, whatsapp: 1);
        AssertChannels(opds["dlh"].GetProperty("receivedByChannel"), web: 2, open311: 0, whatsapp: 1);
        AssertChannels(opds["dishub"].GetProperty("receivedByChannel"), web: 3, open311: 1, whatsapp: 6);
        AssertChannels(opds["dinsos"].GetProperty("receivedByChannel"), web: 0, open311: 0, whatsapp: 0);
        var kecamatan = report.GetProperty("kecamatan").EnumerateArray().ToDictionary(k => k.GetProperty("code").GetString()!);
        AssertChannels(kecamatan[PerformanceScenario.Utara].GetProperty("receivedByChannel"), web: 11, open311: 0, whatsapp: 1);
        AssertChannels(kecamatan[PerformanceScenario.Selatan].GetProperty("receivedByChannel"), web: 5, open311: 1, whatsapp: 6);
        Assert.False(string.IsNullOrWhiteSpace(report.GetProperty("definitions").GetProperty("channels").GetProperty("en").GetString()));

        // Every OPD's and kecamatan's channels add up to what it received.
        foreach (var row in opds.Values.Concat(kecamatan.Values))
            Assert.Equal(row.GetProperty("received").GetInt32(),
                row.GetProperty("receivedByChannel").EnumerateObject().Sum(c => c.Value.GetInt32()));
    }

    private static void AssertChannels(JsonElement channels, int web, int open311, int whatsapp)
    {
        Assert.Equal(["open311", "web", "whatsapp"], channels.EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal((web, open311, whatsapp),
            (channels.GetProperty("web").GetInt32(), channels.GetProperty("open311").GetInt32(), channels.GetProperty("whatsapp").GetInt32()));
    }

    [Theory]
    [InlineData("/api/performance.csv?" + Period)]
    [InlineData("/api/performance?format=csv&" + Period)]
    public async Task The_csv_carries_the_same_numbers_as_the_json(string url)
    {
        var json = await GetJsonAsync($"/api/performance?{Period}");
        var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ujar-kinerja-2026-08-10-2026-08-23.csv", response.Content.Headers.ContentDisposition?.ToString());
        var lines = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => SplitCsv(l)).ToList();
        var expected = json.GetProperty("opds").EnumerateArray().Select(o => ("opd", o))
            .Concat(json.GetProperty("kecamatan").EnumerateArray().Select(k => ("kecamatan", k))).ToList();
        Assert.Equal(expected.Count, rows.Count);
        string[] numbers = ["received", "rejected", "resolved", "reopened", "deadlineCounted", "withinDeadline", "stillOpen",
            "firstResponseMedianDays", "resolutionMedianDays", "resolvedWithinDeadlinePct", "reopenRatePct", "stillOpenPct"];
        for (var i = 0; i < rows.Count; i++)
        {
            var (level, item) = expected[i];
            Assert.Equal(level, rows[i][Array.IndexOf(header, "level")]);
            Assert.Equal(item.GetProperty("code").GetString(), rows[i][Array.IndexOf(header, "code")]);
            Assert.Equal(item.GetProperty("name").GetString(), rows[i][Array.IndexOf(header, "name")]);
            foreach (var column in numbers)
            {
                var value = item.GetProperty(column);
                var cell = rows[i][Array.IndexOf(header, column)];
                if (value.ValueKind == JsonValueKind.Null) Assert.Equal("", cell);
                else Assert.Equal(value.GetDouble(), double.Parse(cell, CultureInfo.InvariantCulture));
            }
            foreach (var channel in item.GetProperty("receivedByChannel").EnumerateObject())
                Assert.Equal(channel.Value.GetInt32(), int.Parse(rows[i][Array.IndexOf(header, $"receivedByChannel.{channel.Name}")], CultureInfo.InvariantCulture));
            if (level == "opd")
            {
                var rank = item.GetProperty("rank");
                Assert.Equal(rank.ValueKind == JsonValueKind.Null ? "" : rank.GetInt32().ToString(CultureInfo.InvariantCulture),
                    rows[i][Array.IndexOf(header, "rank")]);
            }
        }
        Assert.Contains(rows, r => r[Array.IndexOf(header, "code")] == "pupr" && r[Array.IndexOf(header, "resolvedWithinDeadlinePct")] == "55.6");
    }

    [Fact]
    public async Task No_contact_data_or_internal_names_appear_in_the_json_or_the_csv()
    {
        var json = await Client.GetStringAsync($"/api/performance?{Period}");
        var csv = await Client.GetStringAsync($"/api/performance.csv?{Period}");

        foreach (var text in new[] { json, csv })
        {
            Assert.Contains("pupr", text, StringComparison.Ordinal);
            foreach (var secret in new[] { PerformanceScenario.ReporterName, PerformanceScenario.ReporterPhone, PerformanceScenario.ReporterEmail, "Petugas pupr", "UJR-2026-8" })
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Without_dates_the_period_is_the_last_90_days_up_to_today_in_wib()
    {
        var period = (await GetJsonAsync("/api/performance")).GetProperty("period");

        // The stopped clock reads Thu 27 Aug 2026 12:00 WIB; 90 days, both ends included, start on 30 May.
        Assert.Equal("2026-05-30", period.GetProperty("from").GetString());
        Assert.Equal("2026-08-27", period.GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_period_of_exactly_366_days_is_accepted()
    {
        var response = await Client.GetAsync("/api/performance?from=2025-08-24&to=2026-08-24");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Both complaints just outside the fortnight are inside this year: 12 + 2.
        Assert.Equal(14, Opd(await response.ReadJsonAsync(), "pupr").GetProperty("received").GetInt32());
    }

    [Theory]
    [InlineData("from=2026-13-01&to=2026-12-31", "from")]
    [InlineData("from=10-08-2026", "from")]
    [InlineData("from=2026-08-10&to=kemarin", "to")]
    [InlineData("from=2026-08-24&to=2026-08-23", "from")]
    [InlineData("from=2025-08-23&to=2026-08-24", "to")]
    [InlineData("format=xml", "format")]
    public async Task A_bad_period_is_refused_with_a_bilingual_422(string query, string field)
    {
        var response = await Client.GetAsync($"/api/performance?{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("titleEn").GetString()));
        var error = problem.GetProperty("errors").GetProperty(field);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()));
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static JsonElement Opd(JsonElement report, string code) =>
        report.GetProperty("opds").EnumerateArray().Single(o => o.GetProperty("code").GetString() == code);

    private static void AssertFigures(JsonElement row, int received, double firstResponse, double resolution, double withinPct, double reopenPct,
        double openPct)
    {
        var code = row.GetProperty("code").GetString();
        Assert.True(received == row.GetProperty("received").GetInt32(), $"{code} received");
        Assert.True(firstResponse == row.GetProperty("firstResponseMedianDays").GetDouble(), $"{code} first response {row.GetProperty("firstResponseMedianDays")}");
        Assert.True(resolution == row.GetProperty("resolutionMedianDays").GetDouble(), $"{code} resolution {row.GetProperty("resolutionMedianDays")}");
        Assert.True(withinPct == row.GetProperty("resolvedWithinDeadlinePct").GetDouble(), $"{code} within {row.GetProperty("resolvedWithinDeadlinePct")}");
        Assert.True(reopenPct == row.GetProperty("reopenRatePct").GetDouble(), $"{code} reopen {row.GetProperty("reopenRatePct")}");
        Assert.True(openPct == row.GetProperty("stillOpenPct").GetDouble(), $"{code} open {row.GetProperty("stillOpenPct")}");
    }

    private static void AssertCounts(JsonElement row, int rejected, int resolved, int reopened, int counted, int within, int open)
    {
        Assert.Equal(
            (rejected, resolved, reopened, counted, within, open),
            (row.GetProperty("rejected").GetInt32(), row.GetProperty("resolved").GetInt32(), row.GetProperty("reopened").GetInt32(),
                row.GetProperty("deadlineCounted").GetInt32(), row.GetProperty("withinDeadline").GetInt32(), row.GetProperty("stillOpen").GetInt32()));
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
