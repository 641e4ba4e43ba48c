using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Ujar.Api.Security;

/// <summary>Marks an endpoint whose answers carry a secret (a reporter token, an access token, a new channel key, the
/// hub's connection token): never compressed, never stored by a cache.</summary>
public sealed class CarriesSecretsMetadata
{
    public static readonly CarriesSecretsMetadata Instance = new();
}

/// <summary>
/// Brotli or gzip, as the client accepts, for the text the service sends: JSON, GeoJSON, CSV, XML and the map's own
/// HTML, scripts and styles (a hotspot layer's 1.5 MB of GeoJSON becomes a few hundred KB). Photos (JPEG) are never
/// compressed. Neither is an answer that carries a secret (<see cref="CarriesSecrets{TBuilder}"/>): compression beside
/// text an attacker chooses (a description, a query parameter) lets the compressed length reveal the secret a byte at
/// a time (BREACH). Such answers also get <c>Cache-Control: no-store</c>.
/// </summary>
public static class Compression
{
    public static readonly string[] MimeTypes =
    [
        "application/json", "application/problem+json", "application/geo+json", "text/csv", "text/xml", "application/xml",
        "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain",
        // The planners' GeoPackage export: an SQLite file of repeated column text and coordinates, which compresses well.
        Hotspots.HotspotGeoPackage.ContentType,
    ];

    /// <summary>One line in a route table: the answers of this endpoint carry a secret.</summary>
    public static TBuilder CarriesSecrets<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CarriesSecretsMetadata.Instance);

    public static IServiceCollection AddCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // The secrets rule below is what BREACH needs; HTTPS alone is no reason to send more bytes.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = MimeTypes;
        });
        // Brotli's fastest setting (quality 1) made the 1.5 MB hex layer 394 KB, larger than gzip's fastest (315 KB);
        // quality 4 ("Optimal") makes it smaller than both at about the same time (README, Abuse limits).
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Optimal);
        services.AddSingleton<IResponseCompressionProvider, SecretsUncompressed>();
        return services;
    }

    public static WebApplication UseCompression(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<CarriesSecretsMetadata>() is not null)
                context.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        app.UseResponseCompression();
        return app;
    }

    private sealed class SecretsUncompressed(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) =>
            context.GetEndpoint()?.Metadata.GetMetadata<CarriesSecretsMetadata>() is null && base.ShouldCompressResponse(context);
    }
}
