using System.Diagnostics.CodeAnalysis;

namespace Ujar.Benchmarks;

/// <param name="Active">Route over the generation already active in the database (e.g. the national layer) instead of
/// importing the official layer; points are then drawn in the boxes of random kelurahan, since a country's box is mostly sea.</param>
public sealed record Options(string? GisData, string Connection, int Points, double Seconds, int[] PgConnections, string? HttpPoints, bool Active = false)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out Options? options, out string error)
    {
        options = null;
        string? gis = null, connection = null, httpPoints = null;
        int points = 100_000;
        double seconds = 5;
        int[] pgConnections = [2, 4];
        var active = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--active") { active = true; continue; }
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null) { error = $"{args[i]} needs a value"; return false; }
            switch (args[i])
            {
                case "--gis-data": gis = value; break;
                case "--connection": connection = value; break;
                case "--http-points": httpPoints = value; break;
                case "--points" when int.TryParse(value, out points) && points >= 1000: break;
                case "--seconds" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out seconds) && seconds > 0: break;
                case "--pg-connections":
                    pgConnections = value.Split(',').Select(s => int.TryParse(s, out var n) ? n : 0).ToArray();
                    if (pgConnections.Any(n => n is < 1 or > 64)) { error = "--pg-connections takes numbers 1–64, e.g. 2,4"; return false; }
                    break;
                default: error = $"unknown option or bad value: {args[i]} {value}"; return false;
            }
            i++;
        }
        if (connection is null) { error = "--connection is required"; return false; }
        if (!active && gis is null) { error = "--gis-data is required (or --active)"; return false; }
        if (gis is not null && !File.Exists(Path.Combine(gis, "tanjungpinang_kelurahan.geojson"))) { error = $"no tanjungpinang_kelurahan.geojson in {gis}"; return false; }
        options = new Options(gis is null ? null : Path.GetFullPath(gis), connection, points, seconds, pgConnections, httpPoints, active);
        error = "";
        return true;
    }
}
