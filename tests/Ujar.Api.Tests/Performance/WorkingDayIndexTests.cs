using Ujar.Api.Deadlines;
using Ujar.Api.Performance;

namespace Ujar.Api.Tests.Performance;

/// <summary>The report's lookup table answers exactly what the working calendar answers, inside its span and beyond.</summary>
public sealed class WorkingDayIndexTests
{
    // March–April 2026: Nyepi, the Idul Fitri week (18–24 March) and Good Friday, as in gis-data/national/holidays.csv.
    private static readonly WorkingCalendar Calendar = new([
        new(2026, 3, 18), new(2026, 3, 19), new(2026, 3, 20), new(2026, 3, 21), new(2026, 3, 22), new(2026, 3, 23),
        new(2026, 3, 24), new(2026, 4, 3),
    ]);

    // Every hour at :30 and :00 of the WIB days 10 March – 10 April, as UTC.
    private static readonly DateTime[] Times = Enumerable.Range(0, 32 * 48)
        .Select(i => new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc) - TimeSpan.FromHours(7) + TimeSpan.FromMinutes(30 * i)).ToArray();

    [Fact]
    public void Working_days_between_equal_the_calendar_for_every_pair_of_half_hours()
    {
        // The span ends before the last times, so the fallback to the calendar is exercised too.
        var index = new WorkingDayIndex(Calendar, new DateOnly(2026, 3, 9), new DateOnly(2026, 4, 5));

        var mismatches = (from start in Times.Where((_, i) => i % 7 == 0)
                          from end in Times
                          where end >= start
                          where index.WorkingDaysBetween(start, end) != Calendar.WorkingDaysBetween(start, end)
                          select (start, end)).Take(5).ToList();

        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(14)]
    public void Deadlines_equal_the_calendar_for_every_half_hour(int days)
    {
        var index = new WorkingDayIndex(Calendar, new DateOnly(2026, 3, 9), new DateOnly(2026, 4, 5));

        foreach (var start in Times) Assert.Equal(Calendar.AddWorkingDays(start, days), index.AddWorkingDays(start, days));
    }
}
