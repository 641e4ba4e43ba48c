using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Routing;

/// <summary>The service over the official boundaries (read from the shared folder by path).</summary>
public sealed class OfficialCityApp : IAsyncLifetime
{
    public UjarApp? App { get; private set; }
    public int GenerationId { get; private set; }

    public async Task InitializeAsync()
    {
        if (TestPaths.SharedGisData is not { } shared) return; // each test reports the skip (or, under CI, the failure)
        var connectionString = await TestPostGis.NewDatabaseAsync();
        GenerationId = await TestBoundaries.LoadOfficialAsync(connectionString, shared);
        App = new UjarApp(connectionString);
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

public sealed class OfficialBoundaryAgreementTests(OfficialCityApp fixture) : IClassFixture<OfficialCityApp>
{
    private UjarApp App()
    {
        TestPaths.RequireSharedGisData();
        return fixture.App!;
    }

    [SkippableFact]
    public async Task In_memory_router_agrees_with_PostGIS_on_10000_random_points()
    {
        var app = App();
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        var random = new Random(20261128);
        var kelurahan = router.Kelurahan;
        var envelope = new NetTopologySuite.Geometries.Envelope();
        foreach (var k in kelurahan) envelope.ExpandToInclude(k.Geometry.EnvelopeInternal);
        envelope.ExpandBy(0.005);

        // Half uniform over the city's bounding box, half within ~40 m of a boundary vertex, where rules are tested.
        var points = new List<(double Lon, double Lat)>();
        for (var i = 0; i < 5000; i++)
            points.Add((envelope.MinX + random.NextDouble() * envelope.Width, envelope.MinY + random.NextDouble() * envelope.Height));
        var vertices = kelurahan.SelectMany(k => k.Geometry.Coordinates).ToArray();
        for (var i = 0; i < 5000; i++)
        {
            var v = vertices[random.Next(vertices.Length)];
            points.Add((v.X + (random.NextDouble() - 0.5) * 0.0007, v.Y + (random.NextDouble() - 0.5) * 0.0007));
        }

        var postgis = await RouteWithPostGisAsync(app.ConnectionString, fixture.GenerationId, points);

        int covered = 0, snapped = 0, refused = 0;
        var disagreements = new List<string>();
        for (var i = 0; i < points.Count; i++)
        {
            var (lon, lat) = points[i];
            var mine = router.Route(lon, lat, null);
            var theirs = postgis[i];
            if (theirs.Covering is not null) covered++;
            else if (theirs.Nearest is not null) snapped++;
            else refused++;

            // A distance within a centimetre of the 200 m limit may fall either way in two projection libraries.
            if (theirs.Covering is null && Math.Abs(theirs.NearestMeters - RoutingIndex.SnapMeters) < 0.01) continue;
            var expectedCode = theirs.Covering ?? theirs.Nearest;
            var ok = mine?.Area.Kelurahan.Code == expectedCode
                     && (theirs.Covering is not null
                         ? mine!.Area.Snapped == false
                         : expectedCode is null || (mine!.Area.Snapped && Math.Abs(mine.Area.DistanceMeters - theirs.NearestMeters) < 0.05));
            if (!ok)
                disagreements.Add(string.Create(CultureInfo.InvariantCulture,
                    $"({lon:F7},{lat:F7}): router {mine?.Area.Kelurahan.Code ?? "refused"} {mine?.Area.DistanceMeters:F2}m, PostGIS {expectedCode ?? "refused"} {theirs.NearestMeters:F2}m"));
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {points.Count} disagree:\n" + string.Join("\n", disagreements.Take(20)));
        // The sample must exercise all three rules, or the agreement says little.
        Assert.True(covered > 3000, $"covered {covered}");
        Assert.True(snapped > 300, $"snapped {snapped}");
        Assert.True(refused > 300, $"refused {refused}");
    }

    [SkippableFact]
    public async Task Every_kelurahan_centroid_from_the_facts_table_routes_to_itself()
    {
        var app = App();
        var client = app.CreateClient();
        var rows = Csv.ReadFile(Path.Combine(TestPaths.SharedGisData!, "kelurahan.csv"));
        Assert.Equal(18, rows.Count);
        foreach (var row in rows)
        {
            var route = await (await client.GetAsync($"/api/route?lat={row["centroid_lat"]}&lon={row["centroid_lon"]}")).ReadJsonAsync();
            Assert.Equal(row["code"], route.GetProperty("kelurahan").GetProperty("code").GetString());
            Assert.Equal(row["kecamatan_code"], route.GetProperty("kecamatan").GetProperty("code").GetString());
        }
    }

    [SkippableFact]
    public async Task Points_in_Kabupaten_Bintan_more_than_200_m_from_the_city_are_refused()
    {
        var app = App();
        var bintan = File.ReadAllText(Path.Combine(TestPaths.SharedGisData!, "kabupaten_bintan.geojson"));
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        // The published Bintan layer is invalid (a dissolve): repair it before sampling inside it.
        await using var command = new NpgsqlCommand(
            """
            WITH bintan AS (
                SELECT ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4326)) AS g
                FROM jsonb_array_elements($1::jsonb -> 'features') AS f),
            city AS (SELECT ST_Transform(ST_Union(geometry), 32648) AS g FROM boundaries WHERE generation_id = $2 AND level = 'Kelurahan'),
            samples AS (SELECT (ST_Dump(ST_GeneratePoints(ST_CollectionExtract(g, 3), 400, 7))).geom AS p FROM bintan)
            SELECT ST_X(p), ST_Y(p) FROM samples, city WHERE ST_Distance(ST_Transform(p, 32648), city.g) > 200
            """, connection);
        command.Parameters.AddWithValue(bintan);
        command.Parameters.AddWithValue(fixture.GenerationId);
        var outside = new List<(double Lon, double Lat)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) outside.Add((reader.GetDouble(0), reader.GetDouble(1)));

        Assert.True(outside.Count > 300, $"only {outside.Count} sample points");
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        Assert.All(outside, p => Assert.Null(router.Route(p.Lon, p.Lat, null)));

        var client = app.CreateClient();
        foreach (var (lon, lat) in outside.Take(10))
        {
            var response = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("outside_service_area", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        }
    }

    private sealed record PostGisRoute(string? Covering, string? Nearest, double NearestMeters);

    /// <summary>The same rules written as SQL: ST_Covers with the lowest code; else the nearest within 200 m in UTM 48N.</summary>
    private static async Task<List<PostGisRoute>> RouteWithPostGisAsync(string connectionString, int generation, List<(double Lon, double Lat)> points)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand(
            $"""
            CREATE TEMP TABLE kel_utm AS
                SELECT code, geometry, ST_Transform(geometry, 32648) AS g FROM boundaries WHERE generation_id = {generation} AND level = 'Kelurahan';
            CREATE INDEX ON kel_utm USING gist (g);
            CREATE INDEX ON kel_utm USING gist (geometry);
            """, connection))
            await setup.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT t.i,
                   (SELECT k.code FROM kel_utm k WHERE ST_Covers(k.geometry, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)) ORDER BY k.code LIMIT 1),
                   n.code, n.d
            FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
            LEFT JOIN LATERAL (
                SELECT k.code, ST_Distance(k.g, ST_Transform(ST_SetSRID(ST_MakePoint(t.x, t.y), 4326), 32648)) AS d
                FROM kel_utm k
                WHERE ST_DWithin(k.g, ST_Transform(ST_SetSRID(ST_MakePoint(t.x, t.y), 4326), 32648), 200)
                ORDER BY d, k.code LIMIT 1) n ON true
            ORDER BY t.i
            """, connection);
        command.Parameters.AddWithValue(points.Select(p => p.Lon).ToArray());
        command.Parameters.AddWithValue(points.Select(p => p.Lat).ToArray());
        var routes = new List<PostGisRoute>(points.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            routes.Add(new PostGisRoute(
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3)));
        return routes;
    }
}
