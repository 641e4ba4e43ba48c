using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.SignalR.Client;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;
using Xunit.Abstractions;

namespace Ujar.Api.Tests.Accounts;

/// <summary>Two or three instances of the service on one database, as behind a load balancer: keys and sessions are shared.</summary>
public sealed class ManyInstancesTests(ITestOutputHelper output)
{
    // Far below SessionCache.Lifetime (30 s): an answer within it can only have come through NOTIFY, not the cache running out.
    private static readonly TimeSpan NotifyPatience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Tokens_and_cookies_from_one_instance_work_on_another_and_on_one_started_later()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await using var a = new UjarApp(connectionString);
        await using var b = new UjarApp(connectionString);
        // Started together on an empty key table: one key ring between them, not one each.
        await Task.WhenAll(Task.Run(() => a.Server), Task.Run(() => b.Server));
        var email = await a.CreateAccountAsync(Roles.OpdStaff, "pupr");
        using var onA = a.CreateClient().FromOurPages();
        var tokens = await (await onA.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password })).ReadJsonAsync();
        var cookie = SessionTests.StaffCookie(await onA.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password }));

        using var onB = b.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(onB, tokens)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MeWithCookieAsync(onB, cookie)).StatusCode);

        await a.DisposeAsync();
        await b.DisposeAsync();
        await using var later = new UjarApp(connectionString);
        using var onLater = later.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(onLater, tokens)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MeWithCookieAsync(onLater, cookie)).StatusCode);
        var refreshed = await onLater.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        await using var db = later.NewDb();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task A_logout_on_one_instance_ends_the_session_on_another_within_moments()
    {
        var (a, b) = await TwoInstancesAsync();
        await using var _ = a;
        await using var __ = b;
        var email = await a.CreateAccountAsync(Roles.Crew, "dlh");
        using var onA = a.CreateClient();
        var tokens = await (await onA.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password })).ReadJsonAsync();
        using var onB = b.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(onB, tokens)).StatusCode);   // B now remembers the session as open

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await onA.SendAsync(logout)).StatusCode);
        var watch = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(onA, tokens)).StatusCode);
        while ((await MeAsync(onB, tokens)).StatusCode != HttpStatusCode.Unauthorized)
        {
            Assert.True(watch.Elapsed < NotifyPatience, $"instance B still accepts the token {watch.Elapsed.TotalMilliseconds:0} ms after the logout on A");
            await Task.Delay(10);
        }
        output.WriteLine($"instance B refused the token {watch.Elapsed.TotalMilliseconds:0} ms after the logout on A answered");
    }

    [Fact]
    public async Task Disabling_an_account_on_one_instance_closes_its_hub_connection_on_another()
    {
        var (a, b) = await TwoInstancesAsync();
        await using var _ = a;
        await using var __ = b;
        using var admin = await a.ClientAsAsync(Roles.Admin);
        var email = await a.CreateAccountAsync(Roles.OpdStaff, "dinsos");
        using var onA = a.CreateClient();
        var tokens = await (await onA.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password })).ReadJsonAsync();
        await using var queue = await LiveTestClient.ConnectAsync(b, tokens.GetProperty("accessToken").GetString());
        await queue.WatchQueueAsync();
        var closed = new TaskCompletionSource();
        queue.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await using var db = a.NewDb();
        var id = (await db.Users.SingleAsync(u => u.Email == email)).Id;

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = true })).StatusCode);
        var watch = Stopwatch.StartNew();

        await closed.Task.WaitAsync(NotifyPatience);
        Assert.Equal(HubConnectionState.Disconnected, queue.Connection.State);
        output.WriteLine($"the hub connection on B closed {watch.Elapsed.TotalMilliseconds:0} ms after the disable on A answered");
    }

    /// <summary>Two started instances on one new database, each listening for ended sessions (so each trusts what it remembers).</summary>
    private static async Task<(UjarApp A, UjarApp B)> TwoInstancesAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        var a = new UjarApp(connectionString) { Logs = new CapturedLogs() };
        var b = new UjarApp(connectionString) { Logs = new CapturedLogs() };
        _ = a.Server;
        _ = b.Server;
        var deadline = Stopwatch.StartNew();
        while (!new[] { a, b }.All(app => app.Logs!.Lines.Any(l => l.Contains("Listening for ended sessions"))))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "an instance never started listening for ended sessions");
            await Task.Delay(20);
        }
        return (a, b);
    }

    private static Task<HttpResponseMessage> MeAsync(HttpClient client, JsonElement tokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> MeWithCookieAsync(HttpClient client, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }
}
