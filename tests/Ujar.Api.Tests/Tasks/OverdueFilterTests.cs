using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Tasks;

namespace Ujar.Api.Tests.Tasks;

/// <summary>The queue's SQL "overdue" must say exactly what each complaint's own deadline says.</summary>
public sealed class OverdueFilterTests
{
    private static readonly Category Sla = new()
    {
        Code = "uji", NameId = "Uji", NameEn = "Test", OpdCode = "pupr", Icon = "test", VerifyDays = 1, ResponseDays = 3, ResolveDays = 10,
    };

    // Hari Buruh (Fri 1 May) and Waisak (Sun 31 May, and the Monday after as a joint leave day) in a hand-made calendar.
    private static readonly WorkingCalendar Calendar = new([new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31), new DateOnly(2026, 6, 1)]);

    public static TheoryData<DateTime> Nows() => new()
    {
        new DateTime(2026, 6, 2, 1, 30, 0, DateTimeKind.Utc),     // Tuesday 08:30 WIB, just after a long weekend
        new DateTime(2026, 5, 4, 16, 59, 59, DateTimeKind.Utc),   // Monday 23:59:59 WIB
        new DateTime(2026, 5, 4, 17, 0, 0, DateTimeKind.Utc),     // Tuesday 00:00 WIB: deadlines fall on this instant
        new DateTime(2026, 5, 9, 5, 0, 0, DateTimeKind.Utc),      // Saturday noon WIB
    };

    [Theory]
    [MemberData(nameof(Nows))]
    public void A_complaint_filed_before_the_cutoff_is_exactly_one_whose_deadline_has_passed(DateTime now)
    {
        foreach (var status in Enum.GetValues<ComplaintStatus>())
        {
            var cutoff = OverdueFilter.FiledBefore(status, Sla, Calendar, now);
            // Every 20 minutes over the 40 days before now: weekends, holidays and both sides of WIB midnight.
            for (var filed = now.AddDays(-40); filed <= now; filed = filed.AddMinutes(20))
            {
                var deadline = ComplaintDeadlines.Next(status, filed, Sla, Calendar);
                var overdue = deadline?.IsOverdue(now) ?? false;
                Assert.True(overdue == (cutoff is { } before && filed < before),
                    $"{status}, filed {filed:O}, now {now:O}: deadline {deadline?.DueUtc:O}, cutoff {cutoff:O}");
            }
        }
    }

    [Fact]
    public void The_predicate_matches_the_same_complaints_in_memory()
    {
        var now = new DateTime(2026, 6, 2, 1, 30, 0, DateTimeKind.Utc);
        var categories = new Dictionary<string, Category> { [Sla.Code] = Sla };
        var overdue = OverdueFilter.Overdue(categories, Calendar, now).Compile();
        var notOverdue = OverdueFilter.NotOverdue(categories, Calendar, now).Compile();
        foreach (var status in Enum.GetValues<ComplaintStatus>())
            for (var filed = now.AddDays(-30); filed <= now; filed = filed.AddHours(3))
            {
                var complaint = new Complaint
                {
                    CategoryCode = Sla.Code, Description = "", Location = null!, KelurahanCode = "", KecamatanCode = "", OpdCode = "pupr",
                    Status = status, CreatedAt = filed,
                };
                var expected = ComplaintDeadlines.Next(status, filed, Sla, Calendar)?.IsOverdue(now) ?? false;
                Assert.Equal(expected, overdue(complaint));
                Assert.Equal(!expected, notOverdue(complaint));
            }
    }
}
