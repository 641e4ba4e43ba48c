using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;

namespace Ujar.Api.Deadlines;

/// <summary>
/// Working days of the city's offices: WIB (Asia/Jakarta, UTC+7 all year, no DST) calendar days that are neither a
/// Saturday, a Sunday nor a date in the holiday table. Immutable, so one instance may be shared by any number of
/// threads; load a new one when the holiday table changes.
/// <para>
/// The rule, in WIB dates: the day a complaint is filed never counts, whatever the hour and whatever kind of day it
/// is. <see cref="AddWorkingDays"/> with N gives the end of the N-th working day after the filing day, returned as the
/// first instant of the next calendar day (00:00 WIB) — an exclusive bound: the work is late when now ≥ deadline.
/// A filing on a weekend or holiday therefore starts counting from the next working day, and a filing at 23:30 WIB
/// belongs to that WIB day even though it is 16:30 UTC.
/// </para>
/// </summary>
public sealed class WorkingCalendar(IEnumerable<DateOnly> holidays)
{
    private readonly HashSet<DateOnly> _holidays = [.. holidays];

    public static async Task<WorkingCalendar> LoadAsync(UjarDb db, CancellationToken ct = default) =>
        new(await db.Holidays.Select(h => h.Date).ToListAsync(ct));

    public bool IsWorkingDay(DateOnly wibDate) =>
        wibDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(wibDate);

    /// <summary>The deadline (UTC) for work that has <paramref name="days"/> working days from <paramref name="startUtc"/>.</summary>
    public DateTime AddWorkingDays(DateTime startUtc, int days)
    {
        // Zero days would mean "by the end of the filing day", which on a holiday is already over: no SLA says that.
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var day = WibDate(startUtc);
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }
        return StartOfWibDayUtc(day.AddDays(1));
    }

    /// <summary>
    /// Whole working days from <paramref name="startUtc"/> to <paramref name="endUtc"/>: the working days after the
    /// start's WIB date up to and including the end's WIB date. The inverse of <see cref="AddWorkingDays"/>: an answer
    /// given any time before the N-day deadline counts at most N, one the same WIB day counts 0.
    /// </summary>
    public int WorkingDaysBetween(DateTime startUtc, DateTime endUtc)
    {
        if (endUtc < startUtc) throw new ArgumentException("The end is before the start", nameof(endUtc));
        var count = 0;
        for (var day = WibDate(startUtc).AddDays(1); day <= WibDate(endUtc); day = day.AddDays(1))
            if (IsWorkingDay(day)) count++;
        return count;
    }

    private static DateOnly WibDate(DateTime utc) => DateOnly.FromDateTime(Wib.ToWib(utc).DateTime);

    private static DateTime StartOfWibDayUtc(DateOnly wibDate) =>
        DateTime.SpecifyKind(wibDate.ToDateTime(TimeOnly.MinValue) - Wib.Offset, DateTimeKind.Utc);
}

/// <summary>
/// The running service's calendar, cached so a deadline costs no query. <see cref="Routing.RoutingReloader"/> reloads
/// it at start and on every reference-data NOTIFY, which <c>migrate</c>'s sync and the admin API send.
/// </summary>
public sealed class WorkingCalendars
{
    // Until the first load (before the server takes requests) only weekends are known.
    private volatile WorkingCalendar _current = new([]);

    public WorkingCalendar Current => _current;

    public async Task ReloadAsync(UjarDb db, CancellationToken ct) => _current = await WorkingCalendar.LoadAsync(db, ct);
}
