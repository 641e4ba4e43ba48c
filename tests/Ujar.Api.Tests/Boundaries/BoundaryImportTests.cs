using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Algorithm.Distance;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;
using ProjNet.CoordinateSystems;
using Ujar.Api.Boundaries;
using Ujar.Api.Data;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Boundaries;

public sealed class BoundaryImportTests : IAsyncLifetime
{
    private static readonly string FixtureKecamatan = Path.Combine(TestPaths.FixtureCity, "kecamatan.geojson");
    private static readonly string FixtureKelurahan = Path.Combine(TestPaths.FixtureCity, "kelurahan.geojson");

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"ujar-import-{Guid.NewGuid():N}");
    private string _connectionString = "";
    private BoundaryImporter _importer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        _connectionString = await TestPostGis.NewDatabaseAsync();
        _importer = new BoundaryImporter(new DbFactory(_connectionString));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_dry_run_reports_and_changes_nothing()
    {
        var report = await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan));

        Assert.True(report.Accepted, report.ToText());
        Assert.False(report.Committed);
        Assert.Null(report.GenerationId);
        Assert.Equal(2, report.FeatureCount);
        Assert.Contains("dry run: nothing changed; add --commit to apply", report.ToText());
        Assert.Equal(new State(0, null, 0), await StateAsync());
    }

    [Fact]
    public async Task A_commit_makes_a_new_active_generation_and_retires_the_previous_one()
    {
        var first = await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var second = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan, Commit: true));

        Assert.True(first.Committed, first.ToText());
        Assert.True(second.Committed, second.ToText());
        Assert.Equal(first.GenerationId, second.PreviousGenerationId);
        await using var db = TestDb.Create(_connectionString);
        var generations = await db.BoundaryGenerations.OrderBy(g => g.Id).ToListAsync();
        Assert.Equal([first.GenerationId, second.GenerationId], generations.Select(g => (int?)g.Id));
        Assert.Equal([false, true], generations.Select(g => g.IsActive));
        Assert.Contains("kelurahan.geojson", generations[1].Source);
        Assert.Contains($"generation {second.GenerationId} is now active (was {first.GenerationId})", second.ToText());
    }

    [Fact]
    public async Task A_kelurahan_import_copies_the_kecamatan_of_the_active_generation_and_the_other_way_round()
    {
        var kecamatan = await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var kelurahan = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan, Commit: true));
        var kecamatanAgain = await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));

        Assert.Equal(2, kelurahan.CopiedCount);
        Assert.Equal(5, kecamatanAgain.CopiedCount);
        await using var db = TestDb.Create(_connectionString);
        var rows = await db.Boundaries.AsNoTracking().ToListAsync();
        var inSecond = rows.Where(b => b.GenerationId == kelurahan.GenerationId).ToList();
        Assert.Equal(2, inSecond.Count(b => b.Level == BoundaryLevel.Kecamatan));
        Assert.Equal(5, inSecond.Count(b => b.Level == BoundaryLevel.Kelurahan));
        Assert.Equal(7, rows.Count(b => b.GenerationId == kecamatanAgain.GenerationId));
        foreach (var copy in inSecond.Where(b => b.Level == BoundaryLevel.Kecamatan))
        {
            var original = rows.Single(b => b.GenerationId == kecamatan.GenerationId && b.Code == copy.Code);
            Assert.Equal((original.Name, original.ParentCode), (copy.Name, copy.ParentCode));
            Assert.True(original.Geometry.EqualsExact(copy.Geometry), copy.Code);
        }
        Assert.All(inSecond.Where(b => b.Level == BoundaryLevel.Kelurahan), b => Assert.Equal(b.Code[..8], b.ParentCode));
    }

    [Fact]
    public async Task A_truncated_file_is_refused_with_the_position_of_the_fault_and_nothing_changes()
    {
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var before = await StateAsync();
        var text = await File.ReadAllTextAsync(FixtureKelurahan);
        var truncated = Write("truncated.geojson", text[..(text.Length / 2)]);

        var report = await _importer.ImportAsync(truncated, new ImportOptions(BoundaryLevel.Kelurahan, Commit: true));

        Assert.False(report.Accepted);
        Assert.False(report.Committed);
        var error = Assert.Single(report.Errors);
        Assert.Contains("not valid GeoJSON", error);
        Assert.Contains("LineNumber", error);
        Assert.Contains("REFUSED: nothing changed", report.ToText());
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task A_kelurahan_whose_kecamatan_does_not_exist_is_refused_and_nothing_changes()
    {
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var before = await StateAsync();
        var orphan = Write("orphan.geojson", (await File.ReadAllTextAsync(FixtureKelurahan))
            .Replace("\"code\": \"99.01.02.1002\", \"name\": \"Kelurahan Bukit\", \"parent_code\": \"99.01.02\"",
                     "\"code\": \"99.01.03.1002\", \"name\": \"Kelurahan Bukit\", \"parent_code\": \"99.01.03\""));

        var report = await _importer.ImportAsync(orphan, new ImportOptions(BoundaryLevel.Kelurahan, ParentProperty: "parent_code", Commit: true));

        Assert.False(report.Accepted, report.ToText());
        var error = Assert.Single(report.Errors);
        Assert.Contains("kecamatan 99.01.03 (parent of 99.01.03.1002) does not exist", error);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task Kelurahan_cannot_come_before_any_kecamatan()
    {
        var report = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan, Commit: true));

        Assert.False(report.Accepted);
        Assert.All(report.Errors, e => Assert.Contains("import the kecamatan file first", e));
        Assert.Equal(new State(0, null, 0), await StateAsync());
    }

    [Fact]
    public async Task Wrong_codes_missing_names_duplicates_and_points_are_all_named_in_one_report()
    {
        var file = Write("bad.geojson", $$$"""
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"code": "99.01.1", "name": "Salah"}, "geometry": {{{Square(100.00)}}}},
              {"type": "Feature", "properties": {"code": "99.01.02"}, "geometry": {{{Square(100.01)}}}},
              {"type": "Feature", "properties": {"code": "99.01.03", "name": "Satu"}, "geometry": {{{Square(100.02)}}}},
              {"type": "Feature", "properties": {"code": "99.01.03", "name": "Dua"}, "geometry": {{{Square(100.03)}}}},
              {"type": "Feature", "properties": {"code": "99.01.04", "name": "Titik"}, "geometry": {"type": "Point", "coordinates": [100.05, 0.005]}}
            ]}
            """);

        var report = await _importer.ImportAsync(file, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));

        Assert.False(report.Accepted);
        Assert.Contains(report.Errors, e => e.Contains("'99.01.1' is not a kecamatan code like 21.72.03"));
        Assert.Contains(report.Errors, e => e == "99.01.02: no name");
        Assert.Contains(report.Errors, e => e.Contains("code 99.01.03 appears 2 times (features #3, #4)"));
        Assert.Contains(report.Errors, e => e.Contains("99.01.04: the geometry is a Point"));
        Assert.Equal(new State(0, null, 0), await StateAsync());
    }

    [Fact]
    public async Task A_bow_tie_is_repaired_reported_and_stored_valid()
    {
        var file = Write("bowtie.geojson", """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"code": "99.01.01", "name": "Kecamatan Pita"},
               "geometry": {"type": "Polygon", "coordinates": [[[100.0, 0.0], [100.01, 0.01], [100.01, 0.0], [100.0, 0.01], [100.0, 0.0]]]}}
            ]}
            """);

        var report = await _importer.ImportAsync(file, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));

        Assert.True(report.Committed, report.ToText());
        var repaired = Assert.Single(report.Repaired);
        Assert.Equal("99.01.01", repaired.Code);
        Assert.StartsWith("Self-intersection", repaired.Reason);
        Assert.Contains("99.01.01: Self-intersection", report.ToText());
        await using var db = TestDb.Create(_connectionString);
        var stored = await db.Boundaries.Select(b => new { Valid = b.Geometry.IsValid, Parts = b.Geometry.NumGeometries, b.Geometry.Area }).SingleAsync();
        Assert.True(stored.Valid);
        Assert.Equal(2, stored.Parts); // both wings of the bow-tie are kept
        Assert.Equal(0.00005, stored.Area, 1e-9);
    }

    [Fact]
    public async Task The_fixture_citys_overlap_and_sliver_gap_are_reported_in_square_metres()
    {
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));

        var report = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan));

        Assert.True(report.Accepted, report.ToText());
        Assert.Empty(report.Repaired);
        Assert.Empty(report.OutsideParent);
        // Pulau's tab reaches 0.001° (111 m) into Tengah over 0.005° (553 m).
        var overlap = Assert.Single(report.Overlaps);
        Assert.Equal(("99.01.01.1002", "99.01.01.1003"), (overlap.CodeA, overlap.CodeB));
        Assert.InRange(overlap.AreaM2, 58_000, 65_000);
        // Sawah and Bukit leave a 0.0003° (33 m) slit over 0.02° (2.2 km), open to the sea at its south end.
        var gap = Assert.Single(report.Gaps);
        Assert.Equal(["99.01.02.1001", "99.01.02.1002"], gap.TouchingCodes);
        Assert.InRange(gap.AreaM2, 70_000, 78_000);
        Assert.InRange(gap.Lon, 100.0449, 100.0452);
        Assert.InRange(gap.Lat, 0.01, 0.03);
        Assert.InRange(report.TotalAreaKm2, 48, 49);
        Assert.Contains("99.01.01.1002 × 99.01.01.1003", report.ToText());
    }

    [Fact]
    public async Task A_kelurahan_reaching_outside_its_kecamatan_is_reported()
    {
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        // Danau moved 0.001° (111 m) west, past the edge of Kecamatan Utara at lon 100.01.
        var moved = Write("moved.geojson", (await File.ReadAllTextAsync(FixtureKelurahan))
            .Replace("[[[100.01, 0.04], [100.04, 0.04], [100.04, 0.07], [100.01, 0.07], [100.01, 0.04]]",
                     "[[[100.009, 0.04], [100.04, 0.04], [100.04, 0.07], [100.009, 0.07], [100.009, 0.04]]"));
        Assert.NotEqual(await File.ReadAllTextAsync(FixtureKelurahan), await File.ReadAllTextAsync(moved));

        var report = await _importer.ImportAsync(moved, new ImportOptions(BoundaryLevel.Kelurahan));

        Assert.True(report.Accepted, report.ToText());
        var outside = Assert.Single(report.OutsideParent);
        Assert.Equal(("99.01.01.1001", "99.01.01"), (outside.Code, outside.ParentCode));
        Assert.InRange(outside.AreaM2, 0.001 * 0.03 * 111_000 * 111_000 * 0.95, 0.001 * 0.03 * 111_500 * 111_500 * 1.05);
    }

    [Fact]
    public async Task A_shapefile_imports_the_same_as_the_geojson_it_was_written_from()
    {
        // Kecamatan in lon/lat, kelurahan projected to UTM 48N: both .prj kinds and the PostGIS transform are exercised.
        // DBF field names have at most 10 characters: GIS tools write parent_code as parent_cod.
        static IAttributesTable Dbf(IAttributesTable a) =>
            new AttributesTable { { "code", a["code"] }, { "name", a["name"] }, { "parent_cod", a["parent_code"] } };
        var kecamatanShp = Path.Combine(_scratch, "kecamatan.shp");
        Shapefile.WriteAllFeatures(TestBoundaries.Read(FixtureKecamatan).Select(f => new Feature(f.Geometry, Dbf(f.Attributes))),
            kecamatanShp, GeographicCoordinateSystem.WGS84.WKT);
        var kelurahanShp = Path.Combine(_scratch, "kelurahan.shp");
        Shapefile.WriteAllFeatures(TestBoundaries.Read(FixtureKelurahan).Select(f => new Feature(MetricProjection.Project(f.Geometry), Dbf(f.Attributes))),
            kelurahanShp, ProjectedCoordinateSystem.WGS84_UTM(48, true).WKT);

        var fromJson = await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var fromShp = await _importer.ImportAsync(kecamatanShp, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        // Asked for parent_code, the importer finds the cut name in the DBF.
        var kelurahanFromJson = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan, ParentProperty: "parent_code", Commit: true));
        var kelurahanFromShp = await _importer.ImportAsync(kelurahanShp, new ImportOptions(BoundaryLevel.Kelurahan, ParentProperty: "parent_code", Commit: true));

        Assert.True(kelurahanFromShp.Committed, kelurahanFromShp.ToText());
        Assert.Equal((4326, 32648), (fromShp.SourceSrid, kelurahanFromShp.SourceSrid));
        Assert.Equal(fromJson.FeatureCount, fromShp.FeatureCount);
        Assert.Equal(kelurahanFromJson.FeatureCount, kelurahanFromShp.FeatureCount);
        Assert.Equal(kelurahanFromJson.Overlaps.Select(o => (o.CodeA, o.CodeB)), kelurahanFromShp.Overlaps.Select(o => (o.CodeA, o.CodeB)));
        Assert.Equal(kelurahanFromJson.Overlaps[0].AreaM2, kelurahanFromShp.Overlaps[0].AreaM2, 1.0);
        Assert.Equal(kelurahanFromJson.Gaps.Single().AreaM2, kelurahanFromShp.Gaps.Single().AreaM2, 1.0);

        await using var db = TestDb.Create(_connectionString);
        var rows = await db.Boundaries.AsNoTracking().ToListAsync();
        foreach (var (json, shp) in new[] { (fromJson, fromShp), (kelurahanFromJson, kelurahanFromShp) })
        {
            var level = json.Level;
            var expected = rows.Where(b => b.GenerationId == json.GenerationId && b.Level == level).OrderBy(b => b.Code).ToList();
            var actual = rows.Where(b => b.GenerationId == shp.GenerationId && b.Level == level).OrderBy(b => b.Code).ToList();
            Assert.Equal(expected.Select(b => (b.Code, b.Name, b.ParentCode)), actual.Select(b => (b.Code, b.Name, b.ParentCode)));
            // Same rings up to the projection round trip (ProjNet there, PROJ back): within a centimetre, about 1e-7°.
            foreach (var (e, a) in expected.Zip(actual))
                Assert.True(DiscreteHausdorffDistance.Distance(e.Geometry, a.Geometry) < 1e-7,
                    $"{e.Code} differs after the Shapefile round trip");
        }
    }

    [SkippableFact]
    public async Task The_official_kecamatan_are_repaired_and_the_official_kelurahan_import_over_them()
    {
        var shared = TestPaths.RequireSharedGisData();

        var kecamatan = await _importer.ImportAsync(Path.Combine(shared, "tanjungpinang_kecamatan.geojson"),
            new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var kelurahan = await _importer.ImportAsync(Path.Combine(shared, "tanjungpinang_kelurahan.geojson"),
            new ImportOptions(BoundaryLevel.Kelurahan, ParentProperty: "kecamatan_code", Commit: true));

        Assert.True(kecamatan.Committed, kecamatan.ToText());
        Assert.Empty(kecamatan.Errors);
        Assert.Equal(4, kecamatan.FeatureCount);
        // The dissolved layer self-intersects along stitched edges; every kecamatan is repaired, none is rejected.
        Assert.Equal(["21.72.01", "21.72.02", "21.72.03", "21.72.04"], kecamatan.Repaired.Select(r => r.Code));
        Assert.All(kecamatan.Repaired, r => Assert.StartsWith("Self-intersection", r.Reason));
        Assert.True(kelurahan.Committed, kelurahan.ToText());
        Assert.Empty(kelurahan.Errors);
        Assert.Equal(18, kelurahan.FeatureCount);
        Assert.Empty(kelurahan.Repaired);
        // Real data: slivers and small gaps along shared edges, reported rather than hidden.
        Assert.NotEmpty(kelurahan.Overlaps);
        Assert.NotEmpty(kelurahan.Gaps);
        Assert.All(kelurahan.Gaps, g => Assert.InRange(g.AreaM2, 1, 20_000));
        Assert.InRange(kelurahan.TotalAreaKm2, 140, 160);

        await using var db = TestDb.Create(_connectionString);
        var active = await db.BoundaryGenerations.SingleAsync(g => g.IsActive);
        Assert.Equal(kelurahan.GenerationId, active.Id);
        var counts = await db.Boundaries.Where(b => b.GenerationId == active.Id)
            .GroupBy(b => b.Level).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.Equal(4, counts[BoundaryLevel.Kecamatan]);
        Assert.Equal(18, counts[BoundaryLevel.Kelurahan]);
        Assert.True(await db.Boundaries.AllAsync(b => b.Geometry.IsValid));
        // Tanjung Pinang Timur lies in Bukit Bestari (21.72.04): the parent comes from kecamatan_code, never from the name.
        Assert.Equal("21.72.04", await db.Boundaries.Where(b => b.GenerationId == active.Id && b.Code == "21.72.04.1001").Select(b => b.ParentCode).SingleAsync());
    }

    [Fact]
    public async Task A_kelurahan_file_with_kecamatan_dissolved_gives_one_generation_with_both_levels()
    {
        var withNames = FixtureKelurahanWithKecamatanNames();

        var report = await _importer.ImportAsync(withNames, new ImportOptions(BoundaryLevel.Kelurahan,
            ParentProperty: "parent_code", Commit: true, DissolveParents: true, ParentNameProperty: "kecamatan"));

        Assert.True(report.Committed, report.ToText());
        Assert.Null(report.PreviousGenerationId);
        Assert.Equal(2, report.DissolvedCount);
        Assert.Equal(0, report.CopiedCount);
        Assert.Empty(report.DissolvedRepaired);
        Assert.Contains("2 kecamatan dissolved from them", report.ToText());
        // The kelurahan checks still run on the file.
        Assert.Single(report.Overlaps);
        Assert.Single(report.Gaps);
        await using var db = TestDb.Create(_connectionString);
        var generation = await db.BoundaryGenerations.SingleAsync();
        Assert.True(generation.IsActive);
        var kecamatan = await db.Boundaries.Where(b => b.Level == BoundaryLevel.Kecamatan).OrderBy(b => b.Code).ToListAsync();
        Assert.Equal([("99.01.01", "Kecamatan Utara", "99.01"), ("99.01.02", "Kecamatan Selatan", "99.01")],
            kecamatan.Select(k => (k.Code, k.Name, k.ParentCode)));
        Assert.All(kecamatan, k => Assert.Equal(generation.Id, k.GenerationId));
        Assert.Equal(5, await db.Boundaries.CountAsync(b => b.Level == BoundaryLevel.Kelurahan && b.GenerationId == generation.Id));
        // Utara keeps Pulau's island and Danau's lake; each dissolved kecamatan has the area of the hand-drawn one.
        var drawn = TestBoundaries.Read(FixtureKecamatan).ToDictionary(f => (string)f.Attributes["code"], f => f.Geometry);
        foreach (var k in kecamatan)
            Assert.Equal(drawn[k.Code].Area, k.Geometry.Area, 1e-9);
        Assert.Equal(2, kecamatan[0].Geometry.NumGeometries);

        var router = new ComplaintRouter();
        await router.ReloadAsync(db);
        Assert.Equal(("99.01.02.1002", "99.01.02", "Kecamatan Selatan"), Route(router, 100.06, 0.025));
        Assert.Equal(("99.01.01.1003", "99.01.01", "Kecamatan Utara"), Route(router, 100.09, 0.054));
    }

    [Fact]
    public async Task Dissolving_replaces_both_levels_of_the_active_generation_instead_of_copying()
    {
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        var first = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan, Commit: true));
        var renamed = Write("renamed.geojson", (await File.ReadAllTextAsync(FixtureKelurahanWithKecamatanNames()))
            .Replace("\"Kecamatan Utara\"", "\"Kecamatan Utara Baru\""));

        var report = await _importer.ImportAsync(renamed, new ImportOptions(BoundaryLevel.Kelurahan,
            Commit: true, DissolveParents: true, ParentNameProperty: "kecamatan"));

        Assert.True(report.Committed, report.ToText());
        Assert.Equal(first.GenerationId, report.PreviousGenerationId);
        Assert.Equal(0, report.CopiedCount);
        await using var db = TestDb.Create(_connectionString);
        var rows = await db.Boundaries.Where(b => b.GenerationId == report.GenerationId).ToListAsync();
        Assert.Equal(7, rows.Count);
        Assert.Equal("Kecamatan Utara Baru", rows.Single(b => b.Code == "99.01.01").Name);
    }

    [Fact]
    public async Task Dissolving_without_a_kecamatan_name_property_is_refused_and_nothing_changes()
    {
        var noOption = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan,
            Commit: true, DissolveParents: true));
        var missingProperty = await _importer.ImportAsync(FixtureKelurahan, new ImportOptions(BoundaryLevel.Kelurahan,
            Commit: true, DissolveParents: true, ParentNameProperty: "kecamatan"));

        Assert.False(noOption.Accepted);
        Assert.Contains("--parent-name-property", Assert.Single(noOption.Errors));
        Assert.False(missingProperty.Accepted);
        Assert.Contains("no property 'kecamatan' in the file", Assert.Single(missingProperty.Errors));
        Assert.Contains("REFUSED: nothing changed", missingProperty.ToText());
        Assert.Equal(new State(0, null, 0), await StateAsync());
    }

    [Fact]
    public async Task Kelurahan_giving_their_kecamatan_different_names_are_refused()
    {
        var conflicting = Write("conflict.geojson", (await File.ReadAllTextAsync(FixtureKelurahanWithKecamatanNames()))
            .Replace("\"name\": \"Kelurahan Bukit\", \"parent_code\": \"99.01.02\", \"kecamatan\": \"Kecamatan Selatan\"",
                     "\"name\": \"Kelurahan Bukit\", \"parent_code\": \"99.01.02\", \"kecamatan\": \"Selatan\""));

        var report = await _importer.ImportAsync(conflicting, new ImportOptions(BoundaryLevel.Kelurahan,
            Commit: true, DissolveParents: true, ParentNameProperty: "kecamatan"));

        Assert.False(report.Accepted, report.ToText());
        Assert.Equal("kecamatan 99.01.02 is given 2 names by its kelurahan: 'Kecamatan Selatan', 'Selatan'", Assert.Single(report.Errors));
        Assert.Equal(new State(0, null, 0), await StateAsync());
    }

    [SkippableFact]
    public async Task The_official_kelurahan_alone_give_the_four_kecamatan_of_Tanjungpinang()
    {
        var shared = TestPaths.RequireSharedGisData();

        var report = await _importer.ImportAsync(Path.Combine(shared, "tanjungpinang_kelurahan.geojson"), new ImportOptions(BoundaryLevel.Kelurahan,
            ParentProperty: "kecamatan_code", Commit: true, DissolveParents: true, ParentNameProperty: "kecamatan"));

        Assert.True(report.Committed, report.ToText());
        Assert.Equal(18, report.FeatureCount);
        Assert.Equal(4, report.DissolvedCount);
        // The union of valid kelurahan comes out valid: unlike the official kecamatan file, nothing needs a repair.
        Assert.Empty(report.DissolvedRepaired);
        Assert.DoesNotContain("dissolved kecamatan repaired", report.ToText());
        Assert.NotEmpty(report.Overlaps);
        await using var db = TestDb.Create(_connectionString);
        var kecamatan = await db.Boundaries.Where(b => b.GenerationId == report.GenerationId && b.Level == BoundaryLevel.Kecamatan)
            .OrderBy(b => b.Code).ToListAsync();
        Assert.Equal([("21.72.01", "Tanjung Pinang Barat"), ("21.72.02", "Tanjung Pinang Timur"), ("21.72.03", "Tanjung Pinang Kota"), ("21.72.04", "Bukit Bestari")],
            kecamatan.Select(k => (k.Code, k.Name)));
        Assert.All(kecamatan, k => Assert.True(k.Geometry.IsValid, k.Code));
        Assert.All(kecamatan, k => Assert.Equal("21.72", k.ParentCode));
        // Kelurahan Tanjung Pinang Timur lies in Kecamatan Bukit Bestari, not in the kecamatan of the same name.
        var router = new ComplaintRouter();
        await router.ReloadAsync(db);
        var timur = router.Kelurahan.Single(k => k.Kelurahan.Code == "21.72.04.1001");
        Assert.Equal(new Area("21.72.04", "Bukit Bestari"), timur.Kecamatan);
        var inside = timur.Geometry.InteriorPoint;
        Assert.Equal(("21.72.04.1001", "21.72.04", "Bukit Bestari"), Route(router, inside.X, inside.Y));
    }

    [Fact]
    public async Task The_command_line_exits_0_when_accepted_1_when_refused_and_2_on_usage_errors()
    {
        Assert.Equal(2, (await RunCliAsync("import-boundaries", "--level", "kecamatan")).ExitCode);
        Assert.Equal(2, (await RunCliAsync("import-boundaries", FixtureKecamatan, "--level", "desa")).ExitCode);

        var refused = await RunCliAsync("import-boundaries", FixtureKelurahan, "--level", "kelurahan", "--commit");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("REFUSED", refused.Output);

        var dryRun = await RunCliAsync("import-boundaries", FixtureKecamatan, "--level", "kecamatan");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("dry run: nothing changed; add --commit to apply", dryRun.Output);
        Assert.Equal(new State(0, null, 0), await StateAsync());

        var committed = await RunCliAsync("import-boundaries", FixtureKecamatan, "--level", "Kecamatan", "--commit");
        Assert.Equal(0, committed.ExitCode);
        Assert.Equal(2, (await StateAsync()).Boundaries);
    }

    [Fact]
    public async Task The_command_line_dissolves_kecamatan_with_the_with_kecamatan_flag()
    {
        Assert.Equal(2, (await RunCliAsync("import-boundaries", FixtureKecamatan, "--level", "kecamatan", "--with-kecamatan")).ExitCode);

        var committed = await RunCliAsync("import-boundaries", FixtureKelurahanWithKecamatanNames(), "--level", "kelurahan",
            "--with-kecamatan", "--parent-property", "parent_code", "--parent-name-property", "kecamatan", "--commit");

        Assert.Equal(0, committed.ExitCode);
        Assert.Contains("2 kecamatan dissolved from them", committed.Output);
        Assert.Equal(new State(1, (await StateAsync()).Active, 7), await StateAsync());
    }

    [Fact]
    public async Task A_commit_notifies_the_routing_channel()
    {
        await using var listener = new Npgsql.NpgsqlConnection(_connectionString);
        await listener.OpenAsync();
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => notified.TrySetResult(e.Channel);
        await using (var listen = new Npgsql.NpgsqlCommand($"LISTEN {RoutingReloader.Channel}", listener))
            await listen.ExecuteNonQueryAsync();

        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan));
        Assert.False(await listener.WaitAsync(TimeSpan.FromMilliseconds(300)), "a dry run must not notify");
        await _importer.ImportAsync(FixtureKecamatan, new ImportOptions(BoundaryLevel.Kecamatan, Commit: true));
        await listener.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(RoutingReloader.Channel, await notified.Task.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    private static (string Kelurahan, string Kecamatan, string KecamatanName) Route(ComplaintRouter router, double lon, double lat)
    {
        var area = (router.Route(lon, lat, null) ?? throw new InvalidOperationException($"({lon}, {lat}) is outside")).Area;
        return (area.Kelurahan.Code, area.Kecamatan.Code, area.Kecamatan.Name);
    }

    /// <summary>The fixture kelurahan with their kecamatan's name added, as the official files carry it.</summary>
    private string FixtureKelurahanWithKecamatanNames() => Write("kelurahan-named.geojson", File.ReadAllText(FixtureKelurahan)
        .Replace("\"parent_code\": \"99.01.01\"", "\"parent_code\": \"99.01.01\", \"kecamatan\": \"Kecamatan Utara\"")
        .Replace("\"parent_code\": \"99.01.02\"", "\"parent_code\": \"99.01.02\", \"kecamatan\": \"Kecamatan Selatan\""));

    private sealed record State(int Generations, int? Active, int Boundaries);

    private async Task<State> StateAsync()
    {
        await using var db = TestDb.Create(_connectionString);
        return new State(
            await db.BoundaryGenerations.CountAsync(),
            await db.BoundaryGenerations.Where(g => g.IsActive).Select(g => (int?)g.Id).SingleOrDefaultAsync(),
            await db.Boundaries.CountAsync());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Square(double west) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"type": "Polygon", "coordinates": [[[{{west}}, 0.0], [{{west + 0.01}}, 0.0], [{{west + 0.01}}, 0.01], [{{west}}, 0.01], [{{west}}, 0.0]]]}""");

    private Task<(int ExitCode, string Output)> RunCliAsync(params string[] args) =>
        UjarCli.RunAsync(new Dictionary<string, string?> { ["ConnectionStrings__Ujar"] = _connectionString }, TimeSpan.FromMinutes(1), args);

    private sealed class DbFactory(string connectionString) : IDbContextFactory<UjarDb>
    {
        public UjarDb CreateDbContext() => TestDb.Create(connectionString);
    }
}
