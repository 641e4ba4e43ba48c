using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Accounts;

public sealed class SignInTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task A_bearer_token_from_login_identifies_the_account_its_role_and_opd()
    {
        using var client = await fixture.App.ClientAsAsync(Roles.Crew, "pupr");
        var me = await (await client.GetAsync("/api/auth/me")).ReadJsonAsync();
        Assert.Equal("crew", me.GetProperty("role").GetString());
        Assert.Equal("pupr", me.GetProperty("opd").GetString());
        Assert.EndsWith("@uji.local", me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Without_a_token_or_with_a_forged_one_staff_endpoints_answer_401_problem_not_a_redirect()
    {
        using var client = fixture.App.CreateClient(new() { AllowAutoRedirect = false });
        var none = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", (await none.ReadJsonAsync()).GetProperty("code").GetString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bukan-token-asli");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Cookie_login_for_the_web_pages_sets_an_http_only_strict_cookie_that_signs_later_requests_in()
    {
        var email = await fixture.App.CreateAccountAsync(Roles.OpdStaff, "dlh");
        using var client = fixture.App.CreateClient(new() { HandleCookies = true }).FromOurPages();
        var login = await client.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ujar.staff="));
        Assert.Contains("httponly", setCookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", setCookie.ToLowerInvariant());
        Assert.Equal("opd_staff", (await (await client.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Missing_fields_are_422_in_both_languages()
    {
        using var client = fixture.App.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.TryGetProperty("titleEn", out _));
    }
}
