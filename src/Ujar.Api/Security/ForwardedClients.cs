using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Ujar.Api.Security;

/// <summary><c>Ujar:ForwardedHeaders</c>: the reverse proxies (addresses, and networks in CIDR form) whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Ujar:ForwardedHeaders";

    public string[] KnownProxies { get; set; } = [];
    public string[] KnownNetworks { get; set; } = [];

    // An empty entry is none (docker-compose.yml passes an unset variable as "").
    public IEnumerable<string> Proxies => KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim());
    public IEnumerable<string> Networks => KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim());

    public bool Any => Proxies.Any() || Networks.Any();

    public static bool IsValid(ForwardedHeadersSettings s) =>
        s.Proxies.All(p => IPAddress.TryParse(p, out _)) && s.Networks.All(n => System.Net.IPNetwork.TryParse(n, out _));
}

/// <summary>
/// Behind a reverse proxy the client's address and scheme come from its <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>,
/// but only when the connection comes from a configured proxy: anyone else sending the headers changes nothing, so a
/// client cannot pick the address the per-address limits count by, nor claim HTTPS. The list is walked from the right
/// while each hop is a known proxy, so a chain of them (a load balancer, then nginx) works when all are configured.
/// </summary>
public static class ForwardedClients
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .Validate(ForwardedHeadersSettings.IsValid,
                "Ujar:ForwardedHeaders: KnownProxies must be IP addresses and KnownNetworks CIDR ranges (10.0.0.0/8, fd00::/8)")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what is configured counts here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.Proxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in settings.Value.Networks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            // Safe without a limit because every hop consumed must be a known proxy.
            o.ForwardLimit = null;
        });
        return services;
    }

    public static WebApplication UseForwardedClients(this WebApplication app)
    {
        // The middleware with both lists empty believes every sender, the opposite of what an empty list means here.
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Any) app.UseForwardedHeaders();
        return app;
    }
}
