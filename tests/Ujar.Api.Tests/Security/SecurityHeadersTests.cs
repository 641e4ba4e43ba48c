using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Ujar.Api.Security;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Security;

/// <summary>The service on a real socket with one configured reverse proxy (<see cref="Proxy"/>), as deployed behind a
/// TLS-terminating nginx.</summary>
public sealed class ProxiedCityApp : KestrelCityApp
{
    public const string Proxy = "127.0.0.9";

    protected override Dictionary<string, string> Settings() => new() { ["Ujar:ForwardedHeaders:KnownProxies:0"] = Proxy };
}

public sealed class SecurityHeadersTests(ProxiedCityApp city) : IClassFixture<ProxiedCityApp>
{
    private const string ExpectedPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data: blob: https://tile.openstreetmap.org; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        + "form-action 'self'; frame-ancestors 'none'";

    private static HttpRequestMessage OverHttps(HttpMethod method, string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = "ujar.kota-uji.example";
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    private async Task<HttpResponseMessage> SignInWithCookieAsync(HttpClient client, string forwardedFor)
    {
        var email = await city.App.CreateAccountAsync("planner");
        var request = OverHttps(HttpMethod.Post, "/api/auth/login?cookie=true", forwardedFor);
        request.Content = JsonContent.Create(new { email, password = TestAccounts.Password });
        request.Headers.Add("Sec-Fetch-Site", "same-origin");   // as the sign-in page's own request
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    [Theory]
    [InlineData("GET", "/api/config", null, HttpStatusCode.OK)]
    [InlineData("GET", "/api/tidak-ada", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/complaints", "{bukan json", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/healthz/live", null, HttpStatusCode.OK)]
    public async Task Every_answer_carries_the_policy_nosniff_and_referrer_policy_and_no_server_header(string method, string path, string? body,
        HttpStatusCode status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await city.ClientFrom("127.0.8.1").SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ExpectedPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(",", response.Headers.Server)}");
        // Plain HTTP: no HSTS (it would mean nothing, and a browser ignores it there).
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Over_HTTPS_behind_the_configured_proxy_HSTS_is_sent_and_the_staff_cookie_is_Secure()
    {
        var proxy = city.ClientFrom(ProxiedCityApp.Proxy);

        var page = await proxy.SendAsync(OverHttps(HttpMethod.Get, "/api/config", "198.51.100.30"));
        Assert.Equal("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));

        var cookie = Assert.Single((await SignInWithCookieAsync(proxy, "198.51.100.30")).Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("ujar.staff=", cookie);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_client_that_is_no_proxy_cannot_claim_HTTPS()
    {
        var client = city.ClientFrom("127.0.8.2");

        var page = await client.SendAsync(OverHttps(HttpMethod.Get, "/api/config", "198.51.100.31"));
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));

        var cookie = Assert.Single((await SignInWithCookieAsync(client, "198.51.100.31")).Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("ujar.staff=", cookie);
        Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org")]
    [InlineData("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org")]
    [InlineData("https://Peta.Kota.example:8443/tiles/{z}/{x}/{y}.png?key=abc", "https://peta.kota.example:8443")]
    [InlineData("http://tiles.internal.example/{z}/{x}/{y}.png", "http://tiles.internal.example")]
    [InlineData("/tiles/{z}/{x}/{y}.png", null)]
    public void A_tile_template_becomes_the_image_source_a_policy_can_name(string template, string? source)
    {
        Assert.True(SecurityHeaders.TryTileSource(template, out var found));
        Assert.Equal(source, found);
    }

    [Theory]
    [InlineData("https://tiles-{s}.example.org/{z}/{x}/{y}.png")]
    [InlineData("https://a.{s}.example.org/{z}/{x}/{y}.png")]
    [InlineData("https://{s}.org/{z}/{x}/{y}.png")]
    [InlineData("//tiles.example.org/{z}/{x}/{y}.png")]
    [InlineData("ftp://tiles.example.org/{z}/{x}/{y}.png")]
    [InlineData("tiles/{z}/{x}/{y}.png")]
    public void A_tile_template_no_policy_can_name_is_refused(string template) =>
        Assert.False(SecurityHeaders.TryTileSource(template, out _));

    [Fact]
    public async Task The_configured_tile_server_is_in_the_policy_and_one_no_policy_can_name_stops_the_start()
    {
        var connectionString = city.App.ConnectionString;
        await using (var app = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:Map:TileUrl"] = "https://{s}.peta.kota-uji.example/{z}/{x}/{y}.png" }))
        {
            var response = await app.CreateClient().GetAsync("/api/config");
            Assert.Contains("img-src 'self' data: blob: https://*.peta.kota-uji.example;", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        }

        await using var broken = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:Map:TileUrl"] = "https://peta-{s}.kota-uji.example/{z}/{x}/{y}.png" });
        var refused = Assert.Throws<OptionsValidationException>(() => broken.Server);
        Assert.Contains("Ujar:Map:TileUrl", refused.Message);
    }
}
