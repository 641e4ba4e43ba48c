using System.Diagnostics.CodeAnalysis;

namespace Ujar.Benchmarks;

public sealed record Options(string GisData, string Connection, int Points, double Seconds, int[] PgConnections, string? HttpPoints)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out Options? options, out string error)
    {
        options = null;
        string? gis = null, connection = null, httpPoints = null;
        int points = 100_000;
        double seconds = 5;
        int[] pgConnections = [2, 4];
        for (var i = 0; i < args.Length; i++)
        {
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
        if (gis is null || connection is null) { error = "--gis-data and --connection are required"; return false; }
        if (!File.Exists(Path.Combine(gis, "tanjungpinang_kelurahan.geojson"))) { error = $"no tanjungpinang_kelurahan.geojson in {gis}"; return false; }
        options = new Options(Path.GetFullPath(gis), connection, points, seconds, pgConnections, httpPoints);
        error = "";
        return true;
    }
}
