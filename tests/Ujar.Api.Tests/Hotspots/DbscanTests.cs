using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Hotspots;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>Our DBSCAN against PostGIS's ST_ClusterDBSCAN on the same coordinates, and a planted flooding cluster.</summary>
public sealed class DbscanTests
{
    [Theory]
    [InlineData(1, 50, 3)]
    [InlineData(2, 100, 5)]
    [InlineData(3, 150, 10)]
    [InlineData(4, 25, 3)]
    [InlineData(5, 300, 40)]
    public async Task Core_memberships_noise_and_cluster_count_equal_ST_ClusterDBSCAN(int seed, double eps, int minPoints)
    {
        var (x, y) = RandomWithClumps(seed, background: 3000, clumps: 12);

        var ours = Dbscan.Run(x, y, eps, minPoints);
        var postgis = await PostGisDbscanAsync(x, y, eps, minPoints);

        Assert.Equal(postgis.Core, ours.Core);
        Assert.Equal(postgis.ClusterCount, ours.ClusterCount);
        Assert.True(ours.ClusterCount > 1, "the data must make several clusters to compare anything");
        for (var i = 0; i < x.Length; i++)
            Assert.Equal(postgis.Labels[i] < 0, ours.Labels[i] < 0);
        // Core points: the same partition (a one-to-one map between our cluster numbers and PostGIS's).
        var map = new Dictionary<int, int>();
        var back = new Dictionary<int, int>();
        for (var i = 0; i < x.Length; i++)
        {
            if (!ours.Core[i]) continue;
            Assert.Equal(postgis.Labels[i], map.TryAdd(ours.Labels[i], postgis.Labels[i]) ? postgis.Labels[i] : map[ours.Labels[i]]);
            Assert.Equal(ours.Labels[i], back.TryAdd(postgis.Labels[i], ours.Labels[i]) ? ours.Labels[i] : back[postgis.Labels[i]]);
        }
        // Border points may join another of the clusters that reach them than PostGIS chose, but one that reaches them.
        for (var i = 0; i < x.Length; i++)
        {
            if (ours.Core[i] || ours.Labels[i] < 0) continue;
            var reachedBy = Enumerable.Range(0, x.Length)
                .Where(j => ours.Core[j] && (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]) <= eps * eps)
                .Select(j => ours.Labels[j]).ToHashSet();
            Assert.Contains(ours.Labels[i], reachedBy);
        }
    }

    [Fact]
    public void Points_exactly_eps_apart_reach_each_other_as_in_ST_DWithin()
    {
        double[] x = [0, 100, 200, 1000];
        double[] y = [0, 0, 0, 0];
        var result = Dbscan.Run(x, y, eps: 100, minPoints: 3);
        Assert.Equal([false, true, false, false], result.Core);
        Assert.Equal([0, 0, 0, -1], result.Labels);
        Assert.Equal(1, result.ClusterCount);
    }

    [SkippableFact]
    public async Task A_planted_flooding_cluster_over_a_uniform_background_is_one_cluster()
    {
        var shared = TestPaths.RequireSharedGisData();
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadOfficialAsync(connectionString, shared);
        await using var app = new UjarApp(connectionString);
        await app.ReloadRoutingAsync();
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        var points = app.Services.GetRequiredService<ComplaintPoints>();

        var random = new Random(2026);
        var now = DateTime.UtcNow;
        string[] categories = ["sampah", "jalan_rusak", "genangan_air", "penerangan_jalan", "parkir"];
        var envelope = new NetTopologySuite.Geometries.Envelope();
        foreach (var k in router.Kelurahan) envelope.ExpandToInclude(k.Geometry.EnvelopeInternal);
        var background = new List<HotspotTestData.Planned>();
        while (background.Count < 2000)
        {
            var lon = envelope.MinX + random.NextDouble() * envelope.Width;
            var lat = envelope.MinY + random.NextDouble() * envelope.Height;
            if (router.Route(lon, lat, null) is { Area.Snapped: false })
                background.Add(new(lon, lat, categories[random.Next(categories.Length)], ComplaintStatus.Received, now.AddDays(-random.Next(60))));
        }
        // 60 complaints of standing water within 150 m (a disc of 75 m radius) in Kampung Bugis.
        var (cx, cy) = MetricProjection.Project(104.4722, 0.9574);
        var planted = Enumerable.Range(0, 60).Select(_ =>
        {
            var r = 75 * Math.Sqrt(random.NextDouble());
            var a = random.NextDouble() * 2 * Math.PI;
            var (lon, lat) = ToLonLat(cx + r * Math.Cos(a), cy + r * Math.Sin(a));
            return new HotspotTestData.Planned(lon, lat, "genangan_air", ComplaintStatus.Received, now.AddDays(-random.Next(30)));
        }).ToList();
        var inserted = await HotspotTestData.InsertAsync(app, background.Concat(planted));
        var plantedIds = inserted.Skip(background.Count).Select(c => c.Id).ToHashSet();
        Assert.Equal(60, plantedIds.Count);
        Assert.All(inserted.Skip(background.Count), c => Assert.Equal("21.72.03.1005", c.KelurahanCode));

        await points.WhenLoaded;
        await HotspotTestData.WaitUntilAsync(() => points.Current.Count == 2060);
        var (filter, _) = HotspotFilter.Parse("genangan_air", null, null, null, null, null, now);
        var selection = points.Current.Select(filter!);
        var clusters = DensityClusters.Compute(selection, Dbscan.Run(selection.X, selection.Y, eps: 100, minPoints: 5), router);

        var holding = clusters.MemberIds.Where(m => m.Any(plantedIds.Contains)).ToList();
        var cluster = Assert.Single(holding);
        Assert.Superset(plantedIds, cluster.ToHashSet());
        Assert.InRange(cluster.Length, 60, 70);
        var feature = clusters.Features[clusters.MemberIds.ToList().IndexOf(cluster)];
        Assert.Equal("genangan_air", feature.Properties["dominantCategory"]);
        Assert.Equal(cluster.Length, feature.Properties["count"]);
        Assert.Equal(cluster.Length, ((Dictionary<string, int>)feature.Properties["categories"]!)["genangan_air"]);
        Assert.Equal(["21.72.03.1005"], (List<string>)feature.Properties["kelurahan"]!);
        Assert.Equal(["Kampung Bugis"], (List<string>)feature.Properties["kelurahanNames"]!);
        // Its outline is in lon/lat around the planted place, covering every member.
        Assert.All(inserted.Where(c => cluster.Contains(c.Id)), c => Assert.True(feature.Geometry.Covers(c.Location)));
    }

    private static (double Lon, double Lat) ToLonLat(double x, double y)
    {
        var transform = new ProjNet.CoordinateSystems.Transformations.CoordinateTransformationFactory().CreateFromCoordinateSystems(
            ProjNet.CoordinateSystems.ProjectedCoordinateSystem.WGS84_UTM(48, true), ProjNet.CoordinateSystems.GeographicCoordinateSystem.WGS84);
        return transform.MathTransform.Transform(x, y);
    }

    /// <summary>Uniform points over 6 × 6 km plus Gaussian clumps of 20–80 points (σ 30–150 m), in UTM-like metres.</summary>
    private static (double[] X, double[] Y) RandomWithClumps(int seed, int background, int clumps)
    {
        var random = new Random(seed);
        var x = new List<double>();
        var y = new List<double>();
        for (var i = 0; i < background; i++)
        {
            x.Add(400_000 + random.NextDouble() * 6000);
            y.Add(100_000 + random.NextDouble() * 6000);
        }
        for (var c = 0; c < clumps; c++)
        {
            var (mx, my) = (400_000 + random.NextDouble() * 6000, 100_000 + random.NextDouble() * 6000);
            var sigma = 30 + random.NextDouble() * 120;
            var size = random.Next(20, 81);
            for (var i = 0; i < size; i++)
            {
                x.Add(mx + Gaussian(random) * sigma);
                y.Add(my + Gaussian(random) * sigma);
            }
        }
        return (x.ToArray(), y.ToArray());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>ST_ClusterDBSCAN over the same coordinates, and core points counted with ST_DWithin (itself included).</summary>
    private static async Task<(int[] Labels, bool[] Core, int ClusterCount)> PostGisDbscanAsync(double[] x, double[] y, double eps, int minPoints)
    {
        await using var connection = new NpgsqlConnection(await SharedDatabase.Value);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH pts AS (
                SELECT i - 1 AS i, ST_SetSRID(ST_MakePoint(px, py), 32648) AS g
                FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(px, py, i))
            SELECT p.i,
                   coalesce(ST_ClusterDBSCAN(p.g, $3, $4) OVER (), -1),
                   (SELECT count(*) FROM pts q WHERE ST_DWithin(p.g, q.g, $3)) >= $4
            FROM pts p
            ORDER BY p.i
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = x });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = y });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = eps });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = minPoints });
        var labels = new int[x.Length];
        var core = new bool[x.Length];
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var i = (int)reader.GetInt64(0);
            labels[i] = reader.GetInt32(1);
            core[i] = reader.GetBoolean(2);
        }
        return (labels, core, labels.Where(l => l >= 0).Distinct().Count());
    }

    private static readonly Lazy<Task<string>> SharedDatabase = new(TestPostGis.NewDatabaseAsync);
}

/// <summary><c>GET /api/hotspots/clusters</c> through the real pipeline, over the demo city.</summary>
public sealed class DensityClustersApiTests(DemoCityApp city) : IClassFixture<DemoCityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task Clusters_are_DBSCAN_of_the_filtered_complaints_with_their_numbers_and_tickets()
    {
        var response = await _client.GetAsync("/api/hotspots/clusters?eps=150&minPoints=4&category=genangan_air&members=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(150, body.GetProperty("eps").GetDouble());
        Assert.Equal(4, body.GetProperty("minPoints").GetInt32());
        Assert.Equal("genangan_air", body.GetProperty("filter").GetProperty("category").GetString());

        var (filter, _) = HotspotFilter.Parse("genangan_air", null, null, null, null, null, DateTime.UtcNow);
        var selection = city.Points.Current.Select(filter!);
        var expected = Dbscan.Run(selection.X, selection.Y, 150, 4);
        var features = body.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(selection.Count, body.GetProperty("total").GetInt32());
        Assert.Equal(expected.ClusterCount, features.Count);
        Assert.True(features.Count >= 2, "demo flooding gathers where water collects");
        Assert.Equal(expected.Labels.Count(l => l < 0), body.GetProperty("noise").GetInt32());
        Assert.Equal(selection.Count, features.Sum(f => f.GetProperty("properties").GetProperty("count").GetInt32()) + body.GetProperty("noise").GetInt32());

        await using var db = city.App.NewDb();
        var flooding = (await db.Complaints.Where(c => c.CategoryCode == "genangan_air").Select(c => c.Ticket).ToListAsync()).ToHashSet();
        var seen = new HashSet<string>();
        var previousCount = int.MaxValue;
        foreach (var feature in features)
        {
            var p = feature.GetProperty("properties");
            var count = p.GetProperty("count").GetInt32();
            Assert.True(count <= previousCount, "largest first");
            previousCount = count;
            Assert.Equal("Polygon", feature.GetProperty("geometry").GetProperty("type").GetString());
            Assert.Equal(count, p.GetProperty("categories").GetProperty("genangan_air").GetInt32());
            Assert.Equal("genangan_air", p.GetProperty("dominantCategory").GetString());
            Assert.EndsWith("+07:00", p.GetProperty("first").GetString());
            Assert.True(p.GetProperty("first").GetDateTimeOffset() <= p.GetProperty("last").GetDateTimeOffset());
            Assert.NotEmpty(p.GetProperty("kelurahan").EnumerateArray());
            Assert.Equal(p.GetProperty("kelurahan").GetArrayLength(), p.GetProperty("kelurahanNames").GetArrayLength());
            var tickets = p.GetProperty("tickets").EnumerateArray().Select(t => t.GetString()!).ToList();
            Assert.Equal(count, tickets.Count);
            Assert.All(tickets, t => Assert.Contains(t, flooding));
            Assert.All(tickets, t => Assert.True(seen.Add(t), $"{t} is in two clusters"));
        }
    }

    [Fact]
    public async Task Csv_carries_the_same_clusters_and_numbers_as_GeoJSON()
    {
        var geoJson = await (await _client.GetAsync("/api/hotspots/clusters?eps=200&minPoints=5")).ReadJsonAsync();
        var csv = await _client.GetAsync("/api/hotspots/clusters?eps=200&minPoints=5&format=csv&lang=en");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, await csv.Content.ReadAsStringAsync());
            var rows = Api.Setup.Csv.ReadFile(file);
            var features = geoJson.GetProperty("features").EnumerateArray().ToList();
            Assert.NotEmpty(features);
            Assert.Equal(features.Count, rows.Count);
            for (var i = 0; i < features.Count; i++)
            {
                var p = features[i].GetProperty("properties");
                Assert.Equal(p.GetProperty("id").GetRawText(), rows[i]["id"]);
                Assert.Equal(p.GetProperty("count").GetRawText(), rows[i]["count"]);
                Assert.Equal(p.GetProperty("dominantCategory").GetString(), rows[i]["dominantCategory"]);
                Assert.StartsWith("POLYGON", rows[i]["wkt"]);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("eps=10", "eps")]
    [InlineData("eps=501", "eps")]
    [InlineData("eps=abc", "eps")]
    [InlineData("minPoints=2", "minPoints")]
    [InlineData("minPoints=51", "minPoints")]
    [InlineData("minPoints=4.5", "minPoints")]
    [InlineData("members=maybe", "members")]
    [InlineData("format=shp", "format")]
    [InlineData("status=lost", "status")]
    [InlineData("category=bogus", "category")]
    public async Task Bad_parameters_are_refused_with_the_field_named(string query, string field)
    {
        var response = await _client.GetAsync("/api/hotspots/clusters?" + query);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"the problem names '{field}'");
    }
}
