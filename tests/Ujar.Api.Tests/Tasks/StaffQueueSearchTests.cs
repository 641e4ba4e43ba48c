using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Tasks;

/// <summary>
/// A long queue, worked on the server: filters by category, kelurahan and deadline, search, sorts that keep paging, and the
/// crew member an assignment names. Its own database: the only complaints are the ones laid out here, all PUPR's.
/// </summary>
public sealed class StaffQueueSearchTests(StaffQueueSearchTests.City city) : IClassFixture<StaffQueueSearchTests.City>
{
    // Kelurahan Tengah (99.01.01.1002) and Kelurahan Bukit (99.01.02.1002) of the fixture city.
    private const string Tengah = "99.01.01.1002", Bukit = "99.01.02.1002", Dishub = "dishub";

    public sealed class City : IAsyncLifetime
    {
        public TasksCityApp Tasks { get; } = new();
        /// <summary>Ticket, category, kelurahan, description; filed in this order.</summary>
        public List<(string Ticket, string Category, string Kelurahan, string Description)> Filed { get; } = [];

        public async Task InitializeAsync()
        {
            await Tasks.InitializeAsync();
            foreach (var (lat, lon, category, kelurahan, description) in new[]
                     {
                         (0.050, 100.050, "jalan_rusak", Tengah, "Aspal retak di depan pasar"),
                         (0.020, 100.050, "genangan_air", Bukit, "Genangan setinggi lutut, 100% tertutup"),
                         (0.055, 100.052, "galian_kabel", Tengah, "Galian kabel dibiarkan terbuka"),
                         (0.025, 100.055, "jalan_rusak", Bukit, "Lubang besar dekat sekolah"),
                         (0.052, 100.055, "genangan_air", Tengah, "Drainase tersumbat, air menggenang"),
                     })
            {
                var (ticket, _) = await Tasks.FileAsync(lat, lon, category, description);
                Filed.Add((ticket, category, kelurahan, description));
            }
            // Supporters, so that sorting by them has something to sort.
            await using var db = Tasks.App.NewDb();
            await db.Complaints.Where(c => c.Ticket == Filed[3].Ticket).ExecuteUpdateAsync(s => s.SetProperty(c => c.SupportCount, 7));
            await db.Complaints.Where(c => c.Ticket == Filed[0].Ticket).ExecuteUpdateAsync(s => s.SetProperty(c => c.SupportCount, 3));
        }

        public Task DisposeAsync() => Tasks.DisposeAsync();
    }

    private async Task<(List<JsonElement> Items, int Total)> QueueAsync(string query)
    {
        var page = await (await (await city.Tasks.Staff()).GetAsync($"/api/staff/complaints?{query}")).OkJsonAsync();
        return (page.GetProperty("items").EnumerateArray().ToList(), page.GetProperty("total").GetInt32());
    }

    private static IEnumerable<string?> Tickets(IEnumerable<JsonElement> items) => items.Select(i => i.GetProperty("ticket").GetString());

    [Fact]
    public async Task Category_and_kelurahan_filters_narrow_the_queue_and_its_total()
    {
        var (roads, roadTotal) = await QueueAsync("category=jalan_rusak");
        Assert.Equal([city.Filed[3].Ticket, city.Filed[0].Ticket], Tickets(roads));
        Assert.Equal(2, roadTotal);

        var (tengahWater, total) = await QueueAsync($"category=genangan_air,galian_kabel&kelurahan={Tengah}");
        Assert.Equal([city.Filed[4].Ticket, city.Filed[2].Ticket], Tickets(tengahWater));
        Assert.Equal(2, total);
        Assert.All(tengahWater, i => Assert.Equal(Tengah, i.GetProperty("kelurahan").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Search_finds_a_ticket_or_words_of_the_description_and_takes_wildcards_literally()
    {
        Assert.Equal([city.Filed[2].Ticket], Tickets((await QueueAsync($"q={city.Filed[2].Ticket.ToLowerInvariant()}")).Items));
        Assert.Equal([city.Filed[3].Ticket], Tickets((await QueueAsync("q=LUBANG%20besar")).Items));
        // "%" is a character of the text, not "anything".
        Assert.Equal([city.Filed[1].Ticket], Tickets((await QueueAsync("q=100%25")).Items));
        Assert.Empty((await QueueAsync("q=_ubang")).Items);
    }

    [Fact]
    public async Task Sorting_by_deadline_or_supporters_keeps_paging_whole()
    {
        var (all, total) = await QueueAsync("sort=deadline");
        Assert.Equal(5, total);
        var days = all.Select(i => DateOnly.Parse(i.GetProperty("deadline").GetProperty("day").GetString()!)).ToList();
        Assert.Equal(days.Order(), days);
        // Flooding is verified within one working day, the others within two: both floods come first.
        Assert.Equal(new[] { city.Filed[1].Ticket, city.Filed[4].Ticket }.Order(), Tickets(all.Take(2)).Order());

        var pages = new List<string?>();
        for (var offset = 0; offset < 5; offset += 2) pages.AddRange(Tickets((await QueueAsync($"sort=deadline&limit=2&offset={offset}")).Items));
        Assert.Equal(Tickets(all), pages);

        var (bySupport, _) = await QueueAsync("sort=support&limit=2");
        Assert.Equal([city.Filed[3].Ticket, city.Filed[0].Ticket], Tickets(bySupport));
        var (oldest, _) = await QueueAsync("sort=oldest&limit=2&offset=1");
        Assert.Equal([city.Filed[1].Ticket, city.Filed[2].Ticket], Tickets(oldest));
    }

    [Fact]
    public async Task Due_by_a_day_keeps_the_deadlines_that_end_on_it_or_before()
    {
        var (all, _) = await QueueAsync("limit=200");
        var earliest = all.Select(i => i.GetProperty("deadline").GetProperty("day").GetString()!).Min()!;
        var (due, total) = await QueueAsync($"dueBy={earliest}");
        Assert.Equal(new[] { city.Filed[1].Ticket, city.Filed[4].Ticket }.Order(), Tickets(due).Order());
        Assert.Equal(2, total);
        var (dayBefore, none) = await QueueAsync($"dueBy={DateOnly.Parse(earliest).AddDays(-1):yyyy-MM-dd}");
        Assert.Empty(dayBefore);
        Assert.Equal(0, none);
    }

    [Theory]
    [InlineData("category=jalan_berlubang", "category")]
    [InlineData("kelurahan=99.99.99.9999", "kelurahan")]
    [InlineData("dueBy=8-12-2026", "dueBy")]
    [InlineData("dueBy=2026-02-30", "dueBy")]
    [InlineData("sort=random", "sort")]
    [InlineData("offset=-1", "offset")]
    public async Task Bad_queue_parameters_are_a_bilingual_422_naming_the_field(string query, string field)
    {
        var response = await (await city.Tasks.Staff()).GetAsync($"/api/staff/complaints?{query}");
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_search_longer_than_the_limit_is_refused()
    {
        var response = await (await city.Tasks.Staff()).GetAsync($"/api/staff/complaints?q={new string('a', 101)}");
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _), problem.ToString());
    }

    [Fact]
    public async Task Assigning_names_one_of_the_OPDs_crew_and_nobody_else()
    {
        // Dishub's street light, so the PUPR queue of the other tests stays as laid out.
        var (ticket, _) = await city.Tasks.FileAsync(0.045, 100.06, "penerangan_jalan", "Lampu jalan mati");
        var staff = await city.Tasks.Staff(Dishub);
        var own = await CrewIdAsync(Dishub);
        var other = await CrewIdAsync(TasksCityApp.OtherOpd);
        await (await staff.ChangeAsync(ticket, new { to = "verified" })).OkJsonAsync();

        var crew = (await (await staff.GetAsync("/api/staff/crew")).OkJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(crew, c => c.GetProperty("id").GetString() == own);
        Assert.DoesNotContain(crew, c => c.GetProperty("id").GetString() == other);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/staff/crew?opd=dlh")).StatusCode);

        var refused = await (await staff.ChangeAsync(ticket, new { to = "assigned", assignee = other }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(refused.GetProperty("errors").TryGetProperty("assignee", out _), refused.ToString());

        await (await staff.ChangeAsync(ticket, new { to = "assigned", assignee = own })).OkJsonAsync();
        var detail = await (await staff.GetAsync($"/api/staff/complaints/{ticket}")).OkJsonAsync();
        Assert.Equal(own, detail.GetProperty("assignee").GetProperty("id").GetString());
        Assert.Equal("Uji crew dishub", detail.GetProperty("assignee").GetProperty("name").GetString());

        // Only an assignment names someone.
        var wrongMove = await (await (await city.Tasks.Crew(Dishub)).ChangeAsync(ticket, new { to = "in_progress", assignee = own }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(wrongMove.GetProperty("errors").TryGetProperty("assignee", out _), wrongMove.ToString());
    }

    private async Task<string> CrewIdAsync(string opd)
    {
        var email = await city.Tasks.App.CreateAccountAsync(Roles.Crew, opd);
        await using var db = city.Tasks.App.NewDb();
        return (await db.Users.SingleAsync(u => u.Email == email)).Id;
    }
}
