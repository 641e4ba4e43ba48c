using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Boundaries;

public static class BoundariesApi
{
    public static IEndpointRouteBuilder MapBoundaries(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/boundaries", GetBoundaries).WithTags("Boundaries")
            .WithSummary("Kecamatan or kelurahan of the active generation as GeoJSON");
        return app;
    }

    private static async Task<IResult> GetBoundaries(UjarDb db, CancellationToken ct, string? level = "kelurahan")
    {
        if (!Enum.TryParse<BoundaryLevel>(level, ignoreCase: true, out var boundaryLevel) || !Enum.IsDefined(boundaryLevel))
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["level"] = new("level harus 'kecamatan' atau 'kelurahan'", "level must be 'kecamatan' or 'kelurahan'"),
            });

        var boundaries = await db.Boundaries.AsNoTracking()
            .Where(b => b.Level == boundaryLevel && db.BoundaryGenerations.Any(g => g.Id == b.GenerationId && g.IsActive))
            .OrderBy(b => b.Code)
            .ToListAsync(ct);

        var collection = new FeatureCollection();
        foreach (var b in boundaries)
            collection.Add(new Feature(b.Geometry, new AttributesTable
            {
                { "code", b.Code }, { "name", b.Name }, { "parentCode", b.ParentCode },
                { "level", b.Level.ToString().ToLowerInvariant() }, { "generation", b.GenerationId },
            }));
        return TypedResults.Ok(collection);
    }
}
