using System.Net;
using Microsoft.Extensions.Options;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Security;

/// <summary>No reverse proxy configured: the service as a quick start runs it.</summary>
public sealed class UnproxiedCityApp : KestrelCityApp;

/// <summary>Proxies configured by network; the empty entry is how docker-compose.yml passes an unset variable.</summary>
public sealed class NetworkProxiedCityApp : KestrelCityApp
{
    protected override Dictionary<string, string> Settings() => new()
    {
        ["Ujar:ForwardedHeaders:KnownProxies:0"] = "",
        ["Ujar:ForwardedHeaders:KnownNetworks:0"] = "127.0.10.0/24",
    };
}

/// <summary>Forwarded headers count only from configured proxies; with none configured, from nobody, not even loopback
/// (which ASP.NET Core would otherwise believe). Seen through what HTTPS turns on: HSTS.</summary>
public sealed class ForwardedClientsTests(UnproxiedCityApp unproxied, NetworkProxiedCityApp proxied)
    : IClassFixture<UnproxiedCityApp>, IClassFixture<NetworkProxiedCityApp>
{
    private static async Task<bool> SeenAsHttpsAsync(HttpClient client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/config");
        request.Headers.Host = "ujar.kota-uji.example";
        request.Headers.Add("X-Forwarded-For", "198.51.100.40");
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.Contains("Strict-Transport-Security");
    }

    [Fact]
    public async Task Without_configured_proxies_no_sender_is_believed_not_even_loopback() =>
        Assert.False(await SeenAsHttpsAsync(unproxied.ClientFrom("127.0.0.1")));

    [Fact]
    public async Task A_sender_inside_a_configured_network_is_believed_and_one_outside_is_not()
    {
        Assert.True(await SeenAsHttpsAsync(proxied.ClientFrom("127.0.10.5")));
        Assert.False(await SeenAsHttpsAsync(proxied.ClientFrom("127.0.11.5")));
    }

    [Theory]
    [InlineData("KnownProxies", "10.0.0.300")]
    [InlineData("KnownNetworks", "10.0.0.0/33")]
    [InlineData("KnownNetworks", "nginx")]
    public async Task A_proxy_that_is_no_address_or_network_stops_the_start(string list, string value)
    {
        await using var app = new UjarApp(unproxied.App.ConnectionString,
            new Dictionary<string, string> { [$"Ujar:ForwardedHeaders:{list}:0"] = value });
        var refused = Assert.Throws<OptionsValidationException>(() => app.Server);
        Assert.Contains("Ujar:ForwardedHeaders", refused.Message);
    }
}
