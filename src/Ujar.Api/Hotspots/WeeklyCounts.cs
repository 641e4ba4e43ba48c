using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Hotspots;

/// <summary>
/// The wet months marked on the planners' weekly chart (<c>Ujar:Hotspots:WetMonths</c>, WIB months 1–12). The default,
/// November–January, is the wettest stretch of the northeast monsoon as the planners gave it (issue 10); it is not
/// taken from a rainfall series here, so it is a setting: put in the months of BMKG's normals for the Raja Haji
/// Fisabilillah station when they are to hand. It only marks the chart; the <c>season</c> filter keeps its broader
/// monsoon halves (October–March, April–September).
/// </summary>
public sealed class HotspotOptions
{
    public static readonly int[] DefaultWetMonths = [11, 12, 1];

    public int[]? WetMonths { get; set; }

    public static bool AreValid(HotspotOptions o) =>
        o.WetMonths is { Length: > 0 and <= 12 } months && months.All(m => m is >= 1 and <= 12) && months.Distinct().Count() == months.Length;
}

/// <summary>
/// <c>GET /api/hotspots/weekly?…filters</c>: the filtered complaints counted per WIB week (weeks start on Monday) and
/// category, for the planners' charts: complaints over time, the category breakdown (each series' total) and, with the
/// kelurahan layer, the ranking. <c>weeks</c> are the Mondays from the window's start (or the first complaint's week
/// when the window has none) to its end (or now); every series has one count per week, zeros included; series are
/// sorted by total, largest first; <c>wetMonths</c> says which months to mark as the wet season.
/// </summary>
public static class WeeklyCounts
{
    public sealed record Series(string Category, int Total, int[] Counts);

    public sealed record Answer(IReadOnlyList<string> Weeks, IReadOnlyList<Series> Series, int Total, int[] WetMonths,
        IReadOnlyDictionary<string, string> Filter);

    public static async Task<IResult> GetAsync(HttpRequest request, ComplaintPoints points, IOptions<HotspotOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var (filter, problem) = HotspotFilter.Parse(request);
        if (filter is null) return problem!;
        await points.WhenLoaded.WaitAsync(ct);
        var selection = points.Current.Select(filter);
        return TypedResults.Ok(Compute(selection, filter, clock.GetUtcNow().UtcDateTime, options.Value.WetMonths!));
    }

    public static Answer Compute(PointSelection selection, HotspotFilter filter, DateTime nowUtc, int[] wetMonths)
    {
        var set = selection.Set;
        var created = set.CreatedTicks;
        var empty = new Answer([], [], 0, wetMonths, filter.Echo);
        long? firstTicks = filter.FromUtc?.Ticks;
        if (firstTicks is null)
        {
            if (selection.Count == 0) return empty;
            var first = long.MaxValue;
            foreach (var i in selection.Index) first = Math.Min(first, created[i]);
            firstTicks = first;
        }
        var start = Monday(new DateTime(firstTicks.Value));
        var end = Monday(filter.ToUtc is { } to && to < nowUtc ? to.AddTicks(-1) : nowUtc);
        if (end < start) return empty;
        var weekCount = (int)((end - start).TotalDays / 7) + 1;

        var counts = new int[set.CategoryCodes.Count][];
        foreach (var i in selection.Index)
        {
            var week = (int)((Monday(new DateTime(created[i])) - start).TotalDays / 7);
            if (week < 0 || week >= weekCount) continue;
            (counts[set.Category[i]] ??= new int[weekCount])[week]++;
        }
        var series = counts.Select((c, index) => (c, index)).Where(x => x.c is not null)
            .Select(x => new Series(set.CategoryCodes[x.index], x.c.Sum(), x.c))
            .OrderByDescending(s => s.Total).ThenBy(s => s.Category, StringComparer.Ordinal)
            .ToList();
        var weeks = Enumerable.Range(0, weekCount).Select(w => start.AddDays(7 * w).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new Answer(weeks, series, series.Sum(s => s.Total), wetMonths, filter.Echo);
    }

    /// <summary>The WIB date of the Monday starting the week of <paramref name="utc"/>.</summary>
    private static DateTime Monday(DateTime utc)
    {
        var day = (utc + Wib.Offset).Date;
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}
