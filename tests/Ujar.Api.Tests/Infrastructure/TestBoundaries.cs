using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Ujar.Api.Boundaries;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>Puts a boundary set straight into a test database as the active generation (the importer has its own tests).</summary>
public static class TestBoundaries
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    public static Task<int> LoadFixtureCityAsync(string connectionString) =>
        LoadAsync(connectionString,
            Path.Combine(TestPaths.FixtureCity, "kecamatan.geojson"), Path.Combine(TestPaths.FixtureCity, "kelurahan.geojson"),
            parentProperty: "parent_code");

    /// <summary>The official layers from the shared folder (the kecamatan layer is invalid as published: repaired here).</summary>
    public static Task<int> LoadOfficialAsync(string connectionString, string sharedGisData) =>
        LoadAsync(connectionString,
            Path.Combine(sharedGisData, "tanjungpinang_kecamatan.geojson"), Path.Combine(sharedGisData, "tanjungpinang_kelurahan.geojson"),
            parentProperty: "kecamatan_code");

    public static async Task<int> LoadAsync(string connectionString, string kecamatanPath, string kelurahanPath, string parentProperty)
    {
        await using var db = TestDb.Create(connectionString);
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var old in db.BoundaryGenerations.Where(g => g.IsActive)) old.IsActive = false;
        await db.SaveChangesAsync();
        var generation = new BoundaryGeneration { CreatedAt = DateTime.UtcNow, IsActive = true, Source = "test: " + Path.GetFileName(kelurahanPath) };
        db.BoundaryGenerations.Add(generation);
        await db.SaveChangesAsync();
        foreach (var (level, path) in new[] { (BoundaryLevel.Kecamatan, kecamatanPath), (BoundaryLevel.Kelurahan, kelurahanPath) })
        {
            foreach (var feature in Read(path))
            {
                var code = (string)feature.Attributes["code"];
                db.Boundaries.Add(new Boundary
                {
                    GenerationId = generation.Id,
                    Level = level,
                    Code = code,
                    Name = (string)feature.Attributes["name"],
                    ParentCode = feature.Attributes.Exists(parentProperty) ? (string)feature.Attributes[parentProperty] : code[..code.LastIndexOf('.')],
                    Geometry = AsValidMultiPolygon(feature.Geometry),
                });
            }
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return generation.Id;
    }

    public static IEnumerable<IFeature> Read(string path) =>
        JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(path), GeoJson)!;

    private static MultiPolygon AsValidMultiPolygon(Geometry geometry)
    {
        var fixedGeometry = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(geometry);
        var polygons = Enumerable.Range(0, fixedGeometry.NumGeometries).Select(fixedGeometry.GetGeometryN).OfType<Polygon>().ToArray();
        return new MultiPolygon(polygons, new GeometryFactory(new PrecisionModel(), 4326)) { SRID = 4326 };
    }
}
