using System.Globalization;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Setup;

namespace Ujar.Api.Performance;

/// <summary>
/// The public performance figures per OPD and per kecamatan (<see cref="PerformanceReports"/>): open to anyone, no
/// sign-in, and nothing in them names a reporter. <c>?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c> are WIB dates, both
/// included; without them, the last 90 days up to today (WIB).
/// </summary>
public static class PerformanceApi
{
    public const int DefaultDays = 90;
    /// <summary>A year (leap years included): longer periods mix rules and staff that changed meanwhile.</summary>
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapPerformance(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Performance");
        api.MapGet("/performance", GetPerformance);
        api.MapGet("/performance.csv", (UjarDb db, WorkingCalendars calendars, TimeProvider clock, CancellationToken ct,
            string? from, string? to) => GetPerformance(db, calendars, clock, ct, from, to, "csv"));
        return app;
    }

    /// <summary><c>GET /api/performance</c> (JSON) or <c>GET /api/performance.csv</c> / <c>?format=csv</c>
    /// (<see cref="PerformanceCsv"/>): the same numbers either way.</summary>
    public static async Task<IResult> GetPerformance(UjarDb db, WorkingCalendars calendars, TimeProvider clock, CancellationToken ct,
        string? from = null, string? to = null, string? format = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (period, problem) = ParsePeriod(from, to, DateOnly.FromDateTime(Wib.ToWib(now).DateTime), format);
        if (period is null) return problem!;
        var report = await PerformanceReports.ComputeAsync(db, calendars.Current, period, now, ct);
        return format == "csv" ? PerformanceCsv.Result(report) : TypedResults.Ok(report);
    }

    private static (PerformancePeriod? Period, IResult? Problem) ParsePeriod(string? from, string? to, DateOnly todayWib, string? format)
    {
        var errors = new Dictionary<string, Bilingual>();
        if (format is not (null or "" or "json" or "csv")) errors["format"] = new("harus 'json' atau 'csv'", "must be 'json' or 'csv'");
        var toDate = ParseDate("to", to, todayWib, errors);
        var fromDate = ParseDate("from", from, (toDate ?? todayWib).AddDays(1 - DefaultDays), errors);
        if (fromDate is { } f && toDate is { } t)
        {
            if (f > t) errors["from"] = new("tanggal awal setelah tanggal akhir", "the start date is after the end date");
            else if (t.DayNumber - f.DayNumber + 1 > MaxDays)
                errors["to"] = new($"periode paling panjang {MaxDays} hari", $"the period is at most {MaxDays} days long");
        }
        return errors.Count > 0 || fromDate is null || toDate is null
            ? (null, Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "validation_failed",
                new Bilingual("Periode tidak valid", "The period is not valid"),
                new Bilingual($"Gunakan tanggal YYYY-MM-DD (WIB, {ServiceDates.Range.Id}), awal tidak setelah akhir, paling panjang 366 hari.",
                    $"Use YYYY-MM-DD dates (WIB, {ServiceDates.Range.En}), the start not after the end, at most 366 days."),
                errors)))
            : (new PerformancePeriod(fromDate.Value, toDate.Value), null);
    }

    private static DateOnly? ParseDate(string field, string? value, DateOnly fallback, Dictionary<string, Bilingual> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && ServiceDates.Covers(date.Year))
            return date;
        errors[field] = new($"harus tanggal YYYY-MM-DD, {ServiceDates.Range.Id}", $"must be a YYYY-MM-DD date, {ServiceDates.Range.En}");
        return null;
    }
}
