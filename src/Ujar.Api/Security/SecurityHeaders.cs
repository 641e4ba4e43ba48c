using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Ujar.Api.Setup;

namespace Ujar.Api.Security;

/// <summary>
/// Headers on every answer: a Content-Security-Policy that lets the pages load only our own scripts, styles and API (the
/// live hub over ws/wss of the same origin included) and images from us and the configured tile server; <c>nosniff</c>;
/// a referrer policy that tells other sites (the tile server) our origin but never a page's path, which may hold a
/// ticket; and, over HTTPS (also behind a configured TLS-terminating proxy), HSTS and the staff cookie marked
/// <c>Secure</c>. Kestrel sends no <c>Server</c> header.
/// </summary>
public static partial class SecurityHeaders
{
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";
    public static readonly TimeSpan HstsMaxAge = TimeSpan.FromDays(365);

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.AddOptions<MapConfig>()
            .Validate(m => TryTileSource(m.TileUrl, out _),
                "Ujar:Map:TileUrl must be a path on this site or an http(s) URL whose host a Content-Security-Policy can name: "
                + "a placeholder such as {s} only as the whole first label (https://{s}.tile.example.org/{z}/{x}/{y}.png)")
            .ValidateOnStart();
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        // Not the city's other sub-domains: they are not ours to pin to HTTPS.
        services.AddHsts(o => o.MaxAge = HstsMaxAge);
        // Secure exactly when the request came over HTTPS (the proxy's X-Forwarded-Proto included), so a sign-in over
        // HTTPS never hands out a cookie a plain-HTTP request would carry.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme,
            o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    /// <summary>After the forwarded headers, so an HTTPS request behind the proxy is known as one.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<MapConfig>>().Value.TileUrl);
        Func<object, Task> addHeaders = state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = ReferrerPolicy;
            return Task.CompletedTask;
        };
        // When the answer starts, so an error page written after the headers were cleared carries them too.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(addHeaders, context.Response);
            return next(context);
        });
        app.UseHsts();
        return app;
    }

    public static string ContentSecurityPolicy(string tileUrl)
    {
        TryTileSource(tileUrl, out var tiles);
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            $"img-src 'self' data: blob:{(tiles is null ? "" : " " + tiles)}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>[^/?#:]+)(?<port>:\d{1,5})?(?:[/?#].*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AbsoluteTileUrl();

    [GeneratedRegex(@"^[a-z0-9-]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();

    /// <summary>
    /// The CSP source for a Leaflet tile URL template: <c>https://{s}.tile.example.org/{z}/{x}/{y}.png</c> →
    /// <c>https://*.tile.example.org</c>; a path on this site (<c>/tiles/{z}/{x}/{y}.png</c>) needs none ('self' covers it).
    /// False for a template CSP cannot name (a placeholder inside a label or past the first).
    /// </summary>
    public static bool TryTileSource(string tileUrl, out string? source)
    {
        source = null;
        if (tileUrl.StartsWith('/') && !tileUrl.StartsWith("//", StringComparison.Ordinal)) return true;
        if (AbsoluteTileUrl().Match(tileUrl) is not { Success: true } url) return false;
        var labels = url.Groups["host"].Value.Split('.');
        // {s} as the whole first label of a name with at least two more: CSP's leading wildcard says the same.
        var wildcard = labels[0].StartsWith('{') && labels[0].EndsWith('}') && labels.Length > 2;
        if (!labels.Skip(wildcard ? 1 : 0).All(l => HostLabel().IsMatch(l))) return false;
        if (wildcard) labels[0] = "*";
        source = $"{url.Groups["scheme"].Value.ToLowerInvariant()}://{string.Join('.', labels).ToLowerInvariant()}{url.Groups["port"].Value}";
        return true;
    }
}
