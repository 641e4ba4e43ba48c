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

/// <summary>GET /api/staff/complaints: an OPD's work queue, newest first (admins: every OPD, or one with <c>?opd=</c>).</summary>
public static class StaffQueue
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public sealed record Page(IReadOnlyList<StaffComplaint> Items, int Total);

    public static async Task<IResult> ListAsync(ClaimsPrincipal user, UjarDb db, ComplaintRouter router, WorkingCalendars calendars,
        TimeProvider clock, CancellationToken ct, string? status = null, string? overdue = null, string? needsReview = null,
        string? opd = null, string? limit = null, string? offset = null)
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

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Skip(skip).Take(take)
            .SelectStaff(db).ToListAsync(ct);
        var items = rows.Select(r => r.ToStaff(router.Categories, calendars.Current, now, scope.CanReadInternals(r.OpdCode))).ToList();
        return TypedResults.Ok(new Page(items, total));
    }

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
