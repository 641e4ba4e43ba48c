using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;
using static Ujar.Api.Complaints.ComplaintStatus;

namespace Ujar.Api.Tests.Deadlines;

/// <summary>The next-deadline rule on its own (a hand-made calendar), then through GET /api/complaints/{ticket}.</summary>
public sealed class ComplaintDeadlineTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    // Distinct day counts, so a rule that reads the wrong one lands on a different date.
    private static readonly Category Sla = new()
    {
        Code = "uji", NameId = "Uji", NameEn = "Test", OpdCode = "pupr", Icon = "test", VerifyDays = 1, ResponseDays = 2, ResolveDays = 4,
    };

    // Friday 1 May 2026 (Hari Buruh) is the only holiday this calendar knows.
    private static readonly WorkingCalendar Calendar = new([new DateOnly(2026, 5, 1)]);

    /// <summary>A WIB wall-clock time as the UTC instant the service stores.</summary>
    private static DateTime Wib(int year, int month, int day, int hour, int minute = 0) =>
        new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-7);

    /// <summary>00:00 WIB of the day after the given WIB date, in UTC: the exclusive end of that working day.</summary>
    private static DateTime EndOfWibDay(int year, int month, int day) => Wib(year, month, day, 0).AddDays(1);

    // Filed Monday 6 April 2026, 10:00 WIB: working days Tue 7, Wed 8, Thu 9, Fri 10.
    private static readonly DateTime Filed = Wib(2026, 4, 6, 10);

    public static TheoryData<ComplaintStatus, DeadlineKind, int> OpenStatuses() => new()
    {
        { Received, DeadlineKind.Verify, 7 },
        { NotOurRemit, DeadlineKind.Verify, 7 },
        { Verified, DeadlineKind.Response, 8 },
        { Assigned, DeadlineKind.Response, 8 },
        { InProgress, DeadlineKind.Resolve, 10 },
        { Reopened, DeadlineKind.Resolve, 10 },
    };

    [Theory]
    [MemberData(nameof(OpenStatuses))]
    public void An_open_status_owes_its_deadline_counted_from_the_filing(ComplaintStatus status, DeadlineKind kind, int aprilDay)
    {
        Assert.Equal(new Deadline(kind, EndOfWibDay(2026, 4, aprilDay)), ComplaintDeadlines.Next(status, Filed, Sla, Calendar));
    }

    [Theory]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    [InlineData(Rejected)]
    [InlineData(Duplicate)]
    public void A_finished_status_owes_nothing(ComplaintStatus status)
    {
        Assert.Null(ComplaintDeadlines.Next(status, Filed, Sla, Calendar));
    }

    [Fact]
    public void Every_status_is_either_open_with_a_deadline_or_finished()
    {
        var covered = OpenStatuses().Select(row => (ComplaintStatus)row[0]).Concat([Resolved, Closed, Rejected, Duplicate]);
        Assert.Equal(Enum.GetValues<ComplaintStatus>().Order(), covered.Order());
    }

    [Fact]
    public void A_deadline_crossing_a_weekend_and_a_holiday_moves_past_both()
    {
        // Filed Thursday 30 April 2026: Friday 1 May is Hari Buruh, then the weekend; day 1 is Monday 4, day 2 Tuesday 5.
        var filed = Wib(2026, 4, 30, 14);

        Assert.Equal(EndOfWibDay(2026, 5, 4), ComplaintDeadlines.Next(Received, filed, Sla, Calendar)!.DueUtc);
        Assert.Equal(EndOfWibDay(2026, 5, 5), ComplaintDeadlines.Next(Verified, filed, Sla, Calendar)!.DueUtc);
    }

    [Fact]
    public void Overdue_flips_exactly_when_the_clock_reaches_the_deadline()
    {
        var deadline = ComplaintDeadlines.Next(Received, Filed, Sla, Calendar)!;

        // Due at the end of Tuesday 7 April WIB: 23:59 WIB that day is still in time, 00:00 WIB Wednesday is late.
        Assert.False(deadline.IsOverdue(Wib(2026, 4, 7, 23, 59)));
        Assert.True(deadline.IsOverdue(Wib(2026, 4, 8, 0)));
        Assert.False(deadline.ToView(Wib(2026, 4, 7, 23, 59)).Overdue);
        Assert.True(deadline.ToView(Wib(2026, 4, 8, 0)).Overdue);
    }

    [Fact]
    public void The_view_names_the_kind_and_gives_the_due_time_in_WIB()
    {
        var view = new Deadline(DeadlineKind.Response, EndOfWibDay(2026, 4, 8)).ToView(Filed);

        Assert.Equal("response", view.Kind);
        Assert.Equal(new DateTimeOffset(2026, 4, 9, 0, 0, 0, TimeSpan.FromHours(7)), view.Due);
        Assert.Equal(TimeSpan.FromHours(7), view.Due.Offset);
        Assert.False(view.Overdue);
    }

    [Fact]
    public async Task A_fresh_complaint_shows_its_verify_deadline_not_yet_overdue()
    {
        var ticket = await _client.FileAsync(0.0652, 100.0571);

        var detail = await GetDetailAsync(ticket);
        var deadline = detail.GetProperty("deadline");
        Assert.Equal("verify", deadline.GetProperty("kind").GetString());
        Assert.False(deadline.GetProperty("overdue").GetBoolean());
        Assert.Equal(await ExpectedDueAsync(ticket, c => c.VerifyDays), deadline.GetProperty("due").GetDateTimeOffset());
        // The filing day never counts, so a deadline is at least the next WIB midnight.
        Assert.Equal(TimeSpan.FromHours(7), deadline.GetProperty("due").GetDateTimeOffset().Offset);
        Assert.Equal(TimeSpan.Zero, deadline.GetProperty("due").GetDateTimeOffset().TimeOfDay);
        Assert.True(deadline.GetProperty("due").GetDateTimeOffset() > detail.GetProperty("complaint").GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_complaint_in_progress_shows_its_resolve_deadline()
    {
        var ticket = await _client.FileAsync(0.0652, 100.0574);
        await fixture.App.ReachStatusAsync(ticket, InProgress);

        var deadline = (await GetDetailAsync(ticket)).GetProperty("deadline");
        Assert.Equal("resolve", deadline.GetProperty("kind").GetString());
        Assert.Equal(await ExpectedDueAsync(ticket, c => c.ResolveDays), deadline.GetProperty("due").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_complaint_filed_long_ago_is_shown_overdue()
    {
        var ticket = await _client.FileAsync(0.0652, 100.0577);
        await using (var db = fixture.App.NewDb())
            await db.Complaints.Where(c => c.Ticket == ticket)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, new DateTime(2026, 1, 5, 3, 0, 0, DateTimeKind.Utc)));

        var deadline = (await GetDetailAsync(ticket)).GetProperty("deadline");
        Assert.Equal("verify", deadline.GetProperty("kind").GetString());
        Assert.True(deadline.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task A_closed_complaint_shows_no_deadline()
    {
        var ticket = await _client.FileAsync(0.0652, 100.058);
        await fixture.App.ReachStatusAsync(ticket, Closed);

        var detail = await GetDetailAsync(ticket);
        Assert.Equal("closed", detail.GetProperty("complaint").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("deadline").ValueKind);
    }

    private async Task<JsonElement> GetDetailAsync(string ticket)
    {
        var response = await _client.GetAsync($"/api/complaints/{ticket}");
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    /// <summary>The stored filing time plus the category's days on the calendar loaded from the same database.</summary>
    private async Task<DateTimeOffset> ExpectedDueAsync(string ticket, Func<Category, int> days)
    {
        await using var db = fixture.App.NewDb();
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);
        var category = await db.Categories.AsNoTracking().SingleAsync(c => c.Code == complaint.CategoryCode);
        var calendar = await WorkingCalendar.LoadAsync(db);
        return calendar.AddWorkingDays(complaint.CreatedAt, days(category));
    }
}
