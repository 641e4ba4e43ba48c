using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Accounts;

/// <summary>Every sign-in is a session on the server: short access tokens, rotating refresh tokens, a logout that ends it.</summary>
public sealed class SessionTests(SignInApp app) : IClassFixture<SignInApp>
{
    [Fact]
    public async Task A_bearer_sign_in_answers_a_ten_minute_access_token_and_a_refresh_token_and_keeps_only_its_hash()
    {
        var email = await app.App.CreateAccountAsync(Roles.Crew, "pupr");
        var address = SignInApp.NewAddress();
        using var client = app.ClientFrom(address);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("UjiAgen/1.0");

        var tokens = await SignInApp.SignInAsync(client, email);

        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(600, tokens.GetProperty("expiresIn").GetInt64());
        var refreshToken = tokens.GetProperty("refreshToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, tokens)).StatusCode);
        await using var db = app.App.NewDb();
        var session = await db.StaffSessions.SingleAsync(s => s.UserId == db.Users.Single(u => u.Email == email).Id);
        Assert.Equal((SessionKind.Bearer, address.ToString(), "UjiAgen/1.0"), (session.Kind, session.ClientAddress, session.UserAgent));
        Assert.Equal(Sha256(refreshToken), session.RefreshTokenHash);
        Assert.Equal(Sessions.IdleLifetime, session.ExpiresAt - session.CreatedAt);
        Assert.Null(session.RevokedAt);
        var row = await db.Database.SqlQuery<string>($"SELECT row_to_json(s)::text AS \"Value\" FROM staff_sessions s WHERE id = {session.Id}").SingleAsync();
        Assert.DoesNotContain(refreshToken.Split('.')[1], row);
    }

    [Fact]
    public async Task An_access_token_stops_after_ten_minutes_and_the_refresh_token_gets_the_next_one()
    {
        var email = await app.App.CreateAccountAsync(Roles.OpdStaff, "dlh");
        using var client = app.ClientFrom();
        var first = await SignInApp.SignInAsync(client, email);

        app.Clock.Advance(Sessions.AccessTokenLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(client, first)).StatusCode);
        var next = await RefreshAsync(client, first.GetProperty("refreshToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var second = await next.ReadJsonAsync();
        Assert.NotEqual(first.GetProperty("refreshToken").GetString(), second.GetProperty("refreshToken").GetString());
        var me = await MeAsync(client, second);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(email, (await me.ReadJsonAsync()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_coming_back_after_rotation_ends_the_whole_session()
    {
        var email = await app.App.CreateAccountAsync(Roles.Planner);
        using var client = app.ClientFrom();
        var first = await SignInApp.SignInAsync(client, email);
        var stolen = first.GetProperty("refreshToken").GetString()!;
        var second = await (await RefreshAsync(client, stolen)).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, second)).StatusCode);

        var reused = await RefreshAsync(client, stolen);

        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal("invalid_refresh_token", (await reused.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, second.GetProperty("refreshToken").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(client, second)).StatusCode);
        await using var db = app.App.NewDb();
        var session = await db.StaffSessions.SingleAsync(s => s.UserId == db.Users.Single(u => u.Email == email).Id);
        Assert.Equal("refresh_token_reused", session.RevokedReason);
    }

    [Fact]
    public async Task A_garbled_or_missing_refresh_token_is_refused_without_a_500()
    {
        using var client = app.ClientFrom();
        foreach (var token in new[] { "bukan-token", $"{Guid.NewGuid():N}.tebakan", new string('x', 5000) })
        {
            var refused = await RefreshAsync(client, token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_refresh_token", (await refused.ReadJsonAsync()).GetProperty("code").GetString());
        }
        var missing = await client.PostAsJsonAsync("/api/auth/refresh", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.True((await missing.ReadJsonAsync()).GetProperty("errors").TryGetProperty("refreshToken", out _));
    }

    [Fact]
    public async Task Logout_ends_the_access_token_and_the_refresh_token_at_once()
    {
        var email = await app.App.CreateAccountAsync(Roles.Admin);
        using var client = app.ClientFrom();
        var tokens = await SignInApp.SignInAsync(client, email);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, tokens)).StatusCode);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(client, tokens)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, tokens.GetProperty("refreshToken").GetString()!)).StatusCode);
        await using var db = app.App.NewDb();
        Assert.Equal("logout", (await db.StaffSessions.SingleAsync(s => s.UserId == db.Users.Single(u => u.Email == email).Id)).RevokedReason);
    }

    [Fact]
    public async Task Logout_ends_the_cookie_session_and_the_old_cookie_value_replayed_gets_401()
    {
        var email = await app.App.CreateAccountAsync(Roles.OpdStaff, "pupr");
        using var browser = app.ClientFrom(cookies: true);
        browser.DefaultRequestHeaders.Add("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority));
        var login = await browser.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = StaffCookie(login);
        using var replay = app.ClientFrom();
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(replay, cookie)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetWithCookieAsync(replay, cookie)).StatusCode);
    }

    [Fact]
    public async Task A_cookie_session_lives_twelve_hours_past_its_last_use()
    {
        var email = await app.App.CreateAccountAsync(Roles.Crew, "dlh");
        using var browser = app.ClientFrom(cookies: true);
        browser.DefaultRequestHeaders.Add("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password })).StatusCode);

        // A working day with a long break, then another: each use moves the end on.
        app.Clock.Advance(TimeSpan.FromHours(11));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(11));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);

        app.Clock.Advance(Sessions.IdleLifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
    }

    private static Task<HttpResponseMessage> MeAsync(HttpClient client, System.Text.Json.JsonElement tokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

    private static Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    /// <summary><c>ujar.staff=…</c> from a sign-in's Set-Cookie.</summary>
    public static string StaffCookie(HttpResponseMessage login) =>
        login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ujar.staff=", StringComparison.Ordinal)).Split(';')[0];

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
