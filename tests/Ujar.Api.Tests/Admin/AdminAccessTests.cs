using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Admin;

/// <summary>Who may call the admin API: admins only; anonymous 401, every other role 403, whatever the endpoint.</summary>
public sealed class AdminAccessTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    /// <summary>Every admin endpoint with a request an admin gets a definite answer to (bodies that change nothing).</summary>
    public static TheoryData<string, string, string?, HttpStatusCode> Endpoints() => new()
    {
        { "GET", "/api/admin/users", null, HttpStatusCode.OK },
        { "POST", "/api/admin/users", "{}", HttpStatusCode.UnprocessableEntity },
        { "PATCH", "/api/admin/users/no-such-account", "{}", HttpStatusCode.NotFound },
        { "POST", "/api/admin/users/no-such-account/password", """{"password":"kata-sandi-baru-1"}""", HttpStatusCode.NotFound },
        { "GET", "/api/admin/categories", null, HttpStatusCode.OK },
        { "PUT", "/api/admin/categories/sampah", "{}", HttpStatusCode.UnprocessableEntity },
        { "GET", "/api/admin/opds", null, HttpStatusCode.OK },
        { "POST", "/api/admin/opds", "{}", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/admin/opds/no_such_opd", "{}", HttpStatusCode.NotFound },
        { "GET", "/api/admin/holidays?year=2026", null, HttpStatusCode.OK },
        { "POST", "/api/admin/holidays", "{}", HttpStatusCode.UnprocessableEntity },
        // Wednesday 8 July 2026 is a working day: nothing to delete.
        { "DELETE", "/api/admin/holidays/2026-07-08", null, HttpStatusCode.NotFound },
        { "GET", "/api/admin/channel-keys", null, HttpStatusCode.OK },
        { "POST", "/api/admin/channel-keys", "{}", HttpStatusCode.UnprocessableEntity },
        { "DELETE", "/api/admin/channel-keys/no-such-key", null, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Only_an_admin_gets_past_the_door(string method, string url, string? body, HttpStatusCode adminAnswer)
    {
        using (var anonymous = fixture.App.CreateClient())
        {
            var response = await anonymous.SendAsync(Request(method, url, body));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("unauthorized", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        }
        foreach (var (role, opd) in new[] { (Roles.Planner, (string?)null), (Roles.Crew, "pupr"), (Roles.OpdStaff, "dlh") })
        {
            using var client = await fixture.App.ClientAsAsync(role, opd);
            var response = await client.SendAsync(Request(method, url, body));
            Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{role}: {method} {url} answered {response.StatusCode}");
            Assert.Equal("forbidden", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        }
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        Assert.Equal(adminAnswer, (await admin.SendAsync(Request(method, url, body))).StatusCode);
    }

    [Fact]
    public void The_role_table_covers_every_admin_route()
    {
        var routes = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/admin") == true)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order().ToList();
        var tested = Endpoints().Select(row => $"{row[0]} {Pattern((string)row[1])}").Order().ToList();
        Assert.Equal(routes, tested);
    }

    [Fact]
    public void Every_admin_route_requires_the_admin_policy()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/admin") == true).ToList();
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>(),
            a => a.Policy == StaffPolicies.Admin));
    }

    /// <summary>The route template a tested URL was made from.</summary>
    private static string Pattern(string url)
    {
        var path = url.Split('?')[0];
        return path switch
        {
            _ when path.StartsWith("/api/admin/users/") && path.EndsWith("/password") => "/api/admin/users/{id}/password",
            _ when path.StartsWith("/api/admin/users/") => "/api/admin/users/{id}",
            _ when path.StartsWith("/api/admin/categories/") => "/api/admin/categories/{code}",
            _ when path.StartsWith("/api/admin/opds/") => "/api/admin/opds/{code}",
            _ when path.StartsWith("/api/admin/holidays/") => "/api/admin/holidays/{date}",
            _ when path.StartsWith("/api/admin/channel-keys/") => "/api/admin/channel-keys/{name}",
            _ => path,
        };
    }

    private static HttpRequestMessage Request(string method, string url, string? body) =>
        new(new HttpMethod(method), url)
        {
            Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
}
