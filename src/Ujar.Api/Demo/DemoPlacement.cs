using NetTopologySuite.Geometries;
using Ujar.Api.Routing;

namespace Ujar.Api.Demo;

/// <summary>
/// Where demo complaints are pinned, and nothing else: on land inside a kelurahan (covered, never snapped), around the
/// places where people live and along the main roads of the city's <see cref="CityDemo"/>, with a share anywhere on
/// land; flooding gathers at the low spots where water collects. Kept apart from what the complaints say
/// (<see cref="DemoData"/>) and what happened to them (<see cref="DemoHistory"/>), so the pins can move onto other
/// boundaries or another city without touching either.
/// </summary>
public static class DemoPlacement
{
    public const string Flooding = "genangan_air";

    /// <summary>Draws a pin gets to fall on land (for a flood spot: on its kelurahan's land) before the caller tries
    /// again with a fresh choice of place; a coastal place loses some draws to the sea.</summary>
    private const int Draws = 200;

    /// <summary>A drawn point and, when it must fall there, the kelurahan (code) it belongs to.</summary>
    internal readonly record struct Candidate(double Lat, double Lon, string? Kelurahan);

    /// <summary>Somewhere pins come from, as often as <see cref="Weight"/> says against the others.</summary>
    internal sealed record Source(double Weight, Func<Random, Candidate> Draw);

    /// <summary>The active boundaries and the city's demo picture as the demo places pins over them.</summary>
    public sealed class Map
    {
        private Map(ComplaintRouter router, CityDemo demo)
        {
            Router = router;
            GenerationId = router.ActiveGenerationId;
            Streets = demo.Streets;
            // Places the active boundaries do not hold (another city's boundaries, a test's fixture city) are left out,
            // so their draws are not all lost to the sea.
            var codes = router.Kelurahan.Select(k => k.Kelurahan.Code).ToHashSet();
            bool OnLand(double[] at) => router.Route(at[1], at[0], null)?.Area is { Snapped: false };
            var land = router.Kelurahan.Select(k => new Source(MetricProjection.Project(k.Geometry).Area, r => Uniform(r, k))).ToList();
            var landTotal = land.Sum(l => l.Weight);
            var places = demo.Settlements.Where(s => OnLand(s.At)).Select(s => new Source(s.Weight, r => Around(r, s.At, s.RadiusMeters)))
                .Concat(demo.Roads.Where(road => road.Line.Any(OnLand)).Select(road => Along(road, demo.RoadWidthMeters))).ToList();
            var placesTotal = places.Sum(p => p.Weight);
            // The weights become shares: the scattered share over the land by area, the rest over the listed places.
            var scattered = places.Count == 0 ? 1 : demo.ScatteredShare;
            Sources = land.Select(l => l with { Weight = scattered * l.Weight / landTotal })
                .Concat(places.Select(p => p with { Weight = (1 - scattered) * p.Weight / placesTotal })).ToList();
            FloodSpots = demo.FloodSpots.Where(f => codes.Contains(f.Kelurahan))
                .Select(f => new Source(f.Weight, r => Around(r, f.At, f.RadiusMeters) with { Kelurahan = f.Kelurahan })).ToList();
        }

        internal ComplaintRouter Router { get; }
        public int? GenerationId { get; }
        /// <summary>Street names for the descriptions; none when the city has no demo picture.</summary>
        internal IReadOnlyList<string> Streets { get; }
        internal IReadOnlyList<Source> Sources { get; }
        internal IReadOnlyList<Source> FloodSpots { get; }

        public static Map Survey(ComplaintRouter router, CityDemo demo) => new(router, demo);
    }

    /// <summary>A pin for a complaint of <paramref name="category"/>, on land inside a kelurahan; null when the place
    /// chosen kept giving sea (the caller tries again). After heavy rain most flooding is reported at the low spots.</summary>
    public static (double Lat, double Lon)? Pin(Map map, Random random, string category, bool rainy)
    {
        var source = category == Flooding && map.FloodSpots.Count > 0 && DemoRandom.Chance(random, rainy ? 0.9 : 0.7)
            ? DemoRandom.Pick(random, map.FloodSpots, s => s.Weight)
            : DemoRandom.Pick(random, map.Sources, s => s.Weight);
        for (var i = 0; i < Draws; i++)
        {
            var (lat, lon, kelurahan) = source.Draw(random);
            if (map.Router.Route(lon, lat, null)?.Area is { Snapped: false } area && (kelurahan is null || area.Kelurahan.Code == kelurahan))
                return (lat, lon);
        }
        return null;
    }

    /// <summary>A point about <paramref name="sigmaMeters"/> from <paramref name="at"/>: a second report of the same
    /// problem, or where a crew stood when it closed the work.</summary>
    public static (double Lat, double Lon) Near(Random random, Point at, double sigmaMeters) => Scatter(random, at.Y, at.X, sigmaMeters);

    private static Candidate Around(Random random, double[] at, double sigmaMeters)
    {
        var (lat, lon) = Scatter(random, at[0], at[1], sigmaMeters);
        return new Candidate(lat, lon, null);
    }

    /// <summary>Anywhere in the kelurahan's envelope, kept only if it falls in the kelurahan itself.</summary>
    private static Candidate Uniform(Random random, RoutableKelurahan kelurahan)
    {
        var box = kelurahan.Geometry.EnvelopeInternal;
        return new Candidate(box.MinY + random.NextDouble() * box.Height, box.MinX + random.NextDouble() * box.Width, kelurahan.Kelurahan.Code);
    }

    /// <summary>Evenly per metre along the road's line, then strayed off it by the width of what lines it.</summary>
    private static Source Along(DemoRoad road, double widthMeters)
    {
        var line = road.Line;
        var lengths = line.Zip(line.Skip(1), (a, b) => MetresBetween(a, b)).ToArray();
        var total = lengths.Sum();
        return new Source(road.Weight, random =>
        {
            var at = random.NextDouble() * total;
            var i = 0;
            while (i < lengths.Length - 1 && at > lengths[i]) at -= lengths[i++];
            var t = lengths[i] == 0 ? 0 : Math.Min(1, at / lengths[i]);
            double[] onLine = [line[i][0] + t * (line[i + 1][0] - line[i][0]), line[i][1] + t * (line[i + 1][1] - line[i][1])];
            return Around(random, onLine, widthMeters);
        });
    }

    private const double MetresPerDegree = 111_320;

    private static double MetresBetween(double[] a, double[] b)
    {
        var dy = (b[0] - a[0]) * MetresPerDegree;
        var dx = (b[1] - a[1]) * MetresPerDegree * Math.Cos(a[0] * Math.PI / 180);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private static (double Lat, double Lon) Scatter(Random random, double lat, double lon, double sigmaMeters)
    {
        // Box–Muller; a degree of latitude is 111.32 km, a degree of longitude that times cos(latitude).
        var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * sigmaMeters;
        var theta = 2 * Math.PI * random.NextDouble();
        return (lat + r * Math.Sin(theta) / MetresPerDegree, lon + r * Math.Cos(theta) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180)));
    }
}

/// <summary>Weighted choices for the demo generators.</summary>
internal static class DemoRandom
{
    public static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var roll = random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }

    public static bool Chance(Random random, double probability) => random.NextDouble() < probability;
}
