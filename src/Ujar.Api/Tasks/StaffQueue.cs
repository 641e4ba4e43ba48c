using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Tasks;

/// <summary>
/// GET /api/staff/complaints: an OPD's work queue (admins: every OPD, or one with <c>?opd=</c>), filtered, searched, sorted
/// and paged in the database: <c>status</c>, <c>category</c> and <c>kelurahan</c> (comma lists), <c>overdue</c>,
/// <c>needsReview</c>, <c>dueBy</c> (a WIB date: the next deadline ends on that working day or earlier, overdue ones
/// included), <c>q</c> (a ticket, or words of the description), <c>sort</c> (<see cref="Sorts"/>), <c>limit</c>, <c>offset</c>.
/// </summary>
public static class StaffQueue
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxSearchLength = 100;

    /// <summary>newest first (the default), oldest first, the nearest deadline first, the most supporters first.</summary>
    public static readonly IReadOnlyList<string> Sorts = ["newest", "oldest", "deadline", "support"];

    public sealed record Page(IReadOnlyList<StaffComplaint> Items, int Total);

    public static async Task<IResult> ListAsync(ClaimsPrincipal user, UjarDb db, ComplaintRouter router, WorkingCalendars calendars,
        TimeProvider clock, CancellationToken ct, string? status = null, string? overdue = null, string? needsReview = null,
        string? opd = null, string? limit = null, string? offset = null, string? category = null, string? kelurahan = null,
        string? dueBy = null, string? q = null, string? sort = null)
    {
        var scope = StaffScope.Of(user)!;
        var errors = new Dictionary<string, Bilingual>();
        var statuses = new List<ComplaintStatus>();
        foreach (var name in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (ComplaintStatuses.TryParse(name, out var parsed)) statuses.Add(parsed);
            else errors["status"] = new($"status tidak dikenal: {Shorten(name)}", $"unknown status: {Shorten(name)}");
        var overdueOnly = ParseBool("overdue", overdue, errors);
        var reviewOnly = ParseBool("needsReview", needsReview, errors);
        var take = ParseInt("limit", limit, DefaultLimit, 1, MaxLimit, errors);
        var skip = ParseInt("offset", offset, 0, 0, int.MaxValue, errors);
        var categories = ParseCodes("category", category, router.Categories.ContainsKey, errors);
        var kelurahanCodes = router.Kelurahan.Select(k => k.Kelurahan.Code).ToHashSet();
        var kelurahans = ParseCodes("kelurahan", kelurahan, kelurahanCodes.Contains, errors);
        DateOnly? lastDay = null;
        if (!string.IsNullOrWhiteSpace(dueBy))
        {
            if (DateOnly.TryParseExact(dueBy.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) lastDay = day;
            else errors["dueBy"] = new("dueBy harus tanggal YYYY-MM-DD", "dueBy must be a date YYYY-MM-DD");
        }
        var search = q?.Trim() is { Length: > 0 } text ? text : null;
        if (search is { Length: > MaxSearchLength })
            errors["q"] = new($"q paling panjang {MaxSearchLength} karakter", $"q is at most {MaxSearchLength} characters");
        else if (ComplaintRules.HasNul(search)) errors["q"] = ComplaintRules.NulRefused;
        var order = string.IsNullOrWhiteSpace(sort) ? Sorts[0] : sort.Trim().ToLowerInvariant();
        if (!Sorts.Contains(order))
            errors["sort"] = new($"sort tidak dikenal; pilih salah satu: {string.Join(", ", Sorts)}",
                $"unknown sort; one of: {string.Join(", ", Sorts)}");
        if (errors.Count > 0) return Problems.Validation(errors);
        if (TaskProblems.OpdOutOfScope(scope, opd) is { } forbidden) return forbidden;

        var query = db.Complaints.AsNoTracking();
        if (!scope.IsAdmin) query = query.Where(c => c.OpdCode == scope.OpdCode);
        else if (opd?.Trim().ToLowerInvariant() is { Length: > 0 } opdCode) query = query.Where(c => c.OpdCode == opdCode);
        if (statuses.Count > 0) query = query.Where(c => statuses.Contains(c.Status));
        var now = clock.GetUtcNow().UtcDateTime;
        if (overdueOnly is { } wantOverdue)
            query = query.Where(wantOverdue
                ? OverdueFilter.Overdue(router.Categories, calendars.Current, now)
                : OverdueFilter.NotOverdue(router.Categories, calendars.Current, now));
        if (reviewOnly is { } flagged) query = query.WhereNeedsReview(db, flagged);
        if (categories.Count > 0) query = query.Where(c => categories.Contains(c.CategoryCode));
        if (kelurahans.Count > 0) query = query.Where(c => kelurahans.Contains(c.KelurahanCode));
        // A deadline that ends on lastDay or before is one that has passed by 00:00 WIB of the day after.
        if (lastDay is { } by)
            query = query.Where(OverdueFilter.Overdue(router.Categories, calendars.Current, Wib.StartOfDayUtc(by.AddDays(1))));
        if (search is not null)
        {
            var pattern = $"%{EscapeLike(search)}%";
            var ticket = search.ToUpperInvariant();
            query = query.Where(c => c.Ticket == ticket || EF.Functions.ILike(c.Description, pattern, @"\"));
        }

        var total = await query.CountAsync(ct);
        var ordered = order switch
        {
            "oldest" => query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
            "support" => query.OrderByDescending(c => c.SupportCount).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
            _ => query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        };
        List<StaffRow> rows;
        if (order == "deadline")
        {
            // A deadline counts working days from the filing, holidays included, which SQL cannot order by: the few
            // facts it needs come for every match, the page is cut here, and only its rows are read whole.
            var facts = await query.Select(c => new { c.Id, c.Status, c.CreatedAt, c.CategoryCode }).ToListAsync(ct);
            var ids = facts
                .Select(f => (f.Id, Due: StaffDeadlines.DueUtc(f.Status, f.CreatedAt, f.CategoryCode, router.Categories, calendars.Current)))
                .OrderBy(f => f.Due is null).ThenBy(f => f.Due).ThenBy(f => f.Id).Skip(skip).Take(take).Select(f => f.Id).ToList();
            var byId = (await db.Complaints.AsNoTracking().Where(c => ids.Contains(c.Id)).SelectStaff(db).ToListAsync(ct)).ToDictionary(r => r.Id);
            rows = ids.Select(id => byId[id]).ToList();
        }
        else rows = await ordered.Skip(skip).Take(take).SelectStaff(db).ToListAsync(ct);
        var items = rows.Select(r => r.ToStaff(router.Categories, calendars.Current, now, scope.CanReadInternals(r.OpdCode))).ToList();
        return TypedResults.Ok(new Page(items, total));
    }

    /// <summary>A comma list of codes, each of which <paramref name="known"/> must accept.</summary>
    private static List<string> ParseCodes(string field, string? text, Func<string, bool> known, Dictionary<string, Bilingual> errors)
    {
        var codes = new List<string>();
        foreach (var code in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (known(code)) codes.Add(code);
            else errors[field] = new($"{field} tidak dikenal: {Shorten(code)}", $"unknown {field}: {Shorten(code)}");
        return codes;
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private static bool? ParseBool(string field, string? text, Dictionary<string, Bilingual> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (bool.TryParse(text.Trim(), out var value)) return value;
        errors[field] = new($"{field} harus true atau false", $"{field} must be true or false");
        return null;
    }

    private static int ParseInt(string field, string? text, int fallback, int min, int max, Dictionary<string, Bilingual> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors[field] = new($"{field} harus bilangan bulat {min}–{max}", $"{field} must be a whole number {min}–{max}");
        return fallback;
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
