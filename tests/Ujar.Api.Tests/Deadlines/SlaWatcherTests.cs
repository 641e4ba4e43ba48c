using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Live;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Deadlines;

/// <summary>
/// The deadline watcher, run by hand with an explicit clock. Clocks are far ahead of the real one (the hosted watcher
/// of the same app reads the real clock, so it never gets to these complaints first) and assertions look at the test's
/// own tickets only, since a run looks at every complaint in the database.
/// </summary>
public sealed class SlaWatcherTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();
    private SlaWatcher Watcher => fixture.App.Services.GetRequiredService<SlaWatcher>();

    [Fact]
    public async Task An_overdue_complaint_is_escalated_once_however_often_the_watcher_runs()
    {
        var ticket = await _client.FileAsync(0.065, 100.055, "genangan_air");
        var now = DateTime.UtcNow.AddDays(60);

        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await Watcher.RunOnceAsync(now.AddDays(1), CancellationToken.None);

        var (escalations, events) = await EscalationsOfAsync(ticket);
        var escalation = Assert.Single(escalations);
        Assert.Equal(DeadlineKind.Verify, escalation.Kind);
        Assert.Equal("pupr", escalation.OpdCode);
        var filed = await CreatedAtAsync(ticket);
        Assert.Equal(fixture.App.Services.GetRequiredService<WorkingCalendars>().Current.AddWorkingDays(filed, 1), escalation.DueUtc);
        var escalated = Assert.Single(events);
        Assert.Equal(("received", "pupr"), (escalated.Status, escalated.OpdCode));
    }

    [Fact]
    public async Task A_complaint_not_yet_overdue_is_not_escalated()
    {
        var ticket = await _client.FileAsync(0.065, 100.056, "jalan_rusak"); // 2 working days to verify

        await Watcher.RunOnceAsync(DateTime.UtcNow.AddHours(1), CancellationToken.None);

        Assert.Empty((await EscalationsOfAsync(ticket)).Escalations);
    }

    [Fact]
    public async Task Two_watchers_running_at_once_escalate_each_overdue_complaint_once()
    {
        var tickets = new List<string>();
        for (var i = 0; i < 5; i++) tickets.Add(await _client.FileAsync(0.06 + i * 0.002, 100.057, "sampah"));
        // Whole seconds: the database keeps microseconds, and the count below compares this instant.
        var now = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.AddDays(90).ToUnixTimeSeconds());
        // A second instance of the service: its own watcher, its own database contexts.
        var other = ActivatorUtilities.CreateInstance<SlaWatcher>(fixture.App.Services);

        var runs = await Task.WhenAll(Watcher.RunOnceAsync(now, CancellationToken.None), other.RunOnceAsync(now, CancellationToken.None));

        foreach (var ticket in tickets)
        {
            var (escalations, events) = await EscalationsOfAsync(ticket);
            Assert.Single(escalations);
            Assert.Single(events);
        }
        // Each escalation was announced by exactly one of the two.
        await using var db = fixture.App.NewDb();
        Assert.Equal(await db.Escalations.CountAsync(e => e.At == now), runs.Sum(r => r.Escalated));
    }

    [Fact]
    public async Task Each_later_deadline_that_passes_escalates_again_once()
    {
        var ticket = await _client.FileAsync(0.065, 100.058, "pohon_membahayakan");
        var now = DateTime.UtcNow.AddDays(120);

        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.Assigned);
        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.InProgress);
        await Watcher.RunOnceAsync(now, CancellationToken.None);
        await Watcher.RunOnceAsync(now, CancellationToken.None);

        var (escalations, events) = await EscalationsOfAsync(ticket);
        Assert.Equal([DeadlineKind.Verify, DeadlineKind.Response, DeadlineKind.Resolve], escalations.Select(e => e.Kind));
        Assert.Equal(["received", "assigned", "in_progress"], events.Select(e => e.Status));
    }

    [Fact]
    public async Task Escalations_never_reach_the_public_event_log()
    {
        var ticket = await _client.FileAsync(0.065, 100.059, "genangan_air");
        await Watcher.RunOnceAsync(DateTime.UtcNow.AddDays(60), CancellationToken.None);
        Assert.Single((await EscalationsOfAsync(ticket)).Events);

        foreach (var query in new[] { $"?ticket={ticket}", "?bbox=100.0,0.0,100.1,0.1", "" })
        {
            var response = await _client.GetAsync($"/api/events{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var types = (await response.ReadJsonAsync()).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString());
            Assert.DoesNotContain("escalated", types);
        }
    }

    [Fact]
    public async Task A_resolved_complaint_closes_after_exactly_ten_working_days_without_an_answer()
    {
        var ticket = await ResolvedAtAsync(Utc("2040-03-05T03:00:00")); // Monday 10:00 WIB
        // Tue 6 … Fri 16 are nine working days; Monday 19 is the tenth, so the window ends at Tuesday 20, 00:00 WIB.
        var end = Utc("2040-03-19T17:00:00");

        await Watcher.RunOnceAsync(end.AddSeconds(-1), CancellationToken.None);
        Assert.Equal(ComplaintStatus.Resolved, await StatusOfAsync(ticket));

        await Watcher.RunOnceAsync(end, CancellationToken.None);
        Assert.Equal(ComplaintStatus.Closed, await StatusOfAsync(ticket));
        var detail = await (await _client.GetAsync($"/api/complaints/{ticket}")).ReadJsonAsync();
        var last = detail.GetProperty("timeline").EnumerateArray().Single(s => s.GetProperty("to").GetString() == "closed");
        Assert.Equal(SlaWatcher.AutoCloseNote, last.GetProperty("note").GetString());
        Assert.Equal("system", last.GetProperty("actorRole").GetString());
    }

    [Fact]
    public async Task Two_watchers_running_at_once_close_an_unanswered_complaint_once()
    {
        var tickets = new List<string>();
        for (var i = 0; i < 4; i++) tickets.Add(await ResolvedAtAsync(Utc("2041-03-04T03:00:00")));
        var other = ActivatorUtilities.CreateInstance<SlaWatcher>(fixture.App.Services);
        var now = Utc("2041-04-30T03:00:00");

        var runs = await Task.WhenAll(Watcher.RunOnceAsync(now, CancellationToken.None), other.RunOnceAsync(now, CancellationToken.None));

        await using var db = fixture.App.NewDb();
        foreach (var ticket in tickets)
        {
            Assert.Equal(ComplaintStatus.Closed, await StatusOfAsync(ticket));
            var id = await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.Id).SingleAsync();
            Assert.Equal(1, await db.StatusChanges.CountAsync(s => s.ComplaintId == id && s.To == ComplaintStatus.Closed));
            Assert.Equal(1, await db.LiveEvents.CountAsync(e => e.ComplaintId == id && e.Status == "closed"));
        }
        Assert.True(runs.Sum(r => r.Closed) >= tickets.Count, $"closed {runs[0].Closed} + {runs[1].Closed}");
    }

    [Fact]
    public async Task A_holiday_in_the_reply_window_gives_the_reporter_one_more_day()
    {
        await using (var db = fixture.App.NewDb())
        {
            db.Holidays.Add(new Holiday { Date = new DateOnly(2040, 4, 10), NameId = "Libur uji", NameEn = "Test holiday", Kind = HolidayKind.LiburNasional });
            await db.SaveChangesAsync();
            await fixture.App.Services.GetRequiredService<WorkingCalendars>().ReloadAsync(db, CancellationToken.None);
        }
        var ticket = await ResolvedAtAsync(Utc("2040-04-02T03:00:00")); // Monday; Tuesday 10 April is the holiday

        await Watcher.RunOnceAsync(Utc("2040-04-16T17:00:00"), CancellationToken.None); // the end without the holiday
        Assert.Equal(ComplaintStatus.Resolved, await StatusOfAsync(ticket));
        await Watcher.RunOnceAsync(Utc("2040-04-17T17:00:00"), CancellationToken.None);
        Assert.Equal(ComplaintStatus.Closed, await StatusOfAsync(ticket));
    }

    [Fact]
    public async Task A_complaint_whose_reporter_already_answered_is_left_as_the_reporter_left_it()
    {
        var (satisfied, satisfiedToken) = await FileAsReporterAsync(0.063, 100.055);
        var (unhappy, unhappyToken) = await FileAsReporterAsync(0.063, 100.056);
        foreach (var ticket in new[] { satisfied, unhappy }) await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.Resolved);
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(satisfied, ComplaintStatus.Closed,
            actor: ChangeActor.Reporter(satisfiedToken)));
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(unhappy, ComplaintStatus.Reopened, "Masih tergenang",
            actor: ChangeActor.Reporter(unhappyToken)));

        await Watcher.RunOnceAsync(DateTime.UtcNow.AddDays(60), CancellationToken.None);

        Assert.Equal(ComplaintStatus.Closed, await StatusOfAsync(satisfied));
        Assert.Equal(ComplaintStatus.Reopened, await StatusOfAsync(unhappy));
        await using var db = fixture.App.NewDb();
        Assert.False(await db.StatusChanges.AnyAsync(s => s.ActorRole == "system"
            && (s.ComplaintId == db.Complaints.Single(c => c.Ticket == satisfied).Id || s.ComplaintId == db.Complaints.Single(c => c.Ticket == unhappy).Id)));
    }

    [Fact]
    public async Task The_watchers_queries_walk_only_the_partial_indexes_of_owing_and_resolved_complaints()
    {
        await _client.FileAsync(0.065, 100.055, "genangan_air");
        await using var connection = new Npgsql.NpgsqlConnection(fixture.App.ConnectionString);
        await connection.OpenAsync();
        // A test database is too small for the planner to prefer any index, so sequential scans are ruled out: what
        // is checked is that the queries repeat the indexes' predicates (else only the primary key would be left).
        await using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off", connection)) await off.ExecuteNonQueryAsync();
        foreach (var (sql, index) in new[] { (SlaWatcher.CandidatesSql, "ix_complaints_owing_id"), (SlaWatcher.UnansweredSql, "ix_complaints_resolved_id") })
        {
            await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + sql, connection);
            explain.Parameters.AddWithValue("after", 0L);
            explain.Parameters.AddWithValue("now", NpgsqlTypes.NpgsqlDbType.TimestampTz, DateTime.UtcNow);
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
                while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
            Assert.True(plan.Any(line => line.Contains("Index Scan") && line.Contains($" {index}")), string.Join("\n", plan));
        }
    }

    private static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    /// <summary>A complaint whose (only) "resolved" step is dated <paramref name="resolvedAtUtc"/>.</summary>
    private async Task<string> ResolvedAtAsync(DateTime resolvedAtUtc)
    {
        var ticket = await _client.FileAsync(0.062, 100.057, "genangan_air");
        await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.Resolved);
        await using var db = fixture.App.NewDb();
        var id = await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.Id).SingleAsync();
        Assert.Equal(1, await db.StatusChanges.Where(s => s.ComplaintId == id && s.To == ComplaintStatus.Resolved)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.At, resolvedAtUtc)));
        return ticket;
    }

    private async Task<(string Ticket, string Token)> FileAsReporterAsync(double lat, double lon)
    {
        var response = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon, "genangan_air", "Air menggenang"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("ticket").GetString()!, body.GetProperty("reporterToken").GetString()!);
    }

    private async Task<ComplaintStatus> StatusOfAsync(string ticket)
    {
        await using var db = fixture.App.NewDb();
        return await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.Status).SingleAsync();
    }

    private async Task<DateTime> CreatedAtAsync(string ticket)
    {
        await using var db = fixture.App.NewDb();
        return await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.CreatedAt).SingleAsync();
    }

    private async Task<(List<Escalation> Escalations, List<LiveEventRecord> Events)> EscalationsOfAsync(string ticket)
    {
        await using var db = fixture.App.NewDb();
        var id = await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.Id).SingleAsync();
        return (await db.Escalations.Where(e => e.ComplaintId == id).OrderBy(e => e.Id).ToListAsync(),
            await db.LiveEvents.Where(e => e.Ticket == ticket && e.Type == LiveEventType.Escalated).OrderBy(e => e.Seq).ToListAsync());
    }
}
