using System.Collections;
using System.Globalization;
using System.Text.Json;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Hotspots;

/// <summary>
/// How a hotspot layer is answered: <c>format=geojson</c> (the default), <c>csv</c> or <c>gpkg</c> (GeoPackage, for
/// QGIS), and for the two files <c>lang=id</c> (the default) or <c>en</c>. The language decides the column names, the
/// words in the cells (a Gi* bin, a trend, yes/no) and, for CSV, the spreadsheet conventions (<see cref="HotspotCsv"/>).
/// Both files carry the layer's parameters (band, cell, filter, total…) beside the features, so a file found in a
/// folder a month later still says what it shows.
/// </summary>
public sealed record HotspotExport(string Format, bool Indonesian)
{
    private static readonly string[] Formats = ["geojson", "csv", "gpkg"];

    /// <summary>The format and language; null with errors added when either is not one we write.</summary>
    public static HotspotExport? Parse(string? format, string? lang, Dictionary<string, Bilingual> errors)
    {
        var name = string.IsNullOrWhiteSpace(format) ? "geojson" : format.Trim().ToLowerInvariant();
        if (!Formats.Contains(name)) errors["format"] = new("format harus geojson, csv atau gpkg", "format must be geojson, csv or gpkg");
        var language = string.IsNullOrWhiteSpace(lang) ? "id" : lang.Trim().ToLowerInvariant();
        if (language is not ("id" or "en")) errors["lang"] = new("lang harus id atau en", "lang must be id or en");
        return errors.ContainsKey("format") || errors.ContainsKey("lang") ? null : new HotspotExport(name, language == "id");
    }

    public IResult Answer(string layer, HotspotCollection collection) => Format switch
    {
        "csv" => HotspotCsv.Result(layer, collection, Indonesian),
        "gpkg" => HotspotGeoPackage.Result(layer, collection, Indonesian),
        _ => TypedResults.Ok(collection),
    };

    // The Indonesian names of the properties and members of every layer. A name not listed keeps its API name (none
    // should be left: HotspotExportTests reads every layer's Indonesian CSV header for English).
    private static readonly Dictionary<string, string> IndonesianNames = new()
    {
        ["wkt"] = "wkt", ["centroid_lon"] = "bujur_pusat", ["centroid_lat"] = "lintang_pusat",
        ["q"] = "q", ["r"] = "r", ["count"] = "jumlah_laporan", ["z"] = "skor_z", ["p"] = "nilai_p", ["bin"] = "tingkat",
        ["binLabel"] = "keterangan", ["trend"] = "tren", ["previousCount"] = "jumlah_sebelumnya", ["previousZ"] = "skor_z_sebelumnya",
        ["previousP"] = "nilai_p_sebelumnya", ["previousBin"] = "tingkat_sebelumnya",
        ["id"] = "nomor", ["categories"] = "per_kategori", ["dominantCategory"] = "kategori_terbanyak", ["first"] = "laporan_pertama",
        ["last"] = "laporan_terakhir", ["kelurahan"] = "kode_kelurahan", ["kelurahanNames"] = "nama_kelurahan", ["tickets"] = "tiket",
        ["code"] = "kode", ["name"] = "nama", ["kecamatanCode"] = "kode_kecamatan", ["kecamatanName"] = "nama_kecamatan",
        ["areaKm2"] = "luas_km2", ["perKm2"] = "per_km2", ["population"] = "penduduk", ["populationYear"] = "tahun_penduduk",
        ["per1000"] = "per_1000_penduduk",
        ["cell"] = "ukuran_sel_m", ["band"] = "jarak_tetangga_m", ["fdr"] = "koreksi_fdr", ["total"] = "total_laporan",
        ["outsideCells"] = "di_luar_sel", ["emptyCells"] = "sel_kosong", ["cells"] = "jumlah_sel", ["sparse"] = "data_terlalu_jarang",
        ["filter"] = "saringan", ["from"] = "dari", ["to"] = "sampai", ["previousFrom"] = "dari_sebelumnya",
        ["previousTo"] = "sampai_sebelumnya", ["previousTotal"] = "total_sebelumnya", ["previousOutsideCells"] = "di_luar_sel_sebelumnya",
        ["eps"] = "jarak_eps_m", ["minPoints"] = "titik_minimum", ["noise"] = "laporan_lepas", ["unassigned"] = "tanpa_kelurahan",
    };

    private static readonly Dictionary<string, string> IndonesianFilterNames = new()
    {
        ["category"] = "kategori", ["status"] = "status", ["days"] = "hari_terakhir", ["from"] = "dari", ["to"] = "sampai", ["season"] = "musim",
    };

    private static readonly Dictionary<string, string> IndonesianTrends = new()
    {
        ["new"] = "baru", ["intensifying"] = "menguat", ["persistent"] = "menetap", ["diminishing"] = "melemah", ["no pattern"] = "tanpa pola",
    };

    /// <summary>The layer's name in the file's language (a GeoPackage table, a file name).</summary>
    public static string LayerName(string layer, bool indonesian) => !indonesian ? layer : layer switch
    {
        "hex" => "sel_heksagon", "trend" => "tren", "clusters" => "klaster", "weekly" => "per_minggu", _ => layer,
    };

    /// <summary>The column name of a property or member in the file's language.</summary>
    public static string ColumnName(string name, bool indonesian) => indonesian ? IndonesianNames.GetValueOrDefault(name, name) : name;

    /// <summary>The members written beside the features: the scalar ones and the filter (the features are not a parameter).</summary>
    public static IEnumerable<KeyValuePair<string, object>> Parameters(HotspotCollection collection) =>
        collection.Members.Where(m => m.Value is not IEnumerable || m.Value is string || m.Key == "filter");

    /// <summary>A value as text in the file's language: words translated, times in WIB, the filter as name=value pairs.
    /// Numbers are formatted by the caller's <paramref name="number"/> (the CSV's decimal mark).</summary>
    public static string Text(string name, object? value, bool indonesian, Func<IFormattable, string> number) => value switch
    {
        null => "",
        string text when indonesian && name == "trend" => IndonesianTrends.GetValueOrDefault(text, text),
        string text => text,
        bool flag => indonesian ? (flag ? "ya" : "tidak") : (flag ? "true" : "false"),
        DateTime utc => indonesian ? WibText(Wib.ToWib(utc)) : JsonSerializer.Serialize(value).Trim('"'),
        DateTimeOffset time => indonesian ? WibText(time) : JsonSerializer.Serialize(value).Trim('"'),
        IReadOnlyDictionary<string, string> filter when name == "filter" => FilterText(filter, indonesian),
        IDictionary<string, int> counts => string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")),
        IFormattable formattable => number(formattable),
        IEnumerable list => string.Join(", ", list.Cast<object?>().Select(v => Text(name, v, indonesian, number))),
        _ => value.ToString() ?? "",
    };

    /// <summary>A feature's property as the file holds it: the Gi* bin's words in the file's language (the API's
    /// <c>binLabel</c> is English, as API names are).</summary>
    public static object? Value(HotspotFeature feature, string name, bool indonesian) =>
        indonesian && name == "binLabel" && feature.Properties.GetValueOrDefault("bin") is int bin
            ? GetisOrd.BinLabelId(bin)
            : feature.Properties.GetValueOrDefault(name);

    private static string WibText(DateTimeOffset time) =>
        time.ToOffset(Wib.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " WIB";

    private static string FilterText(IReadOnlyDictionary<string, string> filter, bool indonesian)
    {
        if (filter.Count == 0) return indonesian ? "semua laporan" : "all complaints";
        return string.Join(", ", filter.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => indonesian
            ? $"{IndonesianFilterNames.GetValueOrDefault(f.Key, f.Key)}={IndonesianFilterValue(f.Key, f.Value)}"
            : $"{f.Key}={f.Value}"));
    }

    private static string IndonesianFilterValue(string key, string value) => key != "status" ? value
        : string.Join(",", value.Split(',').Select(s => s == "open" ? "masih terbuka"
            : ComplaintStatuses.TryParse(s, out var status) ? Lifecycle.Label[status].Id : s));
}
