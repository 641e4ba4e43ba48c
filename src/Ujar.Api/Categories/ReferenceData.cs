using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Categories;

/// <summary>
/// OPDs and categories (with their SLA days) are seeded from the city folder's opds.csv and categories.csv, holidays from
/// gis-data/national/holidays.csv and the city's own holidays.csv (its local days, if any), on every <c>migrate</c>: missing rows are inserted and rows nobody has touched follow the files (rows still used by
/// complaints are never deleted). Once an admin changes a row through <c>/api/admin</c> the database owns it
/// (<c>AdminEditedAt</c> is set) and the files no longer overwrite it, so an admin's SLA or routing change survives the
/// next deploy; a holiday an admin deleted is remembered in <see cref="HolidayRemoval"/> and not brought back.
/// </summary>
public static class ReferenceData
{
    public const string OpdsFile = "opds.csv";
    public const string CategoriesFile = "categories.csv";

    public static async Task<(int Opds, int Categories)> SyncAsync(UjarDb db, City city, string gisData, CancellationToken ct = default)
    {
        var opdRows = Csv.ReadFile(city.PathOf(OpdsFile));
        var categoryRows = Csv.ReadFile(city.PathOf(CategoriesFile));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var opds = await db.Opds.ToDictionaryAsync(o => o.Code, ct);
        foreach (var row in opdRows)
        {
            var code = row["code"];
            if (!opds.TryGetValue(code, out var opd))
                db.Opds.Add(opd = new Opd { Code = code, Name = row["name"], NameEn = row["name_en"] });
            else if (opd.AdminEditedAt is not null) continue;
            opd.Name = row["name"];
            opd.NameEn = row["name_en"];
        }
        var categories = await db.Categories.ToDictionaryAsync(c => c.Code, ct);
        foreach (var row in categoryRows)
        {
            var code = row["code"];
            if (!categories.TryGetValue(code, out var category))
                db.Categories.Add(category = new Category { Code = code, NameId = "", NameEn = "", OpdCode = "", Icon = "" });
            else if (category.AdminEditedAt is not null) continue;
            category.NameId = row["name_id"];
            category.NameEn = row["name_en"];
            category.OpdCode = row["opd_code"];
            category.Icon = row["icon"];
            category.SortOrder = int.TryParse(row.GetValueOrDefault("sort_order"), out var order) ? order : 0;
            category.VerifyDays = SlaDays(row, "verify_days");
            category.ResponseDays = SlaDays(row, "response_days");
            category.ResolveDays = SlaDays(row, "resolve_days");
        }
        await HolidayTable.StageAsync(db, [Path.Combine(gisData, "national", HolidayTable.FileName), city.PathOf(HolidayTable.FileName)], ct);
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"NOTIFY {RoutingReloader.Channel}", ct);
        await tx.CommitAsync(ct);
        return (opdRows.Count, categoryRows.Count);
    }

    // A category without a service level would never be overdue, so a missing or non-positive value stops the load.
    private static int SlaDays(Dictionary<string, string> row, string column) =>
        int.TryParse(row.GetValueOrDefault(column), out var days) && days >= 1
            ? days
            : throw new InvalidDataException($"categories.csv: {column} of '{row["code"]}' must be a whole number of working days ≥ 1");
}
