using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Boundaries;

public static class BoundariesApi
{
    public const int MaxZoom = 22;

    /// <summary>
    /// Outlines are simplified to within half a pixel of the zoom asked for (at the equator, where a pixel spans the
    /// most degrees): the map cannot show the difference, and a national layer shrinks to what a screen can hold.
    /// </summary>
    private const double ToleranceInPixels = 0.5;

    private const double DegreesPerPixelAtZoom0 = 360.0 / 256;

    public static IEndpointRouteBuilder MapBoundaries(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/boundaries", GetBoundaries).WithTags("Boundaries")
            .WithSummary("Kecamatan or kelurahan of the active generation as GeoJSON; with bbox and zoom, only those in the box, " +
                         "cut to it and simplified for the zoom");
        return app;
    }

    /// <summary>One area as PostGIS cuts and simplifies it for a map view.</summary>
    public sealed record BoundaryShapeRow(string Code, string Name, string ParentCode, int GenerationId, Geometry Geometry);

    private static async Task<IResult> GetBoundaries(UjarDb db, CancellationToken ct, string? level = "kelurahan",
        string? bbox = null, string? zoom = null)
    {
        var errors = new Dictionary<string, Bilingual>();
        if (!Enum.TryParse<BoundaryLevel>(level, ignoreCase: true, out var boundaryLevel) || !Enum.IsDefined(boundaryLevel))
            errors["level"] = new("level harus 'kecamatan' atau 'kelurahan'", "level must be 'kecamatan' or 'kelurahan'");
        var box = ComplaintFilter.Parse(bbox, null, null, null, null, null, null);
        if (box.Problem is not null)
            errors["bbox"] = new("bbox harus berupa minLon,minLat,maxLon,maxLat dengan minLon < maxLon dan minLat < maxLat",
                "bbox must be minLon,minLat,maxLon,maxLat with minLon < maxLon and minLat < maxLat");
        int? z = null;
        if (!string.IsNullOrWhiteSpace(zoom))
        {
            if (int.TryParse(zoom, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= MaxZoom) z = parsed;
            else errors["zoom"] = new($"zoom harus bilangan bulat 0–{MaxZoom}", $"zoom must be a whole number 0–{MaxZoom}");
        }
        // Half a view is no view: a box without a zoom cannot be simplified, a zoom without a box would be the whole country.
        if (errors.Count == 0 && (box.Box is null) != (z is null))
            errors[box.Box is null ? "bbox" : "zoom"] = new("bbox dan zoom harus diisi bersama", "bbox and zoom go together");
        if (errors.Count > 0) return Problems.Validation(errors);

        var collection = new FeatureCollection();
        if (box.Box is null)
        {
            var boundaries = await db.Boundaries.AsNoTracking()
                .Where(b => b.Level == boundaryLevel && db.BoundaryGenerations.Any(g => g.Id == b.GenerationId && g.IsActive))
                .OrderBy(b => b.Code)
                .ToListAsync(ct);
            foreach (var b in boundaries) collection.Add(Feature(b.Code, b.Name, b.ParentCode, boundaryLevel, b.GenerationId, b.Geometry));
        }
        else
        {
            foreach (var b in await InViewAsync(db, boundaryLevel, box.Box.EnvelopeInternal, z!.Value, ct))
                collection.Add(Feature(b.Code, b.Name, b.ParentCode, boundaryLevel, b.GenerationId, b.Geometry));
        }
        return TypedResults.Ok(collection);
    }

    /// <summary>
    /// The areas whose box meets the view, cut to it (ST_ClipByBox2D: cheap, and the cut edges lie where the client's
    /// padded view ends) and simplified for the zoom. Areas smaller than a pixel are left out: at that zoom they would be
    /// a dot, and at national scale they are most of the rows.
    /// </summary>
    private static async Task<List<BoundaryShapeRow>> InViewAsync(UjarDb db, BoundaryLevel level, Envelope view, int zoom, CancellationToken ct)
    {
        var pixel = DegreesPerPixelAtZoom0 / Math.Pow(2, zoom);
        var rows = await db.Database.SqlQueryRaw<BoundaryShapeRow>("""
            SELECT b.code, b.name, b.parent_code, b.generation_id,
                   ST_SimplifyPreserveTopology(ST_ClipByBox2D(b.geometry, v.box), @tolerance) AS geometry
            FROM boundaries b
            JOIN boundary_generations g ON g.id = b.generation_id AND g.is_active
            CROSS JOIN (SELECT ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326)::box2d AS box) v
            WHERE b.level = @level AND b.geometry && v.box::geometry
              AND greatest(ST_XMax(b.geometry) - ST_XMin(b.geometry), ST_YMax(b.geometry) - ST_YMin(b.geometry)) >= @pixel
            ORDER BY b.code
            """,
            new NpgsqlParameter<double>("min_lon", view.MinX), new NpgsqlParameter<double>("min_lat", view.MinY),
            new NpgsqlParameter<double>("max_lon", view.MaxX), new NpgsqlParameter<double>("max_lat", view.MaxY),
            new NpgsqlParameter<string>("level", level.ToString()),
            new NpgsqlParameter<double>("tolerance", pixel * ToleranceInPixels), new NpgsqlParameter<double>("pixel", pixel))
            .ToListAsync(ct);
        // A sliver of an area that only grazes the view can simplify away.
        return rows.Where(b => !b.Geometry.IsEmpty).ToList();
    }

    private static Feature Feature(string code, string name, string parentCode, BoundaryLevel level, int generationId, Geometry geometry) =>
        new(geometry, new AttributesTable
        {
            { "code", code }, { "name", name }, { "parentCode", parentCode },
            { "level", level.ToString().ToLowerInvariant() }, { "generation", generationId },
        });
}
