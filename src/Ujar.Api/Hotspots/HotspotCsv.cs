using System.Globalization;
using System.Text;
using NetTopologySuite.IO;

namespace Ujar.Api.Hotspots;

/// <summary>
/// <c>format=csv</c> for every hotspot layer: one row per feature of the same <see cref="HotspotCollection"/> the
/// GeoJSON answer carries, so both exports hold the same numbers. Columns: <c>wkt</c> (the geometry in lon/lat,
/// EPSG:4326), the centroid's lon and lat, the properties in the order of the first feature, then the layer's
/// parameters (<see cref="HotspotExport.Parameters"/>: cell, band, filter, total…), the same on every row so any row
/// pasted elsewhere still says what it was computed with.
/// <para>
/// A spreadsheet opens the file by its own regional settings, so the file follows the settings of its language.
/// Indonesian (<c>lang=id</c>, the default): Excel and LibreOffice set to Indonesian read a list with <c>;</c> and a
/// decimal comma, so that is what is written, with Indonesian column names and words. English: RFC 4180 commas and
/// decimal points with the API's names. Both start with a UTF-8 byte-order mark, which is how Excel recognises UTF-8
/// (without it "Pemukiman · Jl. Hang Tuah" arrives as mojibake); no <c>sep=</c> line, since Excel then ignores the mark.
/// Numbers keep their shortest round-trip digits (as JSON writes them), only the decimal mark changes.
/// </para>
/// </summary>
public static class HotspotCsv
{
    private static readonly NumberFormatInfo DecimalComma = new() { NumberDecimalSeparator = "," };

    public static IResult Result(string layer, HotspotCollection collection, bool indonesian) =>
        TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Write(collection, indonesian))).ToArray(),
            "text/csv; charset=utf-8", $"ujar-{layer}.csv");

    public static string Write(HotspotCollection collection, bool indonesian)
    {
        var separator = indonesian ? ';' : ',';
        Func<IFormattable, string> number = indonesian
            ? n => n.ToString(null, DecimalComma)
            : n => n.ToString(null, CultureInfo.InvariantCulture);
        var columns = collection.Features.Count > 0 ? collection.Features[0].Properties.Keys.ToList() : [];
        var parameters = HotspotExport.Parameters(collection).ToList();
        var parameterCells = parameters.Select(p => HotspotExport.Text(p.Key, p.Value, indonesian, number)).ToList();

        var writer = new WKTWriter();
        var csv = new StringBuilder();
        var header = new[] { "wkt", "centroid_lon", "centroid_lat" }.Concat(columns).Concat(parameters.Select(p => p.Key))
            .Select(name => HotspotExport.ColumnName(name, indonesian));
        csv.AppendJoin(separator, header.Select(h => Quote(h, separator))).Append("\r\n");
        foreach (var feature in collection.Features)
        {
            var centroid = feature.Geometry.Centroid;
            var cells = new List<string> { writer.Write(feature.Geometry), number(centroid.X), number(centroid.Y) };
            cells.AddRange(columns.Select(c => HotspotExport.Text(c, HotspotExport.Value(feature, c, indonesian), indonesian, number)));
            cells.AddRange(parameterCells);
            csv.AppendJoin(separator, cells.Select(c => Quote(c, separator))).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Quote(string cell, char separator) =>
        cell.IndexOfAny([separator, '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
