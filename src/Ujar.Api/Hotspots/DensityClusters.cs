using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Limits;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Hotspots;

/// <summary>
/// <c>GET /api/hotspots/clusters?eps=100&amp;minPoints=5&amp;category=…</c>: DBSCAN (<see cref="Dbscan"/>) in UTM 48N
/// metres over the filtered complaints. Each cluster is the convex hull of its complaints buffered by
/// <see cref="BufferMeters"/> (so a cluster of three complaints on one spot is still visible), with its count, counts
/// per category, dominant category, first and last complaint (WIB) and the kelurahan it touches; <c>members=true</c>
/// adds the tickets of its complaints.
/// </summary>
public static class DensityClusters
{
    public const double DefaultEps = 100;
    public const int DefaultMinPoints = 5;
    public const double BufferMeters = 15;

    private static readonly GeometryFactory Utm = new(new PrecisionModel(), MetricProjection.Srid);

    public static async Task<IResult> GetAsync(HttpRequest request, ComplaintPoints points, ComplaintRouter router, UjarDb db,
        IOptions<LimitsOptions> limits, CancellationToken ct, string? eps = null, string? minPoints = null, string? members = null, string? format = null, string? lang = null)
    {
        var errors = new Dictionary<string, Bilingual>();
        var export = HotspotExport.Parse(format, lang, errors);
        var epsMeters = DefaultEps;
        if (!string.IsNullOrWhiteSpace(eps) &&
            (!double.TryParse(eps, NumberStyles.Float, CultureInfo.InvariantCulture, out epsMeters) || !(epsMeters is >= Dbscan.MinEps and <= Dbscan.MaxEps)))
            errors["eps"] = new($"eps harus {Dbscan.MinEps}–{Dbscan.MaxEps} meter", $"eps must be {Dbscan.MinEps}–{Dbscan.MaxEps} metres");
        var minimum = DefaultMinPoints;
        if (!string.IsNullOrWhiteSpace(minPoints) &&
            (!int.TryParse(minPoints, NumberStyles.None, CultureInfo.InvariantCulture, out minimum) || minimum is < Dbscan.MinMinPoints or > Dbscan.MaxMinPoints))
            errors["minPoints"] = new($"minPoints harus bilangan bulat {Dbscan.MinMinPoints}–{Dbscan.MaxMinPoints}",
                $"minPoints must be a whole number {Dbscan.MinMinPoints}–{Dbscan.MaxMinPoints}");
        var withMembers = false;
        if (!string.IsNullOrWhiteSpace(members) && !bool.TryParse(members, out withMembers))
            errors["members"] = new("members harus true atau false", "members must be true or false");
        if (errors.Count > 0) return Problems.Validation(errors);
        var (filter, problem) = HotspotFilter.Parse(request);
        if (filter is null) return problem!;

        await points.WhenLoaded.WaitAsync(ct);
        var selection = points.Current.Select(filter);
        var plan = Dbscan.Prepare(selection.X, selection.Y, epsMeters);
        if (plan.Comparisons > limits.Value.ClusterMaxComparisons)
            return HotspotsApi.TooCostly("eps", new Bilingual(
                    $"eps {epsMeters} m atas {selection.Count:N0} laporan terpilih berarti {plan.Comparisons:N0} uji jarak, lebih dari batas {limits.Value.ClusterMaxComparisons:N0}",
                    $"eps {epsMeters} m over the {selection.Count:N0} complaints selected means {plan.Comparisons:N0} distance tests, more than the limit of {limits.Value.ClusterMaxComparisons:N0}"),
                new Bilingual("Perkecil jarak eps, atau persempit pilihan: satu kategori, satu status, atau periode yang lebih pendek.",
                    "Use a smaller eps, or select fewer complaints: one category, a status, or a shorter time window (days, from/to)."));
        var clusters = Compute(selection, plan.Run(minimum), router);
        var features = withMembers ? await WithTicketsAsync(clusters, db, ct) : clusters.Features;
        return export!.Answer("clusters", new HotspotCollection(features, new Dictionary<string, object>
        {
            ["eps"] = epsMeters, ["minPoints"] = minimum, ["filter"] = filter.Echo, ["total"] = selection.Count, ["noise"] = clusters.Noise,
        }));
    }

    /// <summary>The clusters DBSCAN found in <paramref name="selection"/>; member ids kept aside for the tickets.</summary>
    public static Clusters Compute(PointSelection selection, Dbscan.Result result, ComplaintRouter router)
    {
        var membersOf = new List<int>[result.ClusterCount];
        for (var c = 0; c < membersOf.Length; c++) membersOf[c] = [];
        var noise = 0;
        for (var k = 0; k < result.Labels.Length; k++)
        {
            if (result.Labels[k] < 0) noise++;
            else membersOf[result.Labels[k]].Add(k);
        }

        var names = router.Kelurahan.ToDictionary(k => k.Kelurahan.Code, k => k.Kelurahan.Name);
        var set = selection.Set;
        var features = new List<HotspotFeature>(membersOf.Length);
        var memberIds = new List<long[]>(membersOf.Length);
        for (var c = 0; c < membersOf.Length; c++)
        {
            var members = membersOf[c];
            var rows = members.Select(k => selection.Index[k]).ToArray();
            // Most frequent first; a tie goes to the alphabetically first code, so the dominant category is stable.
            var categories = rows.GroupBy(i => set.CategoryCodes[set.Category[i]])
                .Select(g => (Code: g.Key, Count: g.Count()))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Code, StringComparer.Ordinal)
                .ToList();
            var kelurahan = rows.GroupBy(i => set.KelurahanCodes[set.Kelurahan[i]])
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key)
                .ToList();
            var first = rows.Min(i => set.CreatedTicks[i]);
            var last = rows.Max(i => set.CreatedTicks[i]);
            features.Add(new HotspotFeature(Outline(selection, members), new Dictionary<string, object?>
            {
                ["id"] = c,
                ["count"] = members.Count,
                ["categories"] = categories.ToDictionary(g => g.Code, g => g.Count),
                ["dominantCategory"] = categories[0].Code,
                ["first"] = Wib.ToWib(new DateTime(first, DateTimeKind.Utc)),
                ["last"] = Wib.ToWib(new DateTime(last, DateTimeKind.Utc)),
                ["kelurahan"] = kelurahan,
                ["kelurahanNames"] = kelurahan.Select(code => names.GetValueOrDefault(code, code)).ToList(),
            }));
            memberIds.Add(rows.Select(i => set.Ids[i]).ToArray());
        }
        // Largest first; the id (numbered by each cluster's first complaint) keeps the order stable between requests.
        var order = Enumerable.Range(0, features.Count).OrderByDescending(c => membersOf[c].Count).ThenBy(c => c).ToArray();
        return new Clusters(order.Select(c => features[c]).ToList(), order.Select(c => memberIds[c]).ToList(), noise);
    }

    /// <summary>The cluster features (largest first), the complaint ids of each, and how many filtered complaints were noise.</summary>
    public sealed record Clusters(IReadOnlyList<HotspotFeature> Features, IReadOnlyList<long[]> MemberIds, int Noise);

    /// <summary>The features with a <c>tickets</c> property: the public tickets of each cluster's complaints.</summary>
    private static async Task<List<HotspotFeature>> WithTicketsAsync(Clusters clusters, UjarDb db, CancellationToken ct)
    {
        var ids = clusters.MemberIds.SelectMany(m => m).ToArray();
        var tickets = await db.Complaints.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Ticket })
            .ToDictionaryAsync(c => c.Id, c => c.Ticket, ct);
        return clusters.Features.Select((f, c) => f with
        {
            Properties = new Dictionary<string, object?>(f.Properties)
            {
                ["tickets"] = clusters.MemberIds[c].Select(id => tickets.GetValueOrDefault(id)).OfType<string>().Order(StringComparer.Ordinal).ToList(),
            },
        }).ToList();
    }

    /// <summary>The buffered convex hull of the members, computed in metres and returned in lon/lat.</summary>
    private static Geometry Outline(PointSelection selection, List<int> members)
    {
        var coordinates = members.Select(k => new Coordinate(selection.X[k], selection.Y[k])).ToArray();
        return MetricProjection.Unproject(Utm.CreateMultiPointFromCoords(coordinates).ConvexHull().Buffer(BufferMeters));
    }
}
