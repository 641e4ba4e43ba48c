using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Performance;

/// <summary>
/// <see cref="WorkingCalendar"/>'s answers by table lookup over a span of WIB dates, for the hundreds of thousands of
/// durations and deadlines a performance report needs (the calendar walks day by day, which at a million complaints
/// cost more than the database). Built from <see cref="WorkingCalendar.IsWorkingDay"/>, so it means exactly the same:
/// working days from a start to an end are the working days after the start's WIB date up to and including the end's
/// (cum(end) − cum(start)), and an N-day deadline is 00:00 WIB after the N-th working day after the start's date.
/// Outside its span it asks the calendar itself.
/// </summary>
public sealed class WorkingDayIndex
{
    private readonly WorkingCalendar _calendar;
    private readonly DateOnly _first;
    /// <summary>Working days from <see cref="_first"/> up to and including each date of the span.</summary>
    private readonly int[] _cumulative;
    /// <summary>The span's working days in order: the k-th (0-based) has cumulative count k + 1.</summary>
    private readonly DateOnly[] _workingDays;

    public WorkingDayIndex(WorkingCalendar calendar, DateOnly first, DateOnly last)
    {
        _calendar = calendar;
        _first = first;
        _cumulative = new int[last.DayNumber - first.DayNumber + 1];
        var workingDays = new List<DateOnly>();
        for (var i = 0; i < _cumulative.Length; i++)
        {
            var day = first.AddDays(i);
            if (calendar.IsWorkingDay(day)) workingDays.Add(day);
            _cumulative[i] = workingDays.Count;
        }
        _workingDays = [.. workingDays];
    }

    public int WorkingDaysBetween(DateTime startUtc, DateTime endUtc) =>
        TryCumulative(WibDate(startUtc), out var start) && TryCumulative(WibDate(endUtc), out var end)
            ? end - start
            : _calendar.WorkingDaysBetween(startUtc, endUtc);

    public DateTime AddWorkingDays(DateTime startUtc, int days)
    {
        if (days >= 1 && TryCumulative(WibDate(startUtc), out var start) && start + days <= _workingDays.Length)
        {
            var last = _workingDays[start + days - 1];
            return DateTime.SpecifyKind(last.AddDays(1).ToDateTime(TimeOnly.MinValue) - Wib.Offset, DateTimeKind.Utc);
        }
        return _calendar.AddWorkingDays(startUtc, days);
    }

    private bool TryCumulative(DateOnly date, out int cumulative)
    {
        var i = date.DayNumber - _first.DayNumber;
        var inside = i >= 0 && i < _cumulative.Length;
        cumulative = inside ? _cumulative[i] : 0;
        return inside;
    }

    public static DateOnly WibDate(DateTime utc) => DateOnly.FromDateTime(utc + Wib.Offset);
}
