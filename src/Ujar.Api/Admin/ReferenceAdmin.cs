using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Admin;

/// <summary>
/// Categories (which OPD gets them, their SLA days) and OPDs. A row changed here is marked <c>AdminEditedAt</c>, so
/// <c>migrate</c>'s sync from gis-data/ no longer overwrites it (see <see cref="ReferenceData"/>).
/// </summary>
public static partial class ReferenceAdmin
{
    /// <summary>No SLA in the city runs longer than a year of working days; a larger number is a typing error.</summary>
    public const int MaxSlaDays = 365;

    public sealed record CategoryView(string Code, string NameId, string NameEn, string Icon, int SortOrder, string Opd,
        int VerifyDays, int ResponseDays, int ResolveDays, bool Active, DateTimeOffset? AdminEditedAt);

    /// <summary>
    /// The whole category (PUT replaces it). Days are numbers so that 1.5 is refused as a non-whole number rather than
    /// failing to bind; <c>icon</c>, <c>sortOrder</c> and <c>active</c> keep their values when absent, and <c>icon</c> is required
    /// for a new category. <c>active: false</c> retires a category: citizens can no longer file in it (and it leaves
    /// <c>GET /api/categories</c>), while its complaints keep it.
    /// </summary>
    public sealed record CategoryInput(string? NameId, string? NameEn, string? Opd, double? VerifyDays, double? ResponseDays,
        double? ResolveDays, string? Icon, int? SortOrder, bool? Active);

    public sealed record OpdView(string Code, string Name, string NameEn, DateTimeOffset? AdminEditedAt);
    public sealed record OpdInput(string? Code, string? Name, string? NameEn);

    public static async Task<IResult> ListCategoriesAsync(UjarDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct))
            .Select(View).ToList());

    public static async Task<IResult> PutCategoryAsync(string code, CategoryInput? body, HttpContext http, UjarDb db,
        ComplaintRouter router, WorkingCalendars calendars, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        body ??= new CategoryInput(null, null, null, null, null, null, null, null, null);
        var category = await db.Categories.SingleOrDefaultAsync(c => c.Code == code, ct);
        var errors = new Dictionary<string, Bilingual>();
        if (category is null && !CodePattern().IsMatch(code))
            errors["code"] = new("kode: huruf kecil, angka dan _ (paling banyak 40 karakter)", "code: lowercase letters, digits and _ (at most 40 characters)");
        var nameId = RequiredName(body.NameId, "nameId", errors);
        var nameEn = RequiredName(body.NameEn, "nameEn", errors);
        var opd = body.Opd?.Trim();
        if (string.IsNullOrEmpty(opd)) errors["opd"] = new("OPD wajib diisi", "an OPD is required");
        else if (ComplaintRules.HasNul(opd)) errors["opd"] = ComplaintRules.NulRefused;
        else if (!await db.Opds.AnyAsync(o => o.Code == opd, ct)) errors["opd"] = new($"tidak ada OPD dengan kode '{opd}'", $"no OPD with code '{opd}'");
        var verify = Days(body.VerifyDays, "verifyDays", errors);
        var response = Days(body.ResponseDays, "responseDays", errors);
        var resolve = Days(body.ResolveDays, "resolveDays", errors);
        // All three count from the filing (ComplaintDeadlines): a response cannot be owed before the verification it follows.
        if (verify > response && response > 0)
            errors["responseDays"] = new("tidak boleh kurang dari verifyDays", "cannot be less than verifyDays");
        else if (response > resolve && resolve > 0)
            errors["resolveDays"] = new("tidak boleh kurang dari responseDays", "cannot be less than responseDays");
        var icon = body.Icon?.Trim();
        if (icon is not null && !CodePattern().IsMatch(icon))
            errors["icon"] = new("ikon: huruf kecil, angka dan _", "icon: lowercase letters, digits and _");
        else if (icon is null && category is null)
            errors["icon"] = new("ikon wajib diisi untuk kategori baru", "an icon is required for a new category");
        if (errors.Count > 0) return AdminProblems.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var isNew = category is null;
        if (category is null)
        {
            var lastOrder = await db.Categories.MaxAsync(c => (int?)c.SortOrder, ct) ?? 0;
            db.Categories.Add(category = new Category { Code = code, NameId = "", NameEn = "", OpdCode = "", Icon = "", SortOrder = lastOrder + 10 });
        }
        var before = isNew ? "new" : $"opd {category.OpdCode}, days {category.VerifyDays}/{category.ResponseDays}/{category.ResolveDays}, active {category.Active}";
        category.NameId = nameId;
        category.NameEn = nameEn;
        category.OpdCode = opd!;
        category.VerifyDays = verify;
        category.ResponseDays = response;
        category.ResolveDays = resolve;
        if (icon is not null) category.Icon = icon;
        if (body.SortOrder is { } order) category.SortOrder = order;
        if (body.Active is { } active) category.Active = active;
        category.AdminEditedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await ReferenceChanges.CommitAsync(db, tx, router, calendars, ct);
        }
        catch (DbUpdateException ex) when (AdminProblems.IsUniqueViolation(ex))
        {
            return Exists("category_exists", code);
        }

        loggers.Audit().LogInformation("Admin {Admin} set category {Category} ({Before}) to opd {Opd}, days {Verify}/{Response}/{Resolve}, active {Active}",
            StaffScope.Of(http.User)?.Email, code, before, opd, verify, response, resolve, category.Active);
        return isNew ? TypedResults.Created($"/api/admin/categories/{code}", View(category)) : TypedResults.Ok(View(category));
    }

    public static async Task<IResult> ListOpdsAsync(UjarDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Opds.AsNoTracking().OrderBy(o => o.Code).ToListAsync(ct)).Select(View).ToList());

    public static async Task<IResult> AddOpdAsync(OpdInput? body, HttpContext http, UjarDb db, ComplaintRouter router,
        WorkingCalendars calendars, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        var code = body?.Code?.Trim() ?? "";
        if (!CodePattern().IsMatch(code))
            errors["code"] = new("kode: huruf kecil, angka dan _ (paling banyak 40 karakter)", "code: lowercase letters, digits and _ (at most 40 characters)");
        var name = RequiredName(body?.Name, "name", errors);
        var nameEn = RequiredName(body?.NameEn, "nameEn", errors);
        if (errors.Count > 0) return AdminProblems.Invalid(errors);
        if (await db.Opds.AnyAsync(o => o.Code == code, ct)) return Exists("opd_exists", code);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var opd = new Opd { Code = code, Name = name, NameEn = nameEn, AdminEditedAt = clock.GetUtcNow().UtcDateTime };
        db.Opds.Add(opd);
        try
        {
            await ReferenceChanges.CommitAsync(db, tx, router, calendars, ct);
        }
        catch (DbUpdateException ex) when (AdminProblems.IsUniqueViolation(ex))
        {
            return Exists("opd_exists", code);
        }
        loggers.Audit().LogInformation("Admin {Admin} added OPD {Opd} ({Name})", StaffScope.Of(http.User)?.Email, code, name);
        return TypedResults.Created($"/api/admin/opds/{code}", View(opd));
    }

    public static async Task<IResult> PutOpdAsync(string code, OpdInput? body, HttpContext http, UjarDb db, ComplaintRouter router,
        WorkingCalendars calendars, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await db.Opds.SingleOrDefaultAsync(o => o.Code == code, ct) is not { } opd)
            return Problems.NotFound(new Bilingual("OPD tidak ditemukan", "OPD not found"));
        var errors = new Dictionary<string, Bilingual>();
        if (body?.Code is { } bodyCode && bodyCode.Trim() != code)
            errors["code"] = new("kode OPD tidak dapat diubah", "an OPD's code cannot be changed");
        var name = RequiredName(body?.Name, "name", errors);
        var nameEn = RequiredName(body?.NameEn, "nameEn", errors);
        if (errors.Count > 0) return AdminProblems.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = opd.Name;
        opd.Name = name;
        opd.NameEn = nameEn;
        opd.AdminEditedAt = clock.GetUtcNow().UtcDateTime;
        await ReferenceChanges.CommitAsync(db, tx, router, calendars, ct);
        loggers.Audit().LogInformation("Admin {Admin} renamed OPD {Opd} from {Before} to {Name}", StaffScope.Of(http.User)?.Email, code, before, name);
        return TypedResults.Ok(View(opd));
    }

    private static CategoryView View(Category c) =>
        new(c.Code, c.NameId, c.NameEn, c.Icon, c.SortOrder, c.OpdCode, c.VerifyDays, c.ResponseDays, c.ResolveDays, c.Active,
            c.AdminEditedAt is { } at ? Wib.ToWib(at) : null);

    private static OpdView View(Opd o) => new(o.Code, o.Name, o.NameEn, o.AdminEditedAt is { } at ? Wib.ToWib(at) : null);

    /// <summary>A whole number of working days in 1..365, else an error and 0.</summary>
    private static int Days(double? value, string field, Dictionary<string, Bilingual> errors)
    {
        if (value is { } days && days == Math.Floor(days) && days is >= 1 and <= MaxSlaDays) return (int)days;
        errors[field] = new($"bilangan bulat hari kerja 1–{MaxSlaDays}", $"a whole number of working days, 1–{MaxSlaDays}");
        return 0;
    }

    internal static string RequiredName(string? value, string field, Dictionary<string, Bilingual> errors)
    {
        var name = value?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors[field] = new("wajib diisi (paling banyak 200 karakter)", "required (at most 200 characters)");
        else if (ComplaintRules.HasNul(name)) errors[field] = ComplaintRules.NulRefused;
        return name;
    }

    private static IResult Exists(string code, string key) =>
        AdminProblems.Conflict(code, new Bilingual("Kode sudah dipakai", "Code already in use"),
            new Bilingual($"'{key}' sudah ada.", $"'{key}' already exists."));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex CodePattern();
}
