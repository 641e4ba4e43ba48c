using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Converters;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Routing;

namespace Ujar.Api.Boundaries;

public sealed record ImportOptions(BoundaryLevel Level, string CodeProperty = "code", string NameProperty = "name",
    string? ParentProperty = null, int? SourceSrid = null, bool Commit = false, string? SourceLabel = null,
    bool DissolveParents = false, string? ParentNameProperty = null);

/// <summary>
/// Checks a kecamatan or kelurahan file in PostGIS and, when asked to commit, makes it part of a new active generation
/// (with the other level copied from the active one). A kelurahan file can also bring its kecamatan along
/// (<see cref="ImportOptions.DissolveParents"/>): they are dissolved from their kelurahan, and the generation holds
/// both levels from this one file. Everything happens in one transaction: a dry run or a refused
/// file rolls back, so nothing changes. Bad input ends up in the report; only infrastructure failures throw.
/// </summary>
public sealed partial class BoundaryImporter(IDbContextFactory<UjarDb> dbFactory)
{
    private const int Wgs84 = 4326;

    /// <summary>UTM 48N covers Tanjungpinang: areas and distances in metres are measured there.</summary>
    private const int MetricSrid = 32648;

    /// <summary>Overlaps, gaps and spill-overs at or below this are noise of the digitising, not worth a line.</summary>
    private const double ReportedAboveM2 = 1;

    /// <summary>
    /// Gaps that open onto the sea are not holes of the union, so the layer is also closed (grown, then shrunk) by this
    /// much: slits up to twice as wide between neighbours become visible. Wider inlets are left alone as coastline.
    /// </summary>
    private const double GapBridgeMetres = 25;

    /// <summary>A gap piece belongs to every feature closer than this (metres); the pieces are cut from the features, so only rounding separates them.</summary>
    private const double TouchMetres = 0.5;

    /// <summary>DBF field names are cut to 10 characters, so <c>kecamatan_code</c> arrives as <c>kecamatan_</c>.</summary>
    private const int DbfFieldNameLength = 10;

    public async Task<ImportReport> ImportAsync(string path, ImportOptions options, CancellationToken ct = default)
    {
        var errors = new List<string>();
        var source = await ReadAsync(path, options, errors, ct);
        if (source is null || source.Features.Count == 0)
        {
            if (source is not null) errors.Add("the file holds no features");
            return new ImportReport { File = Path.GetFileName(path), Level = options.Level, SourceSrid = source?.Srid, Errors = errors };
        }
        var features = source.Features;
        CheckAttributes(features, options.Level, errors);
        if (options.DissolveParents) CheckParentNames(features, errors);
        var loadable = CheckGeometries(features, source.Srid, errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sql = new Sql(db.Database.GetDbConnection(), tx.GetDbTransaction());
        // Imports queue behind each other, so each one checks and copies from the generation it will replace.
        await sql.ExecuteAsync("select pg_advisory_xact_lock(hashtext('ujar.import-boundaries'))", ct);
        var activeId = await db.BoundaryGenerations.Where(g => g.IsActive).Select(g => (int?)g.Id).SingleOrDefaultAsync(ct);
        var otherLevel = options.Level == BoundaryLevel.Kelurahan ? BoundaryLevel.Kecamatan : BoundaryLevel.Kelurahan;
        // Dissolving builds the other level from this file, so nothing of the active generation is carried over.
        var copied = activeId is null || options.DissolveParents ? 0
            : await db.Boundaries.CountAsync(b => b.GenerationId == activeId && b.Level == otherLevel, ct);

        if (source.Srid != Wgs84 && !await sql.ScalarAsync<bool>("select exists (select 1 from spatial_ref_sys where srid = @srid)", ct, P("srid", source.Srid)))
        {
            errors.Add($"SRID {source.Srid} is unknown to PostGIS (spatial_ref_sys); pass the EPSG code of the file with --srid");
            loadable = [];
        }

        await LoadAsync(sql, loadable, source.Srid, ct);
        var repaired = await RepairAsync(sql, errors, ct);
        await IndexAsync(sql, ct);
        var overlaps = await FindOverlapsAsync(sql, ct);
        var gaps = await FindGapsAsync(sql, ct);
        var warnings = new List<string>();
        // Dissolved kecamatan are the union of their own kelurahan: every kelurahan has its kecamatan and lies inside it.
        var outside = options.DissolveParents ? [] : await CheckParentsAsync(sql, options.Level, activeId, errors, warnings, ct);
        var dissolvedRepaired = options.DissolveParents ? await DissolveParentsAsync(sql, errors, ct) : [];
        var dissolvedCount = options.DissolveParents ? await sql.ScalarAsync<long>("select count(*) from import_parent", ct) : 0;
        var totalKm2 = await sql.ScalarAsync<double>("select coalesce(sum(ST_Area(metric)), 0) / 1e6 from import_feature", ct);

        int? generationId = null;
        var accepted = errors.Count == 0;
        if (accepted && options.Commit)
        {
            generationId = await ActivateNewGenerationAsync(db, sql, path, options, activeId, otherLevel, ct);
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }

        return new ImportReport
        {
            File = Path.GetFileName(path),
            Level = options.Level,
            Accepted = accepted,
            Committed = generationId is not null,
            GenerationId = generationId,
            PreviousGenerationId = activeId,
            FeatureCount = features.Count,
            DissolvedCount = options.DissolveParents ? (int)dissolvedCount : null,
            DissolvedRepaired = dissolvedRepaired,
            CopiedCount = copied,
            SourceSrid = source.Srid,
            TotalAreaKm2 = totalKm2,
            Errors = errors,
            Repaired = repaired,
            Overlaps = overlaps,
            Gaps = gaps,
            OutsideParent = outside,
            Warnings = warnings,
        };
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    private sealed record SourceFeature(int Number, string? Code, string? Name, string? ParentCode, string? ParentName, Geometry? Geometry)
    {
        /// <summary>How the report names the feature: its code, else its place in the file.</summary>
        public string Label => Code ?? $"feature #{Number}";
    }

    private sealed record SourceFile(IReadOnlyList<SourceFeature> Features, int Srid);

    private static async Task<SourceFile?> ReadAsync(string path, ImportOptions options, List<string> errors, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            errors.Add($"file not found: {path}");
            return null;
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".geojson" or ".json" or ".shp"))
        {
            errors.Add($"unsupported file type '{extension}': give a GeoJSON FeatureCollection (.geojson, .json) or an Esri Shapefile (.shp)");
            return null;
        }
        var isShapefile = extension == ".shp";
        int srid;
        if (options.SourceSrid is { } given) srid = given;
        else if (!isShapefile) srid = Wgs84; // RFC 7946: GeoJSON is longitude/latitude on WGS 84
        else if (SridFromPrj(path, errors) is { } fromPrj) srid = fromPrj;
        else return null;

        IReadOnlyList<IFeature> raw;
        try
        {
            raw = isShapefile ? Shapefile.ReadAllFeatures(path) : await ReadGeoJsonAsync(path, ct);
        }
        catch (JsonException ex)
        {
            // The message carries the JSON path, line and byte position of the fault.
            errors.Add($"not valid GeoJSON: {ex.Message}");
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Readers throw many types for a broken file; the operator needs the reason, not a stack trace.
            errors.Add($"cannot read {(isShapefile ? "the Shapefile" : "the GeoJSON")}: {ex.Message}");
            return null;
        }
        if (options.DissolveParents && options.Level != BoundaryLevel.Kelurahan)
        {
            errors.Add("only kelurahan can be dissolved into kecamatan (--with-kecamatan needs --level kelurahan)");
            return null;
        }
        if (options.DissolveParents && options.ParentNameProperty is null)
        {
            errors.Add("dissolving into kecamatan needs their names: name the property that holds them with --parent-name-property");
            return null;
        }
        if (raw.Count == 0) return new SourceFile([], srid);

        var names = raw.Where(f => f.Attributes is not null).SelectMany(f => f.Attributes.GetNames()).Distinct().ToList();
        string? Column(string property, string option)
        {
            var match = names.FirstOrDefault(n => n == property)
                ?? names.FirstOrDefault(n => string.Equals(n, property, StringComparison.OrdinalIgnoreCase))
                ?? (isShapefile ? names.FirstOrDefault(n => string.Equals(n, property[..Math.Min(property.Length, DbfFieldNameLength)], StringComparison.OrdinalIgnoreCase)) : null);
            if (match is null)
                errors.Add($"no property '{property}' in the file (it has: {(names.Count == 0 ? "none" : string.Join(", ", names))}); name the right one with {option}");
            return match;
        }
        var codeColumn = Column(options.CodeProperty, "--code-property");
        var nameColumn = Column(options.NameProperty, "--name-property");
        var parentColumn = options.ParentProperty is { } parent ? Column(parent, "--parent-property") : null;
        var parentNameColumn = options.DissolveParents ? Column(options.ParentNameProperty!, "--parent-name-property") : null;
        if (codeColumn is null || nameColumn is null || (options.ParentProperty is not null && parentColumn is null)
            || (options.DissolveParents && parentNameColumn is null)) return null;

        var features = raw.Select((f, i) =>
        {
            var code = Text(f.Attributes, codeColumn);
            var parentCode = parentColumn is not null ? Text(f.Attributes, parentColumn) : DerivedParent(code, options.Level);
            var parentName = parentNameColumn is not null ? Text(f.Attributes, parentNameColumn) : null;
            return new SourceFeature(i + 1, code, Text(f.Attributes, nameColumn), parentCode, parentName, f.Geometry);
        }).ToList();
        return new SourceFile(features, srid);
    }

    private static async Task<IReadOnlyList<IFeature>> ReadGeoJsonAsync(string path, CancellationToken ct)
    {
        var json = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
        await using var stream = File.OpenRead(path);
        var collection = await JsonSerializer.DeserializeAsync<FeatureCollection>(stream, json, ct)
            ?? throw new JsonException("the file is JSON null, not a FeatureCollection");
        return collection;
    }

    /// <summary>The SRID the .prj beside a Shapefile declares; no .prj means longitude/latitude.</summary>
    private static int? SridFromPrj(string shpPath, List<string> errors)
    {
        var prj = Path.ChangeExtension(shpPath, ".prj");
        if (!File.Exists(prj)) return Wgs84;
        var wkt = File.ReadAllText(prj);
        // Esri writes "WGS_1984_UTM_Zone_48N", OGC "WGS 84 / UTM zone 48N": compare letters and digits only.
        var squeezed = NonAlphanumeric().Replace(wkt, "").ToUpperInvariant();
        if (squeezed.Contains("UTMZONE48N")) return MetricSrid;
        if (wkt.TrimStart().StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase) && (squeezed.Contains("WGS1984") || squeezed.Contains("WGS84")))
            return Wgs84;
        errors.Add($"the projection in {Path.GetFileName(prj)} is not one this importer recognises (WGS 84 or UTM zone 48N); pass its EPSG code with --srid");
        return null;
    }

    private static string? Text(IAttributesTable? attributes, string column)
    {
        var value = attributes?.GetOptionalValue(column) switch
        {
            null => null,
            JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement e => e.GetRawText(),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Kemendagri codes nest: 21.72.03.1005 lies in kecamatan 21.72.03, which lies in kota 21.72.</summary>
    private static string? DerivedParent(string? code, BoundaryLevel level)
    {
        var parts = code?.Split('.');
        var keep = level == BoundaryLevel.Kelurahan ? 3 : 2;
        return parts is null || parts.Length <= keep ? null : string.Join('.', parts[..keep]);
    }

    // ---- checks in memory -----------------------------------------------------------------------------------------

    [GeneratedRegex(@"^\d{2}\.\d{2}\.\d{2}$")]
    private static partial Regex KecamatanCode();

    [GeneratedRegex(@"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
    private static partial Regex KelurahanCode();

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();

    private static void CheckAttributes(IReadOnlyList<SourceFeature> features, BoundaryLevel level, List<string> errors)
    {
        var (pattern, example) = level == BoundaryLevel.Kelurahan ? (KelurahanCode(), "21.72.03.1005") : (KecamatanCode(), "21.72.03");
        foreach (var f in features)
        {
            if (f.Code is null) errors.Add($"{f.Label}: no code");
            else if (!pattern.IsMatch(f.Code)) errors.Add($"{f.Label}: '{f.Code}' is not a {level.ToString().ToLowerInvariant()} code like {example}");
            if (f.Name is null) errors.Add($"{f.Label}: no name");
            if (f.ParentCode is null) errors.Add($"{f.Label}: no parent code");
            else if (f.Code is not null && !f.Code.StartsWith(f.ParentCode + ".", StringComparison.Ordinal))
                errors.Add($"{f.Label}: the code does not start with its parent code {f.ParentCode}");
        }
        foreach (var duplicate in features.Where(f => f.Code is not null).GroupBy(f => f.Code).Where(g => g.Count() > 1))
            errors.Add($"code {duplicate.Key} appears {duplicate.Count()} times (features #{string.Join(", #", duplicate.Select(f => f.Number))})");
    }

    /// <summary>A kecamatan dissolved from its kelurahan is named by them, so they must all give it, and the same one.</summary>
    private static void CheckParentNames(IReadOnlyList<SourceFeature> features, List<string> errors)
    {
        foreach (var f in features.Where(f => f.ParentName is null))
            errors.Add($"{f.Label}: no kecamatan name");
        foreach (var parent in features.Where(f => f.ParentCode is not null && f.ParentName is not null).GroupBy(f => f.ParentCode))
        {
            var names = parent.Select(f => f.ParentName!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (names.Count > 1)
                errors.Add($"kecamatan {parent.Key} is given {names.Count} names by its kelurahan: {string.Join(", ", names.Select(n => $"'{n}'"))}");
        }
    }

    /// <summary>The features whose geometry can go to PostGIS: polygonal, not empty, and (for lon/lat) on the globe.</summary>
    private static List<SourceFeature> CheckGeometries(IReadOnlyList<SourceFeature> features, int srid, List<string> errors)
    {
        var loadable = new List<SourceFeature>();
        foreach (var f in features)
        {
            if (f.Geometry is null || f.Geometry.IsEmpty)
                errors.Add($"{f.Label}: no geometry");
            else if (f.Geometry is not (Polygon or MultiPolygon))
                errors.Add($"{f.Label}: the geometry is a {f.Geometry.GeometryType}, not a Polygon or MultiPolygon");
            else if (srid == Wgs84 && !new Envelope(-180, 180, -90, 90).Covers(f.Geometry.EnvelopeInternal))
                errors.Add($"{f.Label}: coordinates such as {f.Geometry.Coordinate.X} {f.Geometry.Coordinate.Y} are not longitude/latitude; pass the file's EPSG code with --srid");
            else
                loadable.Add(f);
        }
        return loadable;
    }

    // ---- checks in PostGIS ----------------------------------------------------------------------------------------

    private static async Task LoadAsync(Sql sql, IReadOnlyList<SourceFeature> features, int srid, CancellationToken ct)
    {
        await sql.ExecuteAsync("""
            -- No index on number: the planner would pair it with the spatial index for a.number < b.number in the
            -- overlap self-join, scanning half the layer per feature (hours for a national layer instead of seconds).
            create temp table import_feature (
                number int not null, label text not null, code text, name text, parent_code text, parent_name text,
                geom geometry not null,    -- EPSG:4326, repaired, MultiPolygon: what will be stored
                metric geometry,           -- the same in UTM 48N, for square metres
                invalid_reason text
            ) on commit drop
            """, ct);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        await sql.ExecuteAsync("""
            insert into import_feature (number, label, code, name, parent_code, parent_name, geom)
            select n, l, c, nm, p, pn, ST_Transform(ST_SetSRID(ST_GeomFromWKB(w), @srid), 4326)
            from unnest(@numbers, @labels, @codes, @names, @parents, @parentNames, @wkbs) as t(n, l, c, nm, p, pn, w)
            """, ct,
            P("srid", srid),
            P("numbers", features.Select(f => f.Number).ToArray()),
            P("labels", features.Select(f => f.Label).ToArray()),
            P("codes", features.Select(f => f.Code).ToArray()),
            P("names", features.Select(f => f.Name).ToArray()),
            P("parents", features.Select(f => f.ParentCode).ToArray()),
            P("parentNames", features.Select(f => f.ParentName).ToArray()),
            P("wkbs", features.Select(f => wkb.Write(f.Geometry)).ToArray()));
    }

    private static async Task<List<RepairedGeometry>> RepairAsync(Sql sql, List<string> errors, CancellationToken ct)
    {
        // 'structure' keeps the area of parts that overlap inside one multipolygon (how dissolved layers come out);
        // the default 'linework' would cut such overlaps out as holes. Validity is judged after the move to 4326,
        // because that is the geometry the router will use.
        await sql.ExecuteAsync("""
            update import_feature set invalid_reason = nullif(ST_IsValidReason(geom), 'Valid Geometry');
            update import_feature set geom = ST_Multi(case when invalid_reason is null then geom
                                                           else ST_CollectionExtract(ST_MakeValid(geom, 'method=structure'), 3) end);
            update import_feature set metric = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geom, 32648)), 3));
            """, ct);
        var repaired = await sql.QueryAsync(
            "select label, invalid_reason, ST_IsEmpty(geom) from import_feature where invalid_reason is not null order by number",
            r => (Label: r.GetString(0), Reason: r.GetString(1), Empty: r.GetBoolean(2)), ct);
        foreach (var collapsed in repaired.Where(r => r.Empty))
            errors.Add($"{collapsed.Label}: the geometry is invalid ({collapsed.Reason}) and nothing of it is left once repaired");
        await sql.ExecuteAsync("delete from import_feature where ST_IsEmpty(geom)", ct);
        return repaired.Where(r => !r.Empty).Select(r => new RepairedGeometry(r.Label, r.Reason)).ToList();
    }

    /// <summary>
    /// The neighbour searches below join the layer with itself; without spatial indexes that is every pair of features,
    /// which a national layer (~83,700 kelurahan) cannot afford. The repair's updates left broken HOT chains, and an
    /// index built over those cannot be used by the transaction that built it, so the rows move to a fresh table first.
    /// Temp tables are never auto-analysed, hence the ANALYZE.
    /// </summary>
    private static Task IndexAsync(Sql sql, CancellationToken ct) =>
        sql.ExecuteAsync("""
            create temp table import_checked on commit drop as select * from import_feature order by number;
            drop table import_feature;
            alter table import_checked rename to import_feature;
            create index on import_feature using gist (geom);
            create index on import_feature using gist (metric);
            analyze import_feature;
            """, ct);

    private static Task<List<Overlap>> FindOverlapsAsync(Sql sql, CancellationToken ct) =>
        sql.QueryAsync("""
            select least(a.label, b.label), greatest(a.label, b.label), o.area
            from import_feature a
            join import_feature b on a.number < b.number and ST_Intersects(a.geom, b.geom)
            cross join lateral (select ST_Area(ST_Intersection(a.metric, b.metric)) as area) o
            where o.area > @min
            order by o.area desc, 1, 2
            """, r => new Overlap(r.GetString(0), r.GetString(1), r.GetDouble(2)), ct, P("min", ReportedAboveM2));

    /// <summary>
    /// Land that none of the features covers but that lies between at least two of them: holes of the union that are no
    /// feature's own hole (a lake), plus the slits that only a closing of the union fills (gaps open to the sea).
    /// </summary>
    private static Task<List<Gap>> FindGapsAsync(Sql sql, CancellationToken ct) =>
        sql.QueryAsync("""
            with layer as (select ST_Union(metric) as u from import_feature),
            own_holes as (
                select coalesce(ST_Union(ST_MakePolygon(ST_InteriorRingN(p.geom, i))), ST_GeomFromText('POLYGON EMPTY', 32648)) as h
                from import_feature f, ST_Dump(f.metric) p, generate_series(1, ST_NumInteriorRings(p.geom)) i),
            filled as (select ST_Union(ST_MakePolygon(ST_ExteriorRing(p.geom))) as f from layer, ST_Dump(layer.u) p),
            closed as (select ST_Buffer(ST_Buffer(u, @bridge, 'join=mitre'), -@bridge, 'join=mitre') as c from layer),
            pieces as (
                select (ST_Dump(ST_Difference(ST_Difference(ST_Union(closed.c, filled.f), layer.u), own_holes.h))).geom as g
                from layer, own_holes, filled, closed),
            gaps as (
                select ST_Area(g) as area, ST_Transform(ST_PointOnSurface(g), 4326) as at,
                       array(select f.label from import_feature f where ST_DWithin(f.metric, g, @touch) order by f.label) as touching
                from pieces where ST_Area(g) > @min)
            select area, touching, ST_Y(at), ST_X(at) from gaps
            where cardinality(touching) >= 2
            order by area desc
            """, r => new Gap(r.GetDouble(0), r.GetFieldValue<string[]>(1), r.GetDouble(2), r.GetDouble(3)), ct,
            P("bridge", GapBridgeMetres), P("touch", TouchMetres), P("min", ReportedAboveM2));

    /// <summary>
    /// Builds the kecamatan of the new generation as the union of their (repaired) kelurahan, in EPSG:4326 like the
    /// stored layer, and repairs a union that comes out invalid the same way as an imported geometry. The name
    /// conflicts were refused in memory; here each kecamatan just takes the name its kelurahan agree on.
    /// </summary>
    private static async Task<List<RepairedGeometry>> DissolveParentsAsync(Sql sql, List<string> errors, CancellationToken ct)
    {
        await sql.ExecuteAsync("""
            create temp table import_parent on commit drop as
            select parent_code as code, min(parent_name) as name, substring(parent_code from '^[^.]+\.[^.]+') as parent_code,
                   ST_Union(geom) as geom, null::text as invalid_reason
            from import_feature where parent_code is not null
            group by parent_code;
            update import_parent set invalid_reason = nullif(ST_IsValidReason(geom), 'Valid Geometry');
            update import_parent set geom = ST_Multi(case when invalid_reason is null then ST_CollectionExtract(geom, 3)
                                                          else ST_CollectionExtract(ST_MakeValid(geom, 'method=structure'), 3) end);
            """, ct);
        var repaired = await sql.QueryAsync(
            "select code, invalid_reason, ST_IsEmpty(geom) from import_parent where invalid_reason is not null order by code",
            r => (Code: r.GetString(0), Reason: r.GetString(1), Empty: r.GetBoolean(2)), ct);
        foreach (var collapsed in repaired.Where(r => r.Empty))
            errors.Add($"kecamatan {collapsed.Code}: the union of its kelurahan is invalid ({collapsed.Reason}) and nothing of it is left once repaired");
        return repaired.Where(r => !r.Empty).Select(r => new RepairedGeometry(r.Code, r.Reason)).ToList();
    }

    /// <summary>
    /// Pairs every kelurahan of the new generation with its kecamatan there. Importing kelurahan, a missing kecamatan
    /// refuses the file; importing kecamatan, it only warns (the kelurahan file that matches comes next).
    /// </summary>
    private static async Task<List<OutsideParent>> CheckParentsAsync(Sql sql, BoundaryLevel level, int? activeId,
        List<string> errors, List<string> warnings, CancellationToken ct)
    {
        const string imported = "select label as code, parent_code, metric from import_feature";
        const string copied = """
            select code, parent_code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geometry, 32648)), 3)) as metric
            from boundaries where generation_id = @active and level = @level
            """;
        var (kelurahan, kecamatan, copiedLevel) = level == BoundaryLevel.Kelurahan
            ? (imported, copied, BoundaryLevel.Kecamatan)
            : (copied, imported, BoundaryLevel.Kelurahan);
        var pairs = await sql.QueryAsync($"""
            with kelurahan as ({kelurahan}), kecamatan as ({kecamatan})
            select k.code, k.parent_code, p.code is not null, coalesce(ST_Area(ST_Difference(k.metric, p.metric)), 0)
            from kelurahan k left join lateral (select * from kecamatan p where p.code = k.parent_code limit 1) p on true
            where k.parent_code is not null
            order by k.code
            """, r => (Code: r.GetString(0), Parent: r.GetString(1), Found: r.GetBoolean(2), Outside: r.GetDouble(3)), ct,
            P("active", activeId), P("level", copiedLevel.ToString()));

        foreach (var missing in pairs.Where(p => !p.Found).GroupBy(p => p.Parent))
        {
            var children = string.Join(", ", missing.Select(p => p.Code));
            if (level == BoundaryLevel.Kelurahan)
                errors.Add(activeId is null
                    ? $"kecamatan {missing.Key} (parent of {children}) does not exist: there is no active generation yet, so import the kecamatan file first"
                    : $"kecamatan {missing.Key} (parent of {children}) does not exist in active generation {activeId}; import a kecamatan file that has it first");
            else
                warnings.Add($"kecamatan {missing.Key} is not in this file but kelurahan {children} of generation {activeId} belong to it; import the matching kelurahan file next");
        }
        return pairs.Where(p => p.Found && p.Outside > ReportedAboveM2)
            .OrderByDescending(p => p.Outside)
            .Select(p => new OutsideParent(p.Code, p.Parent, p.Outside))
            .ToList();
    }

    // ---- commit ---------------------------------------------------------------------------------------------------

    private static async Task<int> ActivateNewGenerationAsync(UjarDb db, Sql sql, string path, ImportOptions options, int? activeId,
        BoundaryLevel otherLevel, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var levels = options.DissolveParents ? "kelurahan with kecamatan dissolved from them" : options.Level.ToString().ToLowerInvariant();
        var source = $"{(options.SourceLabel is { } label ? label + ": " : "")}{Path.GetFileName(path)}, {levels}, imported {now:yyyy-MM-dd HH:mm:ss}Z";
        var generation = new BoundaryGeneration { CreatedAt = now, IsActive = false, Source = source.Length > 500 ? source[..500] : source };
        db.BoundaryGenerations.Add(generation);
        await db.SaveChangesAsync(ct);

        await sql.ExecuteAsync("""
            insert into boundaries (generation_id, level, code, name, parent_code, geometry)
            select @generation, @level, code, name, parent_code, geom from import_feature order by number
            """, ct, P("generation", generation.Id), P("level", options.Level.ToString()));
        if (options.DissolveParents)
            await sql.ExecuteAsync("""
                insert into boundaries (generation_id, level, code, name, parent_code, geometry)
                select @generation, @other, code, name, parent_code, geom from import_parent order by code
                """, ct, P("generation", generation.Id), P("other", otherLevel.ToString()));
        else
            await sql.ExecuteAsync("""
                insert into boundaries (generation_id, level, code, name, parent_code, geometry)
                select @generation, level, code, name, parent_code, geometry from boundaries
                where generation_id = @active and level = @other order by id
                """, ct, P("generation", generation.Id), P("active", activeId), P("other", otherLevel.ToString()));

        // At most one generation may be active (partial unique index), so the old one steps down first.
        await db.BoundaryGenerations.Where(g => g.IsActive).ExecuteUpdateAsync(s => s.SetProperty(g => g.IsActive, false), ct);
        await db.BoundaryGenerations.Where(g => g.Id == generation.Id).ExecuteUpdateAsync(s => s.SetProperty(g => g.IsActive, true), ct);
        // Delivered at commit, so running servers reload exactly when the new generation becomes visible.
        await sql.ExecuteAsync($"NOTIFY {RoutingReloader.Channel}", ct);
        return generation.Id;
    }

    // ---- raw SQL on the context's connection and transaction ------------------------------------------------------

    private static NpgsqlParameter P(string name, object? value) => new(name, value ?? DBNull.Value);

    private sealed class Sql(DbConnection connection, DbTransaction transaction)
    {
        public async Task ExecuteAsync(string text, CancellationToken ct, params NpgsqlParameter[] parameters)
        {
            await using var command = Command(text, parameters);
            await command.ExecuteNonQueryAsync(ct);
        }

        public async Task<T> ScalarAsync<T>(string text, CancellationToken ct, params NpgsqlParameter[] parameters)
        {
            await using var command = Command(text, parameters);
            return (T)(await command.ExecuteScalarAsync(ct))!;
        }

        public async Task<List<T>> QueryAsync<T>(string text, Func<NpgsqlDataReader, T> row, CancellationToken ct, params NpgsqlParameter[] parameters)
        {
            await using var command = Command(text, parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct)) rows.Add(row(reader));
            return rows;
        }

        private NpgsqlCommand Command(string text, NpgsqlParameter[] parameters)
        {
            // The default 30 s is for a request; a national layer's checks run for minutes, and an operator is waiting for them.
            var command = new NpgsqlCommand(text, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction) { CommandTimeout = 0 };
            command.Parameters.AddRange(parameters);
            return command;
        }
    }
}
