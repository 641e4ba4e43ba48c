using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Deadlines;

/// <summary>A day off for the city's offices: a national holiday or a cuti bersama day (SKB 3 Menteri).</summary>
public sealed class Holiday
{
    public DateOnly Date { get; set; }
    public required string NameId { get; set; }
    public required string NameEn { get; set; }
    public HolidayKind Kind { get; set; }
    /// <summary>When an admin added or changed this day through the API (UTC); from then on <c>migrate</c> leaves it alone.</summary>
    public DateTime? AdminEditedAt { get; set; }
}

/// <summary>
/// A day an admin deleted from the holiday table. Remembered so that <c>migrate</c> does not bring it back from
/// holidays.csv at the next deploy; adding the day again through the API forgets the removal.
/// </summary>
public sealed class HolidayRemoval
{
    public DateOnly Date { get; set; }
    public DateTime RemovedAt { get; set; }
    public required string RemovedBy { get; set; }
}

/// <summary>National holiday, joint leave (both from the SKB 3 Menteri), or a day off the city's own government declares.</summary>
public enum HolidayKind { LiburNasional, CutiBersama, LiburDaerah }

/// <summary>
/// gis-data/national/holidays.csv and the city folder's holidays.csv seed the holiday table; <c>migrate</c> makes the table match the files (nothing references a
/// holiday row, so a date removed from the file is removed from the table) except where an admin has spoken through the
/// API: days an admin added or changed stay as they are, days an admin deleted stay deleted.
/// </summary>
public static class HolidayTable
{
    public const string FileName = "holidays.csv";

    /// <summary>The kinds by the names the file and the admin API use.</summary>
    public static readonly IReadOnlyDictionary<string, HolidayKind> Kinds = new Dictionary<string, HolidayKind>
    {
        ["libur_nasional"] = HolidayKind.LiburNasional,
        ["cuti_bersama"] = HolidayKind.CutiBersama,
        ["libur_daerah"] = HolidayKind.LiburDaerah,
    };

    /// <summary>Stages on <paramref name="db"/> (the caller saves in its own transaction): the table follows the rows of
    /// <paramref name="files"/> (the national list, then the city's own days); a file that does not exist adds nothing,
    /// so a city without local holidays needs no file.</summary>
    public static async Task<int> StageAsync(UjarDb db, IEnumerable<string> files, CancellationToken ct)
    {
        var rows = files.Where(File.Exists).SelectMany(Csv.ReadFile).ToList();
        var existing = await db.Holidays.ToDictionaryAsync(h => h.Date, ct);
        var removedByAdmin = (await db.HolidayRemovals.Select(r => r.Date).ToListAsync(ct)).ToHashSet();
        var inFile = new HashSet<DateOnly>();
        foreach (var row in rows)
        {
            var date = DateOnly.ParseExact(row["date"], "yyyy-MM-dd");
            if (!inFile.Add(date)) throw new InvalidDataException($"{FileName}: {date:yyyy-MM-dd} appears twice");
            if (!Kinds.TryGetValue(row["kind"], out var kind))
                throw new InvalidDataException($"{FileName}: kind '{row["kind"]}' on {date:yyyy-MM-dd} is not one of {string.Join(", ", Kinds.Keys)}");
            if (removedByAdmin.Contains(date)) continue;
            if (!existing.TryGetValue(date, out var holiday))
                db.Holidays.Add(holiday = new Holiday { Date = date, NameId = "", NameEn = "" });
            else if (holiday.AdminEditedAt is not null) continue;
            holiday.NameId = row["name_id"];
            holiday.NameEn = row["name_en"];
            holiday.Kind = kind;
        }
        db.Holidays.RemoveRange(existing.Values.Where(h => !inFile.Contains(h.Date) && h.AdminEditedAt is null));
        return rows.Count;
    }
}
