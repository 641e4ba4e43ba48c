using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>
/// The planners' files and charts data over the fixture city: an Indonesian CSV read byte by byte as a spreadsheet set
/// to Indonesian reads it, a GeoPackage read back with SQLite and NTS, the layer's parameters in both, the sparse-data
/// flag and the weekly counts. Each test plants its own category, so the tests do not see each other's complaints.
/// </summary>
public sealed class HotspotExportTests(FixtureCityApp city) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();
    private static readonly NumberFormatInfo DecimalComma = new() { NumberDecimalSeparator = "," };

    // API names and English words that must not reach an Indonesian file.
    private static readonly Regex English = new(@"\b(count|cell|band|filter|total|hot|cold|spot|significant|trend|category|days|true|false|new|name|area|residents)\b",
        RegexOptions.IgnoreCase);

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task An_Indonesian_csv_has_a_bom_semicolons_decimal_commas_Indonesian_words_and_its_parameters()
    {
        await Plant.InsertAsync(city.App, Plant.Around(city.App, new Random(3), 100.055, 0.065, 250, 40)
            .Select(p => (p.Lon, p.Lat, "parkir", DateTime.UtcNow.AddDays(-2), ComplaintStatus.Received)));
        const string query = "category=parkir&cell=250&band=600&days=30";
        var geoJson = await GetJsonAsync("/api/hotspots/hex?" + query);

        var response = await _client.GetAsync($"/api/hotspots/hex?{query}&format=csv&lang=id");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = ParseCsv(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), ';');
        var header = rows[0];
        Assert.All(header, name => Assert.DoesNotMatch(English, name));
        var features = geoJson.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        Assert.Equal(features.Count, rows.Count - 1);
        Assert.All(rows, r => Assert.Equal(header.Count, r.Count));
        string Cell(List<string> row, string name) => row[header.IndexOf(name)];
        for (var i = 0; i < features.Count; i++)
        {
            var row = rows[i + 1];
            // A decimal comma, read back as the number the GeoJSON carries; counts are plain whole numbers.
            Assert.Equal(features[i].GetProperty("z").GetDouble(), double.Parse(Cell(row, "skor_z"), NumberStyles.Float, DecimalComma));
            Assert.Equal(features[i].GetProperty("count").GetInt32(), int.Parse(Cell(row, "jumlah_laporan"), CultureInfo.InvariantCulture));
            Assert.DoesNotContain('.', Cell(row, "lintang_pusat"));
            Assert.DoesNotMatch(English, Cell(row, "keterangan"));
            // The parameters the layer was computed with, on every row.
            Assert.Equal("600", Cell(row, "jarak_tetangga_m"));
            Assert.Equal("250", Cell(row, "ukuran_sel_m"));
            Assert.Equal("kategori=parkir, hari_terakhir=30", Cell(row, "saringan"));
            Assert.Equal("40", Cell(row, "total_laporan"));
            Assert.Equal("tidak", Cell(row, "koreksi_fdr"));
        }
        Assert.Contains(rows.Skip(1), r => Cell(r, "keterangan").StartsWith("Titik rawan", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("clusters?eps=200&minPoints=5")]
    [InlineData("kelurahan?")]
    [InlineData("trend?cell=500")]
    public async Task Every_layer_writes_an_Indonesian_csv_header_without_English(string layer)
    {
        await Plant.InsertAsync(city.App, Plant.Around(city.App, new Random(4), 100.03, 0.045, 150, 12)
            .Select(p => (p.Lon, p.Lat, "jalan_rusak", DateTime.UtcNow.AddDays(-1), ComplaintStatus.Received)));
        var response = await _client.GetAsync($"/api/hotspots/{layer}&days=30&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = ParseCsv((await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF'), ';');
        Assert.All(rows[0], name => Assert.DoesNotMatch(English, name));
        Assert.True(rows.Count > 1, "no rows");
        if (layer.StartsWith("trend", StringComparison.Ordinal))
            Assert.All(rows.Skip(1), r => Assert.Contains(r[rows[0].IndexOf("tren")], new[] { "baru", "menguat", "menetap", "melemah", "tanpa pola" }));
    }

    [Fact]
    public async Task A_geopackage_is_read_back_with_the_features_numbers_and_parameters_of_the_geojson()
    {
        await Plant.InsertAsync(city.App, Plant.Around(city.App, new Random(5), 100.06, 0.025, 200, 30)
            .Select(p => (p.Lon, p.Lat, "genangan_air", DateTime.UtcNow.AddDays(-3), ComplaintStatus.Received)));
        const string query = "category=genangan_air&cell=500&days=30";
        var geoJson = await GetJsonAsync("/api/hotspots/hex?" + query);

        var response = await _client.GetAsync($"/api/hotspots/hex?{query}&format=gpkg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geopackage+sqlite3", response.Content.Headers.ContentType!.MediaType);
        var path = Path.Combine(Path.GetTempPath(), $"ujar-test-{Guid.NewGuid():N}.gpkg");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            Assert.Equal(0x47504B47L, await ScalarAsync<long>(connection, "PRAGMA application_id"));
            Assert.Equal("ok", await ScalarAsync<string>(connection, "PRAGMA integrity_check"));
            Assert.Equal("features|4326", await ScalarAsync<string>(connection, "SELECT data_type || '|' || srs_id FROM gpkg_contents WHERE table_name = 'sel_heksagon'"));
            Assert.Equal("geom|MULTIPOLYGON|4326", await ScalarAsync<string>(connection,
                "SELECT column_name || '|' || geometry_type_name || '|' || srs_id FROM gpkg_geometry_columns WHERE table_name = 'sel_heksagon'"));
            Assert.Equal("500", await ScalarAsync<string>(connection, "SELECT value FROM parameters WHERE name = 'ukuran_sel_m'"));
            Assert.Equal("30", await ScalarAsync<string>(connection, "SELECT value FROM parameters WHERE name = 'total_laporan'"));
            Assert.Contains("kategori=genangan_air", await ScalarAsync<string>(connection, "SELECT description FROM gpkg_contents WHERE table_name = 'sel_heksagon'"));

            var reader = new GeoPackageGeoReader();
            var features = geoJson.GetProperty("features").EnumerateArray().ToList();
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT geom, jumlah_laporan, skor_z, keterangan FROM sel_heksagon ORDER BY fid";
            await using var rows = await select.ExecuteReaderAsync();
            var i = 0;
            while (await rows.ReadAsync())
            {
                var properties = features[i].GetProperty("properties");
                var blob = (byte[])rows[0];
                // The GeoPackage header: "GP", version, flags (bit 0: little-endian), then the srs_id.
                Assert.Equal("GP"u8.ToArray(), blob[..2]);
                var srs = blob.AsSpan(4, 4);
                Assert.Equal(4326, (blob[3] & 1) == 1 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(srs)
                    : System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(srs));
                var geometry = reader.Read(blob);
                Assert.Equal(properties.GetProperty("count").GetInt32(), rows.GetInt32(1));
                Assert.Equal(properties.GetProperty("z").GetDouble(), rows.GetDouble(2));
                Assert.DoesNotMatch(English, rows.GetString(3));
                var fromJson = new NetTopologySuite.IO.Converters.GeoJsonConverterFactory();
                var expected = JsonSerializer.Deserialize<NetTopologySuite.Geometries.Geometry>(features[i].GetProperty("geometry").GetRawText(),
                    new JsonSerializerOptions { Converters = { fromJson } })!;
                Assert.Equal(expected.Area, geometry.Area, 12);
                i++;
            }
            Assert.Equal(features.Count, i);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_layer_with_mostly_empty_cells_says_the_data_are_too_sparse()
    {
        await Plant.InsertAsync(city.App, [(100.055, 0.065, "pohon_membahayakan", DateTime.UtcNow.AddDays(-1), ComplaintStatus.Received),
            (100.03, 0.045, "pohon_membahayakan", DateTime.UtcNow.AddDays(-1), ComplaintStatus.Received)]);

        var sparse = await GetJsonAsync("/api/hotspots/hex?category=pohon_membahayakan&cell=250&days=30");
        Assert.True(sparse.GetProperty("sparse").GetBoolean());
        var cells = sparse.GetProperty("cells").GetInt32();
        Assert.Equal(sparse.GetProperty("features").GetArrayLength(), cells);
        Assert.Equal(cells - 2, sparse.GetProperty("emptyCells").GetInt32());

        // All complaints of the class's city over large cells: most cells hold some.
        await Plant.InsertAsync(city.App, Plant.Uniform(city.App, new Random(8), 200)
            .Select(p => (p.Lon, p.Lat, "sampah", DateTime.UtcNow.AddDays(-1), ComplaintStatus.Received)));
        var dense = await GetJsonAsync("/api/hotspots/hex?category=sampah&cell=1000&days=30");
        Assert.False(dense.GetProperty("sparse").GetBoolean(),
            $"{dense.GetProperty("emptyCells").GetInt32()} of {dense.GetProperty("cells").GetInt32()} cells empty");
        Assert.True(dense.GetProperty("maxBand").GetInt32() >= dense.GetProperty("band").GetDouble());
    }

    [Fact]
    public async Task Weekly_counts_give_every_week_of_the_window_per_category_and_the_wet_months()
    {
        // Monday 2025-11-03 and the Sunday ending that week (WIB), then Wednesday 2025-11-19.
        await Plant.InsertAsync(city.App, [
            (100.055, 0.065, "jalan_rusak", Plant.Utc("2025-11-03", 1), ComplaintStatus.Received),
            (100.056, 0.065, "jalan_rusak", Plant.Utc("2025-11-09", 16), ComplaintStatus.Received),
            (100.057, 0.065, "genangan_air", Plant.Utc("2025-11-19"), ComplaintStatus.Resolved)]);

        var weekly = await GetJsonAsync("/api/hotspots/weekly?from=2025-11-03&to=2025-11-23");

        Assert.Equal(["2025-11-03", "2025-11-10", "2025-11-17"], weekly.GetProperty("weeks").EnumerateArray().Select(w => w.GetString()!));
        var series = weekly.GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("category").GetString()!, s => s.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()).ToArray());
        Assert.Equal([2, 0, 0], series["jalan_rusak"]);
        Assert.Equal([0, 0, 1], series["genangan_air"]);
        Assert.Equal("jalan_rusak", weekly.GetProperty("series")[0].GetProperty("category").GetString());
        Assert.Equal(3, weekly.GetProperty("total").GetInt32());
        Assert.Equal([11, 12, 1], weekly.GetProperty("wetMonths").EnumerateArray().Select(m => m.GetInt32()));

        var open = await GetJsonAsync("/api/hotspots/weekly?from=2025-11-03&to=2025-11-23&status=open");
        Assert.Equal(2, open.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/hotspots/hex?format=gpkg&lang=fr", "lang")]
    [InlineData("/api/hotspots/kelurahan?format=xlsx", "format")]
    [InlineData("/api/hotspots/weekly?days=14", "days")]
    public async Task A_bad_export_or_window_is_a_422_naming_the_field(string url, string field)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4180 with the given separator, as a spreadsheet reads it: quotes around a cell holding the separator.</summary>
    private static List<List<string>> ParseCsv(string text, char separator)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                row.Add(cell.ToString()); cell.Clear();
                rows.Add(row); row = [];
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
