using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Routing;

public static class RoutingApi
{
    public sealed record RoutePreview(CodeName Kelurahan, CodeName Kecamatan, CodeName? Opd, bool Snapped, double SnappedMeters, int BoundaryGeneration);

    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/route", PreviewRoute).WithTags("Routing")
            .WithSummary("Where a pin would be routed, without storing anything")
            .Produces<RoutePreview>().ProducesProblem(400).ProducesProblem(422);
        return app;
    }

    private static IResult PreviewRoute(ComplaintRouter router, City city, string? lat = null, string? lon = null, string? category = null)
    {
        if (ComplaintRules.CheckQueryCoordinates(lat, lon, out var latitude, out var longitude) is { } problem) return problem;
        if (!string.IsNullOrWhiteSpace(category) && !router.IsKnownCategory(category))
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["category"] = new($"kategori '{category}' tidak dikenal", $"unknown category '{category}'"),
            });
        if (router.Route(longitude, latitude, category) is not { } decision) return Problems.OutsideServiceArea(city);
        return TypedResults.Ok(new RoutePreview(
            new CodeName(decision.Area.Kelurahan.Code, decision.Area.Kelurahan.Name),
            new CodeName(decision.Area.Kecamatan.Code, decision.Area.Kecamatan.Name),
            decision.Opd is { } opd ? new CodeName(opd.Code, opd.Name) : null,
            decision.Area.Snapped, Math.Round(decision.Area.DistanceMeters, 1), decision.Area.GenerationId));
    }
}
