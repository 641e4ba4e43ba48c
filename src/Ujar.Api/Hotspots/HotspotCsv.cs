using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetTopologySuite.IO;

namespace Ujar.Api.Hotspots;

/// <summary>
/// <c>format=csv</c> for every hotspot layer: one row per feature of the same <see cref="HotspotCollection"/> the
/// GeoJSON answer carries, so both exports hold the same numbers. Columns: <c>wkt</c> (the geometry in lon/lat,
/// EPSG:4326), <c>centroid_lon</c>, <c>centroid_lat</c>, then the properties in the order of the first feature.
/// Numbers are written invariantly in their shortest round-trip form (as JSON writes them); lists are joined with
/// <c>;</c>; RFC 4180 quoting.
/// </summary>
public static class HotspotCsv
{
    public static IResult Result(string layer, HotspotCollection collection) =>
        TypedResults.File(Encoding.UTF8.GetBytes(Write(collection)), "text/csv; charset=utf-8", $"ujar-{layer}.csv");

    public static string Write(HotspotCollection collection)
    {
        var columns = collection.Features.Count > 0 ? collection.Features[0].Properties.Keys.ToList() : [];
        var writer = new WKTWriter();
        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { "wkt", "centroid_lon", "centroid_lat" }.Concat(columns).Select(Quote)).Append("\r\n");
        foreach (var feature in collection.Features)
        {
            var centroid = feature.Geometry.Centroid;
            var cells = new List<string> { writer.Write(feature.Geometry), Format(centroid.X), Format(centroid.Y) };
            cells.AddRange(columns.Select(c => Format(feature.Properties.GetValueOrDefault(c))));
            csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        // As JSON writes a time, so the two exports agree character for character.
        DateTime or DateTimeOffset => JsonSerializer.Serialize(value).Trim('"'),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join(';', list.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
