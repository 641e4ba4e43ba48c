using System.Globalization;

namespace Ujar.Benchmarks;

/// <summary>A pin to file a complaint at ("lon lat category" a line in a pins file, written by the benchmark scripts).</summary>
public sealed record Pin(double Lon, double Lat, string Category)
{
    public static Pin[] Read(string path)
    {
        var pins = File.ReadAllLines(path)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3)
            .Select(parts => new Pin(double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]))
            .ToArray();
        return pins.Length > 0 ? pins : throw new InvalidOperationException($"no pins in {path}");
    }

    /// <summary>The web map's JSON for <c>POST /api/complaints</c>.</summary>
    public string ComplaintJson(string description) =>
        $$"""{"lat":{{F(Lat)}},"lon":{{F(Lon)}},"category":"{{Category}}","description":"{{description}}","anonymous":true}""";

    public static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
