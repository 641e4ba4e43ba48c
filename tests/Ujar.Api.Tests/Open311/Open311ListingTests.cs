using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Open311;
using Ujar.Api.Tests.Live;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Open311;

/// <summary><c>requests</c> as a list: paging, filters, windows, and what a page costs the database.</summary>
public sealed class Open311ListingTests(Open311CityApp city) : IClassFixture<Open311CityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task Paging_by_the_next_links_returns_every_complaint_of_the_window_exactly_once_even_while_new_ones_arrive()
    {
        var start = DateTime.UtcNow.AddSeconds(-1);
        var filed = new List<string>();
        for (var i = 0; i < 23; i++) filed.Add(await FileAsync("parkir", $"Parkir liar nomor {i}"));

        var seen = new List<string>();
        string? next = $"{Open311Http.Base}/requests.json?service_code=parkir&start_date={Exact(start)}&page_size=5";
        var pages = 0;
        while (next is not null)
        {
            var response = await _client.GetAsync(next);
            var page = await response.JsonAsync();
            seen.AddRange(page.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!));
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? NextOf(links.Single()) : null;
            // Complaints filed between pages lie after the window the links name, so they shift nothing.
            if (pages == 1) for (var i = 0; i < 3; i++) await FileAsync("parkir", $"Parkir liar sesudah halaman pertama {i}");
        }

        Assert.Equal(5, pages);
        Assert.Equal(filed.Count, seen.Count);
        Assert.Equal(filed.Order(), seen.Order());
        Assert.Equal(filed.AsEnumerable().Reverse(), seen); // newest first: tickets are sequential
    }

    [Fact]
    public async Task A_page_of_requests_is_one_SQL_query_however_many_complaints_steps_and_photos_it_holds()
    {
        var start = DateTime.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 12; i++)
        {
            var ticket = i % 3 == 0
                ? await FileWithPhotoAsync("penerangan_jalan", $"Lampu mati {i}")
                : await FileAsync("penerangan_jalan", $"Lampu mati {i}");
            if (i % 2 == 0) await city.App.ReachStatusAsync(ticket, ComplaintStatus.Assigned, "Petugas dijadwalkan");
        }

        var (response, commands) = await SqlTrace.CountAsync(() =>
            _client.GetAsync($"{Open311Http.Base}/requests.xml?service_code=penerangan_jalan&start_date={Exact(start)}&page_size=10"));
        var page = await response.XmlAsync();
        Assert.Equal(10, page.Root!.Elements("request").Count());
        Assert.Contains(page.Root.Elements("request"), r => r.Element("media_url") is not null);
        Assert.Contains(page.Root.Elements("request"), r => r.Element("status_notes")?.Value == "Petugas dijadwalkan");
        var sql = Assert.Single(commands);
        Assert.Contains("status_changes", sql);
        Assert.Contains("boundaries", sql);

        var (updates, updateCommands) = await SqlTrace.CountAsync(() =>
            _client.GetAsync($"{Open311Http.Base}/servicerequestupdates.xml?start_date={Exact(start)}&end_date={Exact(DateTime.UtcNow)}"));
        Assert.Equal(12, (await updates.XmlAsync()).Root!.Elements("request_update").Count()); // 6 complaints × 2 steps
        Assert.Single(updateCommands);
    }

    [Fact]
    public async Task Filters_by_status_service_code_and_window_and_a_list_of_ids_overrides_them()
    {
        var start = DateTime.UtcNow.AddSeconds(-1);
        var open = await FileAsync("galian_kabel", "Galian belum ditutup");
        var closed = await FileAsync("galian_kabel", "Galian lama");
        await city.App.ReachStatusAsync(closed, ComplaintStatus.Rejected, "Sudah ditutup pemiliknya");
        var other = await FileAsync("masalah_sosial", "Anak jalanan");
        var window = $"start_date={Exact(start)}&end_date={Exact(DateTime.UtcNow.AddSeconds(1))}";

        Assert.Equal([closed, open], await IdsAsync($"requests.json?service_code=galian_kabel&{window}"));
        Assert.Equal([open], await IdsAsync($"requests.json?service_code=galian_kabel&status=open&{window}"));
        Assert.Equal([closed], await IdsAsync($"requests.json?service_code=galian_kabel&status=closed&{window}"));
        Assert.Equal([other, closed, open], await IdsAsync($"requests.json?service_code=galian_kabel,masalah_sosial&status=open,closed&{window}"));
        Assert.Empty(await IdsAsync($"requests.json?service_code=galian_kabel&start_date={Exact(DateTime.UtcNow.AddDays(-3))}&end_date={Exact(start)}"));
        // service_request_id overrides the other filters (here a status and a window that match neither).
        Assert.Equal([other, open], await IdsAsync($"requests.json?service_request_id={open},{other}&status=closed&end_date={Exact(start)}"));
    }

    [Fact]
    public async Task Without_dates_the_last_90_days_are_listed_and_older_complaints_need_a_window()
    {
        var recent = await FileAsync("sampah", "Sampah baru");
        var old = await FileAsync("sampah", "Sampah lama sekali");
        await using (var db = city.NewDb())
            await db.Complaints.Where(c => c.Ticket == old).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTime.UtcNow.AddDays(-100)));

        var defaults = await IdsAsync("requests.json?service_code=sampah&page_size=200");
        Assert.Contains(recent, defaults);
        Assert.DoesNotContain(old, defaults);
        var dayOld = DateTime.UtcNow.AddDays(-100);
        Assert.Contains(old, await IdsAsync($"requests.json?service_code=sampah&start_date={Exact(dayOld.AddHours(-1))}&end_date={Exact(dayOld.AddHours(1))}"));
        // A date alone is a WIB day; a time without an offset is WIB.
        var wibDay = dayOld.AddHours(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Contains(old, await IdsAsync($"requests.json?service_code=sampah&start_date={wibDay}"));
    }

    [Fact]
    public async Task More_updates_in_a_window_than_one_answer_holds_is_a_400_asking_for_a_narrower_window()
    {
        var ticket = await FileAsync("lainnya", "Banyak langkah");
        await using (var db = city.NewDb())
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO status_changes (complaint_id, "from", "to", at, needs_review)
                SELECT c.id, 'Received', 'Verified', TIMESTAMPTZ '2020-01-01 00:00:00+00' + make_interval(secs => g), false
                FROM complaints c, generate_series(1, {Open311Api.MaxUpdates + 1}) g WHERE c.ticket = {ticket}
                """);
        var wide = await _client.GetAsync($"{Open311Http.Base}/servicerequestupdates.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-01-02T00:00:00Z");
        var error = Assert.Single(await wide.XmlErrorsAsync(HttpStatusCode.BadRequest));
        Assert.Contains("narrower", error.Description);
        var narrow = await _client.GetAsync($"{Open311Http.Base}/servicerequestupdates.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-01-01T00:10:00Z");
        Assert.Equal(600, (await narrow.XmlAsync()).Root!.Elements("request_update").Count());
    }

    private async Task<string> FileAsync(string serviceCode, string description)
    {
        var post = await _client.PostFormAsync("json", Open311Http.Filing(city.ApiKey, description, ("service_code", serviceCode)));
        return (await post.JsonAsync())[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<string> FileWithPhotoAsync(string serviceCode, string description)
    {
        var post = await _client.PostMultipartAsync("json", Open311Http.Filing(city.ApiKey, description, ("service_code", serviceCode)),
            ("media", "foto.jpg", TestImages.Jpeg(200, 100, TestImages.RedLeftBlueRight)));
        return (await post.JsonAsync())[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<List<string>> IdsAsync(string pathAndQuery) =>
        (await (await _client.GetAsync($"{Open311Http.Base}/{pathAndQuery}")).JsonAsync()).EnumerateArray()
            .Select(r => r.GetProperty("service_request_id").GetString()!).ToList();

    private static string Exact(DateTime utc) => Uri.EscapeDataString(Open311Time.FormatExact(utc));

    /// <summary>The target of an RFC 8288 <c>rel="next"</c> link, as a path and query on this server.</summary>
    private static string NextOf(string link)
    {
        Assert.EndsWith("; rel=\"next\"", link);
        var target = new Uri(link[1..link.IndexOf('>')]);
        Assert.StartsWith(Open311CityApp.PublicBaseUrl, target.ToString());
        return target.PathAndQuery;
    }
}
