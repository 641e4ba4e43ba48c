using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Ujar.Api.Complaints;
using Ujar.Api.Hotspots;
using Ujar.Api.Live;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>Complaints put straight into a running app's database the way intake does it (row + complaint_filed event in
/// one transaction), then waited for until the in-memory points hold them.</summary>
internal static class Plant
{
    private static int _tickets;

    public static async Task InsertAsync(UjarApp app, IEnumerable<(double Lon, double Lat, string Category, DateTime CreatedAt, ComplaintStatus Status)> rows)
    {
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        var points = app.Services.GetRequiredService<ComplaintPoints>();
        await points.WhenLoaded;
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var complaints = rows.Select(r =>
        {
            var decision = router.Route(r.Lon, r.Lat, r.Category) ?? throw new InvalidOperationException($"({r.Lon}, {r.Lat}) is outside the city");
            var complaint = Complaint.Routed(decision, factory.CreatePoint(new Coordinate(r.Lon, r.Lat)), "Air menggenang setelah hujan");
            complaint.CreatedAt = r.CreatedAt;
            complaint.Status = r.Status;
            complaint.Ticket = $"UJR-2099-{Interlocked.Increment(ref _tickets):D6}";
            return complaint;
        }).ToList();
        var expected = points.Current.Count + complaints.Count;

        await using var db = app.NewDb();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.Complaints.AddRange(complaints);
        await db.SaveChangesAsync();
        await LiveEvents.AppendAsync(db, complaints.Select(c => LiveEvents.Of(LiveEventType.ComplaintFiled, c, c.CreatedAt)).ToList(), default);
        await tx.CommitAsync();

        // The follower polls the log; wait for it (generously: this is not a timing assertion).
        for (var i = 0; i < 300 && points.Current.Count < expected; i++) await Task.Delay(100);
        Assert.Equal(expected, points.Current.Count);
    }

    /// <summary>Uniform points over the active city (rejection sampling in its lon/lat envelope).</summary>
    public static List<(double Lon, double Lat)> Uniform(UjarApp app, Random random, int count)
    {
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        var envelope = new Envelope();
        foreach (var k in router.Kelurahan) envelope.ExpandToInclude(k.Geometry.EnvelopeInternal);
        var result = new List<(double, double)>();
        while (result.Count < count)
        {
            var lon = envelope.MinX + random.NextDouble() * envelope.Width;
            var lat = envelope.MinY + random.NextDouble() * envelope.Height;
            if (router.Route(lon, lat, null) is { Area.Snapped: false }) result.Add((lon, lat));
        }
        return result;
    }

    /// <summary>Uniform points within <paramref name="radiusMetres"/> of a place, kept only where they route without snapping.</summary>
    public static List<(double Lon, double Lat)> Around(UjarApp app, Random random, double lon, double lat, double radiusMetres, int count)
    {
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        var metresPerDegree = 111_320.0;
        var result = new List<(double, double)>();
        while (result.Count < count)
        {
            var distance = radiusMetres * Math.Sqrt(random.NextDouble());
            var angle = random.NextDouble() * 2 * Math.PI;
            var pLon = lon + distance * Math.Cos(angle) / (metresPerDegree * Math.Cos(lat * Math.PI / 180));
            var pLat = lat + distance * Math.Sin(angle) / metresPerDegree;
            if (router.Route(pLon, pLat, null) is { Area.Snapped: false }) result.Add((pLon, pLat));
        }
        return result;
    }

    public static DateTime Utc(string date, int hour = 10) =>
        DateTime.SpecifyKind(DateTime.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddHours(hour), DateTimeKind.Utc);
}

/// <summary>The grid itself over the fixture city (lake hole, island, gap notch, overlapping kelurahan).</summary>
public class HexGridTests
{
    private static HexGrid FixtureGrid(int cell) =>
        HexGrid.Build(1, cell, TestBoundaries.Read(Path.Combine(TestPaths.FixtureCity, "kelurahan.geojson")).Select(f => f.Geometry));

    [Theory]
    [InlineData(100)]
    [InlineData(250)]
    [InlineData(1000)]
    public void Cells_tile_the_city_without_overlaps_or_holes(int cell)
    {
        var grid = FixtureGrid(cell);

        var union = NetTopologySuite.Operation.Union.UnaryUnionOp.Union(grid.Cells.Select(c => c.Clipped).ToList());
        Assert.True(union.SymmetricDifference(grid.City).Area < 1, $"union of cells differs from the city by {union.SymmetricDifference(grid.City).Area} m²");
        Assert.Equal(grid.City.Area, grid.Cells.Sum(c => c.Clipped.Area), 0);

        var index = new STRtree<int>();
        for (var i = 0; i < grid.Cells.Count; i++) index.Insert(grid.Cells[i].Clipped.EnvelopeInternal, i);
        var touching = 0;
        for (var i = 0; i < grid.Cells.Count; i++)
            foreach (var j in index.Query(grid.Cells[i].Clipped.EnvelopeInternal).Where(j => j > i))
            {
                touching++;
                Assert.Equal(0, grid.Cells[i].Clipped.Intersection(grid.Cells[j].Clipped).Area, 6);
            }
        Assert.True(touching > grid.Cells.Count, "neighbouring cells were compared");
        // Full hexagons have the stated size: cell = centre-to-centre = flat-to-flat, area (√3 / 2) · cell².
        Assert.Contains(grid.Cells, c => Math.Abs(c.Clipped.Area - Math.Sqrt(3) / 2 * cell * cell) < 1e-3);
    }

    [Fact]
    public void A_point_belongs_to_the_cell_that_covers_it_and_city_points_are_never_outside()
    {
        var grid = FixtureGrid(250);
        var random = new Random(7);
        var factory = new GeometryFactory(new PrecisionModel(), MetricProjection.Srid);
        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(grid.City);
        var envelope = grid.City.EnvelopeInternal;
        var inCity = 0;
        for (var n = 0; n < 5000; n++)
        {
            var point = factory.CreatePoint(new Coordinate(envelope.MinX + random.NextDouble() * envelope.Width, envelope.MinY + random.NextDouble() * envelope.Height));
            var cell = grid.CellOf(point.X, point.Y);
            if (!prepared.Covers(point)) continue;
            inCity++;
            Assert.True(cell >= 0, $"({point.X}, {point.Y}) is in the city but in no cell");
            Assert.True(grid.Cells[cell].Clipped.Distance(point) < 1e-6, $"({point.X}, {point.Y}) put in a cell that does not cover it");
        }
        Assert.True(inCity > 1000);

        var (counts, outside) = grid.Count([envelope.MinX - 5000, grid.Cells[3].X, grid.Cells[3].X + 1], [envelope.MinY, grid.Cells[3].Y, grid.Cells[3].Y]);
        Assert.Equal((2, 1), (counts[3], outside));
        Assert.Equal(2, counts.Sum());
    }

    [Fact]
    public void Neighbours_are_the_cells_whose_centres_lie_within_the_band()
    {
        var grid = FixtureGrid(250);

        var band = grid.Neighbours(600)!;

        for (var i = 0; i < grid.Cells.Count; i++)
        {
            var expected = Enumerable.Range(0, grid.Cells.Count)
                .Where(j => j != i && Math.Sqrt(Math.Pow(grid.Cells[i].X - grid.Cells[j].X, 2) + Math.Pow(grid.Cells[i].Y - grid.Cells[j].Y, 2)) <= 600)
                .ToHashSet();
            Assert.Equal(expected, band.Neighbours[band.Start[i]..band.Start[i + 1]].ToHashSet());
        }
        // Exactly one ring of six at 250 m; the second ring starts at 250 · √3 = 433 m.
        Assert.Equal(6, grid.Neighbours(250)!.Start.Zip(grid.Neighbours(250)!.Start.Skip(1), (a, b) => b - a).Max());
        Assert.Equal(18, grid.Neighbours(500)!.Start.Zip(grid.Neighbours(500)!.Start.Skip(1), (a, b) => b - a).Max());
    }

    [Fact]
    public void Default_band_is_the_smallest_at_which_every_cell_has_a_neighbour()
    {
        var grid = FixtureGrid(250);

        var atDefault = grid.Neighbours(grid.DefaultBand)!;
        var justBelow = grid.Neighbours(grid.DefaultBand - 1)!;

        Assert.All(Enumerable.Range(0, grid.Cells.Count), i => Assert.True(atDefault.Start[i + 1] > atDefault.Start[i]));
        Assert.Contains(Enumerable.Range(0, grid.Cells.Count), i => justBelow.Start[i + 1] == justBelow.Start[i]);
    }
}

/// <summary>The hex and trend endpoints over the fixture city with complaints of known places, categories, times and statuses.</summary>
public class HexApiTests : IClassFixture<FixtureCityApp>
{
    private readonly FixtureCityApp _city;
    private readonly HttpClient _client;

    public HexApiTests(FixtureCityApp city)
    {
        _city = city;
        _client = city.App.CreateClient();
    }

    private async Task<JsonElement> Hex(string query)
    {
        var response = await _client.GetAsync("/api/hotspots/hex?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static int Sum(JsonElement collection) => collection.GetProperty("features").EnumerateArray().Sum(f => f.GetProperty("properties").GetProperty("count").GetInt32());

    [Fact]
    public async Task Counts_sum_to_the_filtered_complaints_and_filters_change_them()
    {
        var random = new Random(11);
        var places = Plant.Uniform(_city.App, random, 300);
        // Tengah holds 100 more: flooding on 2026-03-10, half of them resolved.
        var tengah = Plant.Around(_city.App, random, 100.055, 0.065, 300, 100);
        await Plant.InsertAsync(_city.App,
            places.Select((p, i) => (p.Lon, p.Lat, i % 2 == 0 ? "sampah" : "jalan_rusak", Plant.Utc("2026-02-01").AddHours(i), ComplaintStatus.Received))
                .Concat(tengah.Select((p, i) => (p.Lon, p.Lat, "genangan_air", Plant.Utc("2026-03-10"), i % 2 == 0 ? ComplaintStatus.Resolved : ComplaintStatus.Received))));

        var all = await Hex("from=2026-01-01&to=2026-03-31");
        var flooding = await Hex("category=genangan_air&from=2026-01-01&to=2026-03-31");
        var open = await Hex("category=genangan_air&status=open&from=2026-01-01&to=2026-03-31");
        var february = await Hex("from=2026-02-01&to=2026-02-28");
        var twoCategories = await Hex("category=sampah,jalan_rusak&from=2026-01-01&to=2026-03-31");

        Assert.Equal(400, all.GetProperty("total").GetInt32());
        Assert.Equal(400, Sum(all) + all.GetProperty("outsideCells").GetInt32());
        Assert.Equal(0, all.GetProperty("outsideCells").GetInt32());
        Assert.Equal(100, Sum(flooding));
        Assert.Equal(50, Sum(open));
        Assert.Equal(300, Sum(february));
        Assert.Equal(300, Sum(twoCategories));
        Assert.Equal("genangan_air", flooding.GetProperty("filter").GetProperty("category").GetString());
        Assert.Equal(250, all.GetProperty("cell").GetDouble());
        Assert.Equal(all.GetProperty("features").GetArrayLength(), flooding.GetProperty("features").GetArrayLength());
        // The flooding cells in Tengah are hot; zeros elsewhere are cells too.
        Assert.Contains(flooding.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("bin").GetInt32() == 3);
        Assert.Contains(flooding.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("count").GetInt32() == 0);

        // A complaint filed through the API is in the next answer (the cache is keyed by the points' version).
        var points = _city.App.Services.GetRequiredService<ComplaintPoints>();
        var before = points.Current.Count;
        var filed = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "genangan_air", "Banjir di depan rumah"));
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        for (var i = 0; i < 300 && points.Current.Count <= before; i++) await Task.Delay(100);
        Assert.Equal(101, Sum(await Hex("category=genangan_air")));
    }

    [Fact]
    public async Task Csv_carries_the_same_numbers_as_GeoJSON()
    {
        var random = new Random(5);
        await Plant.InsertAsync(_city.App, Plant.Uniform(_city.App, random, 50)
            .Select(p => (p.Lon, p.Lat, "parkir", Plant.Utc("2025-06-01"), ComplaintStatus.Received)));

        var geoJson = await Hex("category=parkir&cell=500&band=1200&fdr=true");
        var csv = await _client.GetAsync("/api/hotspots/hex?category=parkir&cell=500&band=1200&fdr=true&format=csv&lang=en");

        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // The properties, then the parameters the layer was computed with (the same on every row).
        Assert.Equal("wkt,centroid_lon,centroid_lat,q,r,count,z,p,bin,binLabel,cell,band,maxBand,fdr,total,outsideCells,cells,emptyCells,sparse,filter", lines[0]);
        var features = geoJson.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(features.Count, lines.Length - 1);
        Assert.Equal(1200, geoJson.GetProperty("band").GetDouble());
        Assert.True(geoJson.GetProperty("fdr").GetBoolean());
        Assert.Equal(50, features.Sum(f => f.GetProperty("properties").GetProperty("count").GetInt32()));
        for (var i = 0; i < features.Count; i++)
        {
            // The WKT is quoted (it holds commas): the numbers are the seven columns before the ten parameters.
            var cells = lines[i + 1].Split(',');
            Assert.Equal(["500", "1200"], cells[^10..^8]);
            Assert.Equal("category=parkir", cells[^1]);
            var numbers = cells[^17..^10];
            var p = features[i].GetProperty("properties");
            Assert.Equal(new[] { p.GetProperty("q").GetRawText(), p.GetProperty("r").GetRawText(), p.GetProperty("count").GetRawText(),
                p.GetProperty("z").GetRawText(), p.GetProperty("p").GetRawText(), p.GetProperty("bin").GetRawText(), p.GetProperty("binLabel").GetString()! }, numbers);
        }
    }

    [Theory]
    [InlineData("cell=99", "cell")]
    [InlineData("cell=1001", "cell")]
    [InlineData("cell=abc", "cell")]
    [InlineData("band=0", "band")]
    [InlineData("band=10001", "band")]
    [InlineData("band=-5", "band")]
    [InlineData("fdr=maybe", "fdr")]
    [InlineData("format=xlsx", "format")]
    [InlineData("days=14", "days")]
    [InlineData("category=bogus", "category")]
    [InlineData("cell=100&band=10000", "band")]
    public async Task Bad_parameters_are_refused_with_the_field_named(string query, string field)
    {
        var response = await _client.GetAsync("/api/hotspots/hex?" + query);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var error), $"no error for {field}");
        Assert.True(error.TryGetProperty("en", out _) && error.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Trend_needs_a_window_with_a_start()
    {
        var response = await _client.GetAsync("/api/hotspots/trend");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("days", out _));
    }
}

/// <summary>The service over the official Tanjungpinang boundaries with a uniform background of 2,000 complaints in
/// January 2026 (four categories) and 60 flooding complaints within 150 m of one spot in Kampung Bugis on 2026-02-10.</summary>
public sealed class PlantedClusterCity : IAsyncLifetime
{
    public const double SpotLon = 104.4725, SpotLat = 0.9570;

    public UjarApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Without the official data the tests skip (or fail under CI) through TestPaths.RequireSharedGisData.
        if (TestPaths.SharedGisData is not { } shared) return;
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadOfficialAsync(connectionString, shared);
        App = new UjarApp(connectionString);
        _ = App.Server;
        var random = new Random(2026);
        string[] categories = ["jalan_rusak", "sampah", "genangan_air", "penerangan_jalan"];
        var background = Plant.Uniform(App, random, 2000)
            .Select((p, i) => (p.Lon, p.Lat, categories[i % 4], Plant.Utc("2026-01-05").AddMinutes(i * 14), ComplaintStatus.Received));
        var planted = Plant.Around(App, random, SpotLon, SpotLat, 150, 60)
            .Select(p => (p.Lon, p.Lat, "genangan_air", Plant.Utc("2026-02-10"), ComplaintStatus.Received));
        await Plant.InsertAsync(App, background.Concat(planted));
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

public class PlantedClusterTests(PlantedClusterCity city) : IClassFixture<PlantedClusterCity>
{
    private async Task<JsonElement> Get(string url)
    {
        var response = await city.App.CreateClient().GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };

    /// <summary>The feature whose clipped hexagon covers the planted spot, and each feature's distance from the spot
    /// (its centroid's, in metres).</summary>
    private static (JsonElement Spot, List<(JsonElement Feature, double Metres)> All) Locate(JsonElement collection)
    {
        var spot = new Point(PlantedClusterCity.SpotLon, PlantedClusterCity.SpotLat);
        var (x, y) = MetricProjection.Project(spot.X, spot.Y);
        var all = collection.GetProperty("features").EnumerateArray().Select(f =>
        {
            var geometry = JsonSerializer.Deserialize<Geometry>(f.GetProperty("geometry").GetRawText(), GeoJson)!;
            var (cx, cy) = MetricProjection.Project(geometry.Centroid.X, geometry.Centroid.Y);
            return (Feature: f, Geometry: geometry, Metres: Math.Sqrt((cx - x) * (cx - x) + (cy - y) * (cy - y)));
        }).ToList();
        return (all.Single(f => f.Geometry.Covers(spot)).Feature, all.Select(f => (f.Feature, f.Metres)).ToList());
    }

    private static int Bin(JsonElement feature) => feature.GetProperty("properties").GetProperty("bin").GetInt32();

    [SkippableFact]
    public async Task The_planted_flooding_cluster_is_a_99_percent_hot_spot_where_it_was_planted()
    {
        TestPaths.RequireSharedGisData();
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        Assert.Equal("Kampung Bugis", router.Route(PlantedClusterCity.SpotLon, PlantedClusterCity.SpotLat, null)!.Area.Kelurahan.Name);

        var everything = await Get("/api/hotspots/hex?from=2026-01-01&to=2026-02-28&fdr=true");
        var flooding = await Get("/api/hotspots/hex?category=genangan_air&from=2026-01-01&to=2026-02-28&fdr=true");
        var rubbish = await Get("/api/hotspots/hex?category=sampah&from=2026-01-01&to=2026-02-28&fdr=true");

        Assert.Equal(2060, everything.GetProperty("total").GetInt32());
        Assert.Equal(250, everything.GetProperty("cell").GetDouble());
        Assert.True(everything.GetProperty("band").GetDouble() >= 250);
        foreach (var layer in new[] { everything, flooding })
        {
            var (spot, all) = Locate(layer);
            Assert.Equal(3, Bin(spot));
            Assert.Equal("Hot spot 99 %", spot.GetProperty("properties").GetProperty("binLabel").GetString());
            // Every 99 % cell is at the planted place: within the spot's radius, one band and one cell of it.
            var reach = 150 + layer.GetProperty("band").GetDouble() + 250;
            Assert.All(all.Where(f => Bin(f.Feature) == 3), f => Assert.True(f.Metres <= reach, $"a 99 % cell {f.Metres:F0} m away"));
        }
        Assert.Equal(0, Bin(Locate(rubbish).Spot));
    }

    [SkippableFact]
    public async Task A_uniform_background_alone_has_no_significant_cell_after_FDR()
    {
        TestPaths.RequireSharedGisData();

        var january = await Get("/api/hotspots/hex?from=2026-01-01&to=2026-01-31&fdr=true");

        Assert.Equal(2000, january.GetProperty("total").GetInt32());
        Assert.All(january.GetProperty("features").EnumerateArray(), f => Assert.Equal(0, Bin(f)));
    }

    [SkippableFact]
    public async Task The_planted_cluster_is_a_new_hot_spot_against_the_month_before()
    {
        TestPaths.RequireSharedGisData();

        var trend = await Get("/api/hotspots/trend?category=genangan_air&from=2026-02-01&to=2026-02-28&fdr=true");

        var (spot, all) = Locate(trend);
        Assert.Equal("new", spot.GetProperty("properties").GetProperty("trend").GetString());
        Assert.Equal(0, spot.GetProperty("properties").GetProperty("previousBin").GetInt32());
        Assert.Equal(60, trend.GetProperty("total").GetInt32());
        Assert.Equal(500, trend.GetProperty("previousTotal").GetInt32());
        // February holds only the planted complaints, so every cell hot now is at the planted place.
        var reach = 150 + trend.GetProperty("band").GetDouble() + 250;
        Assert.All(all.Where(f => f.Feature.GetProperty("properties").GetProperty("trend").GetString() is "new" or "persistent" or "intensifying"),
            f => Assert.True(f.Metres <= reach, $"a cell hot now {f.Metres:F0} m away"));
    }
}
