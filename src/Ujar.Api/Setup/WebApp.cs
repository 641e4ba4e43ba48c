using System.Net;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;

namespace Ujar.Api.Setup;

/// <summary>The map's tile server, bound from <c>Ujar:Map</c>. The tile server is a deployment choice (a city may host
/// its own or buy a commercial one), so it is configuration; where the map opens belongs to the city folder.</summary>
public sealed class MapConfig
{
    public const string Section = "Ujar:Map";
    public const string OpenStreetMapTiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    public const string OpenStreetMapAttribution = "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>";

    public string TileUrl { get; set; } = OpenStreetMapTiles;
    public string TileAttribution { get; set; } = OpenStreetMapAttribution;
}

/// <summary>
/// The citizens' map (web/, built by Vite into web/dist) served from the API's own origin, and its settings at
/// <c>GET /api/config</c>. Only the pages of the app (map, tracking, planners) fall back to index.html, so an unknown
/// API path stays a 404 ProblemDetails instead of becoming an HTML page.
/// </summary>
public static class WebApp
{
    /// <summary>The front end's settings: tiles, the start view, and the city's names, ticket prefix and boundary source.</summary>
    public sealed record MapSettings(string TileUrl, string TileAttribution, double[] Center, int Zoom, CitySettings City);

    public sealed record CitySettings(string Name, string NameEn, string ShortName, string TicketPrefix, string BoundaryAttribution);

    public static IServiceCollection AddWebApp(this IServiceCollection services)
    {
        services.AddOptions<MapConfig>().BindConfiguration(MapConfig.Section)
            .Validate(m => !string.IsNullOrWhiteSpace(m.TileUrl), "Ujar:Map:TileUrl must not be empty")
            .ValidateOnStart();
        services.AddOptions<PublicSite>().BindConfiguration("Ujar")
            .Validate(PublicSite.IsValid, "Ujar:PublicBaseUrl must be an absolute http(s) address without a query")
            .ValidateOnStart();
        return services;
    }

    public static WebApplication MapWebApp(this WebApplication app)
    {
        var webRoot = LocateWebRoot(app.Configuration);
        if (webRoot is not null)
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(webRoot),
                OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                    context.Context.Request.Path.StartsWithSegments("/assets")
                        // Vite puts a content hash in every name under assets/: a changed file is a new URL.
                        ? "public, max-age=31536000, immutable"
                        : "no-cache",
            });
        }

        app.MapGet("/api/config", (IOptions<MapConfig> options, City city) =>
            {
                var map = options.Value;
                return TypedResults.Ok(new MapSettings(map.TileUrl, map.TileAttribution, city.Map.Center, city.Map.Zoom,
                    new CitySettings(city.Name, city.NameEn, city.ShortName, city.TicketPrefix, city.Boundaries.Attribution)));
            })
            .WithTags("Setup").WithSummary("Settings for the front end: tile server, attribution, start view, the city served");

        app.MapGet("/manifest.webmanifest", Manifest).ExcludeFromDescription();

        var page = (HttpContext context, City city) => AppPage(context, webRoot, city);
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();
        app.MapMethods("/lacak/{ticket}", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();
        app.MapMethods("/perencana", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();
        app.MapMethods("/masuk", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();     // staff sign-in
        app.MapMethods("/petugas", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();   // field crew
        app.MapMethods("/opd", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();       // OPD staff queue
        app.MapMethods("/kinerja", [HttpMethods.Get, HttpMethods.Head], page).ExcludeFromDescription();   // public performance
        return app;
    }

    private static IResult AppPage(HttpContext context, string? webRoot, City city)
    {
        var index = webRoot is null ? null : Path.Combine(webRoot, "index.html");
        if (index is null || !File.Exists(index))
            return Problems.Result(Problems.Create(StatusCodes.Status503ServiceUnavailable, "web_not_built",
                new Bilingual("Peta belum dibangun", "The map has not been built"),
                new Bilingual("Jalankan `npm ci && npm run build` di folder web/ (src/run.sh melakukannya), lalu muat ulang. API tetap tersedia di /api.",
                    "Run `npm ci && npm run build` in web/ (src/run.sh does it), then reload. The API is available under /api meanwhile.")));
        // index.html names the hashed assets of the current build, so it must be revalidated on every load.
        context.Response.Headers.CacheControl = "no-cache";
        var lastModified = File.GetLastWriteTimeUtc(index);
        if (context.Request.Headers.IfModifiedSince is [{ } since] && DateTimeOffset.TryParse(since, out var seen)
            && lastModified <= seen.UtcDateTime.AddSeconds(1))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        context.Response.GetTypedHeaders().LastModified = lastModified;
        return TypedResults.Text(ForCity(File.ReadAllText(index), city), "text/html; charset=utf-8");
    }

    /// <summary>The build is the same for every city; its name and ticket form go in as the page is served, so a citizen on
    /// a slow line reads them before any script has run.</summary>
    private static string ForCity(string html, City city) => html
        .Replace("__CITY_SHORT_NAME__", WebUtility.HtmlEncode(city.ShortName))
        .Replace("__TICKET_EXAMPLE__", WebUtility.HtmlEncode(Tickets.Format(city.TicketPrefix, DateTime.UtcNow.Year, 123)));

    /// <summary>The web app manifest, named after the city (an installed app's name on the phone's home screen).</summary>
    private static IResult Manifest(City city) =>
        TypedResults.Json(new
        {
            name = $"Ujar · {city.ShortName}",
            short_name = "Ujar",
            description = $"Laporkan masalah kota di {city.ShortName} dan pantau penanganannya.",
            lang = "id", id = "/", start_url = "/", scope = "/", display = "standalone", orientation = "portrait",
            background_color = "#f3f6f8", theme_color = "#0b5c7a",
            icons = new object[]
            {
                new { src = "/icon-192.png", sizes = "192x192", type = "image/png", purpose = "any maskable" },
                new { src = "/icon-512.png", sizes = "512x512", type = "image/png", purpose = "any maskable" },
                new { src = "/icon.svg", sizes = "any", type = "image/svg+xml", purpose = "any" },
            },
        }, contentType: "application/manifest+json");

    /// <summary><c>Ujar:WebRoot</c> when set; else the nearest web/dist above the working or application folder
    /// (/app/web/dist in the Docker image); null when the front end has not been built.</summary>
    public static string? LocateWebRoot(IConfiguration configuration)
    {
        if (configuration["Ujar:WebRoot"] is { Length: > 0 } configured)
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "web", "dist");
                if (File.Exists(Path.Combine(candidate, "index.html"))) return candidate;
            }
        }
        return null;
    }
}
