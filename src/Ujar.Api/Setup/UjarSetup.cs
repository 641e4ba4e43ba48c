using Npgsql;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.IO.Converters;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Hotspots;
using Ujar.Api.Photos;
using Ujar.Api.Routing;

namespace Ujar.Api.Setup;

public static class UjarSetup
{
    /// <summary>The database: one pooled DbContext factory over Npgsql + NetTopologySuite. The connection string is
    /// read when first needed, so an embedded cluster started after <c>Build()</c> can still supply it.</summary>
    /// <remarks>Pooled connections are handed on without Npgsql's session reset (RESET ALL, CLOSE ALL, UNLISTEN *,
    /// advisory unlocks… sent with the next use of the connection): Ujar keeps no session state (settings are
    /// <c>SET LOCAL</c>, advisory locks transaction-scoped, no temp tables), so the reset was work for PostgreSQL on every
    /// request for nothing.</remarks>
    public static IServiceCollection AddUjarDatabase(this IServiceCollection services)
    {
        services.AddPooledDbContextFactory<UjarDb>((sp, options) => options
            .UseNpgsql(new NpgsqlConnectionStringBuilder(ConnectionString(sp.GetRequiredService<IConfiguration>())) { NoResetOnClose = true }
                .ConnectionString, npgsql => npgsql.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention());
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<UjarDb>>().CreateDbContext());
        return services;
    }

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Ujar")
        ?? throw new InvalidOperationException("No database: set ConnectionStrings__Ujar (or run `serve` without it for an embedded one)");

    public static IServiceCollection AddComplaintRouting(this IServiceCollection services)
    {
        services.AddSingleton<ComplaintRouter>();
        services.AddSingleton<WorkingCalendars>();
        services.AddHostedService<RoutingReloader>();
        return services;
    }

    /// <summary>The deadline watcher (<c>Ujar:Sla:IntervalSeconds</c>): closes unanswered resolved complaints, escalates overdue ones.</summary>
    public static IServiceCollection AddSlaWatcher(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration("Ujar:Sla")
            .Validate(o => o.IntervalSeconds >= 1, "Ujar:Sla:IntervalSeconds must be at least 1")
            .ValidateOnStart();
        services.AddSingleton<SlaWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaWatcher>());
        return services;
    }

    /// <summary>The hotspot layers' in-memory copy of every complaint, kept current from the live event log.</summary>
    public static IServiceCollection AddComplaintPoints(this IServiceCollection services)
    {
        services.AddSingleton<ComplaintPoints>();
        services.AddHostedService(sp => sp.GetRequiredService<ComplaintPoints>());
        return services;
    }

    /// <summary>The hotspot layers' caches: hex grids per (boundary generation, cell size), and computed layers for a few
    /// seconds so a burst of identical requests computes once; the wet months of the weekly chart (<c>Ujar:Hotspots</c>).</summary>
    public static IServiceCollection AddHotspotLayers(this IServiceCollection services)
    {
        services.AddOptions<HotspotOptions>().BindConfiguration("Ujar:Hotspots")
            .PostConfigure(o => o.WetMonths ??= HotspotOptions.DefaultWetMonths)
            .Validate(HotspotOptions.AreValid, "Ujar:Hotspots:WetMonths must list distinct months 1–12")
            .ValidateOnStart();
        return services.AddMemoryCache();
    }

    /// <summary>Complaint photos: re-encoded JPEGs in the media folder (<c>Ujar:MediaPath</c>), checked at start.</summary>
    public static IServiceCollection AddPhotos(this IServiceCollection services)
    {
        services.AddOptions<PhotoOptions>().BindConfiguration("Ujar")
            .PostConfigure(o => o.MediaPath = Path.GetFullPath(string.IsNullOrWhiteSpace(o.MediaPath) ? PhotoOptions.DefaultMediaPath() : o.MediaPath))
            .Validate(PhotoOptions.FolderIsUsable, "Ujar:MediaPath: the media folder cannot be created")
            .ValidateOnStart();
        services.AddSingleton<DecodeShares>();
        services.AddSingleton<PhotoStore>();
        return services;
    }

    /// <summary>JSON with GeoJSON geometries, RFC 7807 answers in both languages, and the OpenAPI document.</summary>
    public static IServiceCollection AddUjarHttp(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new GeoJsonConverterFactory()));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Extensions.ContainsKey("code")) return;
            var (code, title) = problem.Status switch
            {
                400 => ("bad_request", new Bilingual("Permintaan tidak valid", "Bad request")),
                401 => ("unauthorized", new Bilingual("Perlu masuk sebagai petugas", "Staff sign-in required")),
                403 => ("forbidden", new Bilingual("Akses ditolak", "Forbidden")),
                404 => ("not_found", new Bilingual("Tidak ditemukan", "Not found")),
                405 => ("method_not_allowed", new Bilingual("Metode tidak diizinkan", "Method not allowed")),
                408 => ("request_timeout", new Bilingual("Permintaan terlalu lambat dikirim", "Request sent too slowly")),
                413 => ("payload_too_large", new Bilingual("Isi permintaan terlalu besar", "Request body too large")),
                415 => ("unsupported_media_type", new Bilingual("Jenis konten tidak didukung", "Unsupported media type")),
                429 => ("too_many_requests", new Bilingual("Terlalu banyak permintaan", "Too many requests")),
                < 500 => ("client_error", new Bilingual("Permintaan tidak dapat diproses", "The request cannot be processed")),
                503 => ("service_unavailable", new Bilingual("Layanan sedang tidak tersedia, coba lagi sebentar lagi", "Service temporarily unavailable, try again shortly")),
                _ => ("server_error", new Bilingual("Terjadi kesalahan pada server", "Server error")),
            };
            problem.Title = title.Id;
            problem.Extensions["code"] = code;
            problem.Extensions["titleEn"] = title.En;
        });
        // A body or value minimal APIs cannot bind is thrown to ClientFaults, which tells broken JSON from other mistakes;
        // handlers run in this order, so a NUL that PostgreSQL refused is the client's 422 before anything else.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ClientFaults>();
        services.AddExceptionHandler<DatabaseAway>();
        services.AddOpenApi();
        return services;
    }

    public static WebApplication UseUjarHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(UrlChecks.RefuseNul);
        // One document, at a fixed path: the framework's {documentName} route answered an unknown name in plain text.
        app.MapOpenApi("/openapi/v1.json");
        return app;
    }
}
