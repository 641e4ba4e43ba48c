using Ujar.Api.Setup;

namespace Ujar.Api.Demo;

/// <summary>
/// The demo's picture of one city, read from <c>demo.json</c> in the city's folder: where people live
/// (<see cref="Settlements"/>) and the main roads (<see cref="Roads"/>), as relative weights, the low spots where water
/// collects (<see cref="FloodSpots"/>), its rainy seasons, and street names for the descriptions. Hand-drawn approximations, not survey
/// data: no road or population layer is available offline. A city folder without the file gets <see cref="None"/>,
/// and its demo pins fall anywhere on its kelurahan land.
/// </summary>
public sealed class CityDemo
{
    public const string FileName = "demo.json";

    /// <summary>No picture of the city: every pin falls uniformly on land, descriptions name the kelurahan.</summary>
    public static readonly CityDemo None = new();

    /// <summary>The share of pins placed uniformly on land anywhere (farms, villages and houses off the listed places);
    /// the rest follow the settlements and roads by their weights. Without settlements and roads, all of them.</summary>
    public double ScatteredShare { get; init; } = 0.1;

    /// <summary>How far (one standard deviation, metres) pins along a road stray from its centre line: the houses and
    /// shops that line it.</summary>
    public double RoadWidthMeters { get; init; } = 60;

    public IReadOnlyList<DemoSettlement> Settlements { get; init; } = [];
    public IReadOnlyList<DemoRoad> Roads { get; init; } = [];
    public IReadOnlyList<DemoFloodSpot> FloodSpots { get; init; } = [];
    public IReadOnlyList<string> Streets { get; init; } = [];

    /// <summary>The chance of heavy rain on a day of each month, January first: the city's seasons. Without them, the
    /// same every month (rain in spells all year round).</summary>
    public IReadOnlyList<double> RainByMonth { get; init; } = Enumerable.Repeat(0.2, 12).ToArray();

    /// <summary>The city's demo.json, or <see cref="None"/> when its folder has none; a broken file stops the demo with
    /// the reason and the file's path.</summary>
    public static CityDemo Of(City city)
    {
        var path = city.PathOf(FileName);
        return File.Exists(path) ? City.ReadJson<CityDemo>(path, demo => demo.Faults()) : None;
    }

    private IEnumerable<string> Faults()
    {
        if (ScatteredShare is < 0 or > 1) yield return "scatteredShare must be between 0 and 1";
        if (RoadWidthMeters <= 0) yield return "roadWidthMeters must be positive";
        foreach (var place in Settlements.Select(s => (s.Name, s.At, s.RadiusMeters, s.Weight, Kind: "settlement"))
                     .Concat(FloodSpots.Select(f => (f.Name, f.At, f.RadiusMeters, f.Weight, Kind: "flood spot"))))
        {
            if (!IsLatLon(place.At)) yield return $"{place.Kind} '{place.Name}': at must be [lat, lon]";
            if (place.RadiusMeters <= 0 || place.Weight <= 0) yield return $"{place.Kind} '{place.Name}': radiusMeters and weight must be positive";
        }
        foreach (var road in Roads)
        {
            if (road.Line.Count < 2 || !road.Line.All(IsLatLon)) yield return $"road '{road.Name}': line must be two or more [lat, lon]";
            if (road.Weight <= 0) yield return $"road '{road.Name}': weight must be positive";
        }
        if (FloodSpots.Any(f => string.IsNullOrWhiteSpace(f.Kelurahan))) yield return "every flood spot names its kelurahan (code)";
        if (RainByMonth is not { Count: 12 } || RainByMonth.Any(p => p is < 0 or > 1)) yield return "rainByMonth must be 12 chances between 0 and 1, January first";
    }

    private static bool IsLatLon(double[]? at) => at is [>= -90 and <= 90, >= -180 and <= 180];
}

/// <summary>A place where people live: pins gather around <see cref="At"/> ([lat, lon]) with a spread of
/// <see cref="RadiusMeters"/> (one standard deviation), as often as <see cref="Weight"/> says against the other places
/// and the roads. <see cref="Kelurahan"/> is the code of the kelurahan the centre lies in (checked by the tests).</summary>
public sealed record DemoSettlement(string Name, string Kelurahan, double[] At, double RadiusMeters, double Weight);

/// <summary>A main road as a polyline of [lat, lon] points; pins fall along it, evenly per metre, as often as
/// <see cref="Weight"/> says. <see cref="Kelurahan"/> lists the codes of the kelurahan it runs through (checked by the tests).</summary>
public sealed record DemoRoad(string Name, string[] Kelurahan, IReadOnlyList<double[]> Line, double Weight);

/// <summary>A low spot where water collects, in the low-lying kelurahan <see cref="Kelurahan"/> (its code): most flooding
/// reports fall within about <see cref="RadiusMeters"/> of <see cref="At"/>, always on that kelurahan's land.</summary>
public sealed record DemoFloodSpot(string Name, string Kelurahan, double[] At, double RadiusMeters, double Weight);
