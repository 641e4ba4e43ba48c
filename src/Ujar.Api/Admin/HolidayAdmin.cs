using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Admin;

/// <summary>
/// The holiday table behind every deadline. A day added here is marked <c>AdminEditedAt</c> and a day deleted here is
/// remembered in <see cref="HolidayRemoval"/>, so <c>migrate</c>'s sync of holidays.csv keeps the admin's table.
/// </summary>
public static class HolidayAdmin
{
    public sealed record HolidayView(string Date, string NameId, string NameEn, string Kind, bool AdminEdited);
    public sealed record HolidayInput(string? Date, string? NameId, string? NameEn, string? Kind);

    public static async Task<IResult> ListAsync(UjarDb db, int? year, CancellationToken ct)
    {
        if (year is { } wanted && !ServiceDates.Covers(wanted))
            return AdminProblems.Invalid(new Dictionary<string, Bilingual> { ["year"] = ServiceDates.Range });
        var holidays = db.Holidays.AsNoTracking();
        if (year is { } y) holidays = holidays.Where(h => h.Date >= new DateOnly(y, 1, 1) && h.Date <= new DateOnly(y, 12, 31));
        return TypedResults.Ok((await holidays.OrderBy(h => h.Date).ToListAsync(ct)).Select(View).ToList());
    }

    public static async Task<IResult> AddAsync(HolidayInput? body, HttpContext http, UjarDb db, ComplaintRouter router,
        WorkingCalendars calendars, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        var date = ParseDate(body?.Date, errors);
        var nameId = ReferenceAdmin.RequiredName(body?.NameId, "nameId", errors);
        var nameEn = ReferenceAdmin.RequiredName(body?.NameEn, "nameEn", errors);
        if (!HolidayTable.Kinds.TryGetValue(body?.Kind?.Trim() ?? "", out var kind))
            errors["kind"] = new($"jenis harus salah satu dari {string.Join(", ", HolidayTable.Kinds.Keys)}",
                $"kind must be one of {string.Join(", ", HolidayTable.Kinds.Keys)}");
        if (errors.Count > 0) return AdminProblems.Invalid(errors);
        if (await db.Holidays.AnyAsync(h => h.Date == date, ct)) return Exists(date!.Value);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var holiday = new Holiday { Date = date!.Value, NameId = nameId, NameEn = nameEn, Kind = kind, AdminEditedAt = clock.GetUtcNow().UtcDateTime };
        db.Holidays.Add(holiday);
        // Adding a day again undoes an earlier deletion: migrate may manage it from the file once more only if this row goes.
        await db.HolidayRemovals.Where(r => r.Date == holiday.Date).ExecuteDeleteAsync(ct);
        try
        {
            await ReferenceChanges.CommitAsync(db, tx, router, calendars, ct);
        }
        catch (DbUpdateException ex) when (AdminProblems.IsUniqueViolation(ex))
        {
            return Exists(holiday.Date);
        }
        loggers.Audit().LogInformation("Admin {Admin} added holiday {Date} ({Name}, {Kind})", StaffScope.Of(http.User)?.Email,
            Iso(holiday.Date), nameId, body!.Kind);
        return TypedResults.Created($"/api/admin/holidays/{Iso(holiday.Date)}", View(holiday));
    }

    public static async Task<IResult> DeleteAsync(string date, HttpContext http, UjarDb db, ComplaintRouter router,
        WorkingCalendars calendars, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        if (ParseDate(date, errors) is not { } day) return AdminProblems.Invalid(errors);
        if (await db.Holidays.SingleOrDefaultAsync(h => h.Date == day, ct) is not { } holiday)
            return Problems.NotFound(new Bilingual("Bukan hari libur", "Not a holiday"));

        var admin = StaffScope.Of(http.User)?.Email ?? "";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Holidays.Remove(holiday);
        if (await db.HolidayRemovals.FindAsync([day], ct) is { } earlier)
        {
            earlier.RemovedAt = clock.GetUtcNow().UtcDateTime;
            earlier.RemovedBy = admin;
        }
        else db.HolidayRemovals.Add(new HolidayRemoval { Date = day, RemovedAt = clock.GetUtcNow().UtcDateTime, RemovedBy = admin });
        await ReferenceChanges.CommitAsync(db, tx, router, calendars, ct);
        loggers.Audit().LogInformation("Admin {Admin} deleted holiday {Date} ({Name})", admin, Iso(day), holiday.NameId);
        return TypedResults.NoContent();
    }

    private static HolidayView View(Holiday h) =>
        new(Iso(h.Date), h.NameId, h.NameEn, HolidayTable.Kinds.Single(k => k.Value == h.Kind).Key, h.AdminEditedAt is not null);

    private static DateOnly? ParseDate(string? text, Dictionary<string, Bilingual> errors)
    {
        if (DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && ServiceDates.Covers(date.Year))
            return date;
        errors["date"] = new($"tanggal berformat YYYY-MM-DD ({ServiceDates.Range.Id})", $"a date as YYYY-MM-DD ({ServiceDates.Range.En})");
        return null;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IResult Exists(DateOnly date) =>
        AdminProblems.Conflict("holiday_exists", new Bilingual("Tanggal itu sudah hari libur", "That date is already a holiday"),
            new Bilingual($"{Iso(date)} sudah ada di tabel hari libur.", $"{Iso(date)} is already in the holiday table."));
}
