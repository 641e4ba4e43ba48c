using System.Globalization;
using Ujar.Api.Complaints;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.Supports;

namespace Ujar.Api.Hotspots;

/// <summary>Musim hujan (the wet season) is October–March in the Riau Islands, kemarau (the dry season) April–September.</summary>
public enum Season
{
    Hujan,
    Kemarau,
}

/// <summary>
/// The filters every hotspot layer takes, checked: <c>category</c> (comma list), <c>status</c> (comma list, or
/// <c>open</c> for the statuses still being worked on), and one time window — <c>days=7|30|90</c>, or
/// <c>from</c>/<c>to</c> (a date is a whole WIB day, as in the complaint list), optionally with <c>season=hujan|kemarau</c>
/// (the season's months inside from–to, or inside the last 12 months when neither is given).
/// The window is [<see cref="FromUtc"/>, <see cref="ToUtc"/>); null ends are open.
/// </summary>
public sealed record HotspotFilter
{
    public static readonly int[] AllowedDays = [7, 30, 90];

    public IReadOnlyList<string>? Categories { get; init; }
    public IReadOnlyList<ComplaintStatus>? Statuses { get; init; }
    public DateTime? FromUtc { get; init; }
    public DateTime? ToUtc { get; init; }
    public Season? Season { get; init; }

    /// <summary>The parameters as the request gave them (after checking), echoed back as the <c>filter</c> member.</summary>
    public IReadOnlyDictionary<string, string> Echo { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads the query string. Unknown categories are refused once the categories are loaded, so a typo is a
    /// 422 rather than an empty map that looks like good news.</summary>
    public static (HotspotFilter? Filter, IResult? Problem) Parse(HttpRequest request)
    {
        var query = request.Query;
        var services = request.HttpContext.RequestServices;
        var router = services.GetRequiredService<ComplaintRouter>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return Parse(query["category"], query["status"], query["days"], query["from"], query["to"], query["season"], now,
            // Retired categories too: their complaints are still on the map.
            router.Categories.Count > 0 ? router.Categories.ContainsKey : null);
    }

    public static (HotspotFilter? Filter, IResult? Problem) Parse(string? category, string? status, string? days,
        string? from, string? to, string? season, DateTime nowUtc, Func<string, bool>? isKnownCategory = null)
    {
        var errors = new Dictionary<string, Bilingual>();
        var echo = new Dictionary<string, string>();

        var categories = SplitList(category);
        if (categories is not null)
        {
            if (isKnownCategory is not null && categories.FirstOrDefault(c => !isKnownCategory(c)) is { } unknown)
                errors["category"] = new($"kategori '{unknown}' tidak dikenal", $"unknown category '{unknown}'");
            echo["category"] = string.Join(',', categories);
        }

        List<ComplaintStatus>? statuses = null;
        if (SplitList(status) is { } statusNames)
        {
            statuses = [];
            foreach (var name in statusNames)
            {
                if (name.Equals("open", StringComparison.OrdinalIgnoreCase)) statuses.AddRange(SupportsApi.OpenStatuses);
                else if (ComplaintStatuses.TryParse(name, out var s)) statuses.Add(s);
                else errors["status"] = new($"status '{name}' tidak dikenal; pilihan: open, {string.Join(", ", ComplaintStatuses.ApiNames)}",
                    $"unknown status '{name}'; choose from: open, {string.Join(", ", ComplaintStatuses.ApiNames)}");
            }
            statuses = statuses.Distinct().ToList();
            echo["status"] = string.Join(',', statusNames.Select(n => n.ToLowerInvariant()));
        }

        DateTime? fromUtc = null, toUtc = null;
        Season? seasonValue = null;
        var hasRange = !string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to);
        if (!string.IsNullOrWhiteSpace(days))
        {
            if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || !AllowedDays.Contains(n))
                errors["days"] = new("days harus 7, 30 atau 90", "days must be 7, 30 or 90");
            else if (hasRange || !string.IsNullOrWhiteSpace(season))
                errors["days"] = new("days tidak bisa digabung dengan from/to atau season", "days cannot be combined with from/to or season");
            else
            {
                fromUtc = nowUtc.AddDays(-n);
                echo["days"] = n.ToString(CultureInfo.InvariantCulture);
            }
        }
        else if (hasRange)
        {
            // The complaint list's reading of from/to (WIB days), so both pages mean the same by the same dates.
            var window = ComplaintFilter.Parse(null, null, null, from, to, null, null);
            if (window.Problem is not null) return (null, window.Problem);
            fromUtc = window.From;
            toUtc = window.To;
            if (fromUtc is not null) echo["from"] = from!.Trim();
            if (toUtc is not null) echo["to"] = to!.Trim();
        }

        if (!string.IsNullOrWhiteSpace(season) && !errors.ContainsKey("days"))
        {
            if (Enum.TryParse<Season>(season.Trim(), ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(season, out _))
            {
                seasonValue = s;
                echo["season"] = s.ToString().ToLowerInvariant();
                if (!hasRange) fromUtc = nowUtc.AddMonths(-12);
            }
            else errors["season"] = new("season harus hujan (Okt–Mar) atau kemarau (Apr–Sep)", "season must be hujan (Oct–Mar) or kemarau (Apr–Sep)");
        }

        if (errors.Count > 0) return (null, Problems.Validation(errors));
        return (new HotspotFilter
        {
            Categories = categories, Statuses = statuses, FromUtc = fromUtc, ToUtc = toUtc, Season = seasonValue, Echo = echo,
        }, null);
    }

    /// <summary>True when a complaint created at <paramref name="createdUtcTicks"/> is inside the time window and season.</summary>
    public bool InWindow(long createdUtcTicks) =>
        (FromUtc is not { } f || createdUtcTicks >= f.Ticks)
        && (ToUtc is not { } t || createdUtcTicks < t.Ticks)
        && (Season is not { } s || InSeason(s, new DateTime(createdUtcTicks + Wib.Offset.Ticks).Month));

    public static bool InSeason(Season season, int wibMonth) =>
        season == Hotspots.Season.Hujan ? wibMonth is >= 10 or <= 3 : wibMonth is >= 4 and <= 9;

    /// <summary>The window of the same length just before this one (same categories, statuses and season), for trends;
    /// null when the window has no start. An open end means "until <paramref name="nowUtc"/>".</summary>
    public HotspotFilter? PreviousWindow(DateTime nowUtc)
    {
        if (FromUtc is not { } start) return null;
        var length = (ToUtc ?? nowUtc) - start;
        return this with { FromUtc = start - length, ToUtc = start };
    }

    private static List<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
}
