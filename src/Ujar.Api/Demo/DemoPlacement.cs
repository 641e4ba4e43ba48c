using NetTopologySuite.Geometries;
using Ujar.Api.Routing;

namespace Ujar.Api.Demo;

/// <summary>
/// Where demo complaints are pinned, and nothing else: dense old-town kelurahan (small ones) report more per km² than
/// the large, green ones, and flooding gathers at the low spots where water collects. Kept apart from what the
/// complaints say (<see cref="DemoData"/>) and what happened to them (<see cref="DemoHistory"/>), so the pins can move
/// onto other boundaries without touching either.
/// </summary>
public static class DemoPlacement
{
    /// <summary>Low spots where water collects after heavy rain (approximate, for the demo), with a spread in metres.</summary>
    private static readonly (string Place, double Lat, double Lon, double SigmaMeters, int Weight)[] FloodSpots =
    [
        ("Bintan Center, Sei Jang", 0.8990, 104.4760, 120, 5),
        ("Jl. Gatot Subroto, Tanjung Ayun Sakti", 0.9035, 104.4605, 100, 4),
        ("Jl. D.I. Panjaitan, Batu IX", 0.9015, 104.5110, 150, 4),
        ("Pesisir Tanjung Unggat (rob)", 0.9248, 104.4630, 90, 3),
        ("Kampung Bugis", 0.9570, 104.4725, 140, 2),
        ("Jl. Ganet, Air Raja", 0.9505, 104.5020, 150, 2),
    ];

    /// <summary>The active boundaries as the demo scatters pins over them.</summary>
    public sealed class City
    {
        private City(ComplaintRouter router)
        {
            Router = router;
            GenerationId = router.ActiveGenerationId;
            Kelurahan = router.Kelurahan.Select(k => (k.Geometry.InteriorPoint, MetricProjection.Project(k.Geometry).Area / 1e6)).ToList();
        }

        internal ComplaintRouter Router { get; }
        internal IReadOnlyList<(Point Centroid, double AreaKm2)> Kelurahan { get; }
        public int? GenerationId { get; }

        public static City Survey(ComplaintRouter router) => new(router);
    }

    /// <summary>A pin for a complaint of <paramref name="category"/>: after heavy rain most flooding is reported at the low
    /// spots. The caller routes it and tries again when it falls outside the boundaries.</summary>
    public static (double Lat, double Lon) Pin(City city, Random random, string category, bool rainy)
    {
        if (category == "genangan_air" && random.NextDouble() < (rainy ? 0.9 : 0.7))
        {
            var spot = DemoRandom.Pick(random, FloodSpots, f => f.Weight);
            return Scatter(random, spot.Lat, spot.Lon, spot.SigmaMeters);
        }
        var k = DemoRandom.Pick(random, city.Kelurahan, k => k.AreaKm2 < 5 ? 3.0 : 1.0);
        return Scatter(random, k.Centroid.Y, k.Centroid.X, Math.Sqrt(k.AreaKm2) * 250);
    }

    /// <summary>A point about <paramref name="sigmaMeters"/> from <paramref name="at"/>: a second report of the same
    /// problem, or where a crew stood when it closed the work.</summary>
    public static (double Lat, double Lon) Near(Random random, Point at, double sigmaMeters) => Scatter(random, at.Y, at.X, sigmaMeters);

    private static (double Lat, double Lon) Scatter(Random random, double lat, double lon, double sigmaMeters)
    {
        // Box–Muller; 1° ≈ 111.32 km at the equator, and Tanjungpinang sits at 0.9° N.
        var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * sigmaMeters;
        var theta = 2 * Math.PI * random.NextDouble();
        return (lat + r * Math.Sin(theta) / 111_320, lon + r * Math.Cos(theta) / 111_320);
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
