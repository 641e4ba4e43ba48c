using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Routing;

namespace Ujar.Api.Setup;

public static class HealthApi
{
    public sealed record Health(string Status, string? PostGis, int? BoundaryGeneration, string? Error);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async Task<IResult> (UjarDb db, ComplaintRouter router, CancellationToken ct) =>
        {
            try
            {
                var postgis = await db.Database.SqlQueryRaw<string>("SELECT postgis_lib_version() AS \"Value\"").SingleAsync(ct);
                return TypedResults.Ok(new Health("ok", postgis, router.ActiveGenerationId, null));
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return TypedResults.Json(new Health("unavailable", null, router.ActiveGenerationId, ex.Message), statusCode: 503);
            }
        }).WithTags("Health");
        return app;
    }
}
