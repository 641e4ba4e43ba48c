using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ujar.Api.Data;
using Ujar.Api.Routing;

namespace Ujar.Api.Setup;

/// <summary>
/// <c>/healthz/live</c>: the process answers (a liveness probe restarts it when it does not). <c>/healthz/ready</c>: every
/// check tagged <see cref="Ready"/> passes, so the instance can take traffic (a readiness probe or load balancer sends it
/// none until then); <c>503</c> ProblemDetails naming the failing checks otherwise. A check that reports itself
/// degraded (Redis, Live/RedisReachable.cs) leaves the instance ready, answered <c>200 {"status":"degraded"}</c>.
/// <c>/healthz</c>: the older summary with the PostGIS version. A feature adds its own checks, tagged <see cref="Ready"/>.
/// </summary>
public static class HealthApi
{
    public const string Ready = "ready";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public sealed record Health(string Status, string? PostGis, int? BoundaryGeneration, string? Error);

    public sealed record Alive(string Status);

    /// <param name="Checks">Each check's name and "ok" or "failing".</param>
    public sealed record Readiness(string Status, IReadOnlyDictionary<string, string> Checks);

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReachable>("database", tags: [Ready], timeout: CheckTimeout)
            .AddCheck<BoundariesLoaded>("boundaries", tags: [Ready], timeout: CheckTimeout);
        return services;
    }

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
        app.MapGet("/healthz/live", () => TypedResults.Ok(new Alive("ok"))).WithTags("Health");
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteReadinessAsync,
        }).WithTags("Health");
        return app;
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.Where(e => e.Value.Description != Live.RedisReachable.NotConfigured)
            .ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : "failing");
        if (report.Status != HealthStatus.Unhealthy)
            return context.Response.WriteAsJsonAsync(new Readiness(report.Status == HealthStatus.Healthy ? "ok" : "degraded", checks),
                JsonSerializerOptions.Web);
        // The reasons (an exception's message may name a host) go to the log, which the health check service writes.
        var failing = string.Join(", ", checks.Where(c => c.Value != "ok").Select(c => c.Key));
        var problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, "not_ready",
            new Bilingual("Layanan belum siap", "Service not ready"),
            new Bilingual($"Pemeriksaan yang gagal: {failing}.", $"Failing checks: {failing}."));
        problem.Extensions["checks"] = checks;
        return Problems.Result(problem).ExecuteAsync(context);
    }

    /// <summary>A round trip to PostgreSQL.</summary>
    private sealed class DatabaseReachable(IDbContextFactory<UjarDb> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("database unreachable", ex);
            }
        }
    }

    /// <summary>An active boundary generation in the router: without it every complaint would be refused.</summary>
    private sealed class BoundariesLoaded(ComplaintRouter router) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
            Task.FromResult(router.ActiveGenerationId is null
                ? HealthCheckResult.Unhealthy("no active boundary generation loaded")
                : HealthCheckResult.Healthy());
    }
}
