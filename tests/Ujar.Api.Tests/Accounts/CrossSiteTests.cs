using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Tasks;

namespace Ujar.Api.Tests.Accounts;

/// <summary>A request the staff cookie signs in changes nothing unless it comes from our own pages; bearer clients are unaffected.</summary>
public sealed class CrossSiteTests(TasksCityApp city) : IClassFixture<TasksCityApp>
{
    private const string Ours = "http://localhost";

    public static TheoryData<string?, string?> ForgedFrom() => new()
    {
        { "https://jahat.example", null },
        { "http://localhost.jahat.example", null },
        { "https://localhost", null },                 // another scheme is another origin
        { null, "cross-site" },
        { Ours, "same-site" },                         // a sibling host of ours: Sec-Fetch-Site decides, not Origin
        { null, null },                                // no proof at all
    };

    [Theory]
    [MemberData(nameof(ForgedFrom))]
    public async Task A_forged_status_change_carrying_the_staff_cookie_is_403_and_changes_nothing(string? origin, string? fetchSite)
    {
        var cookie = await CookieOfAsync(Roles.OpdStaff, TasksCityApp.OwnOpd);
        var (ticket, _) = await city.FileAsync(0.0651, 100.0551, "jalan_rusak", "Dipalsukan dari situs lain");
        using var forger = city.App.CreateClient();

        var forged = await forger.SendAsync(WithCookie(HttpMethod.Post, $"/api/staff/complaints/{ticket}/status", cookie, origin, fetchSite,
            JsonContent.Create(new { to = "verified", note = "palsu" })));

        var problem = await forged.ProblemAsync(HttpStatusCode.Forbidden, "cross_site_request");
        Assert.Equal("Cross-site request refused", problem.GetProperty("titleEn").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        await using var db = city.App.NewDb();
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(ComplaintStatus.Received, complaint.Status);
        Assert.False(await db.StatusChanges.AnyAsync(s => s.ComplaintId == complaint.Id));
    }

    [Theory]
    [InlineData(Ours, null)]
    [InlineData(null, "same-origin")]
    [InlineData("https://jahat.example", "same-origin")]   // Sec-Fetch-Site decides when the browser sends it
    public async Task The_same_change_from_our_own_page_goes_through(string? origin, string? fetchSite)
    {
        var cookie = await CookieOfAsync(Roles.OpdStaff, TasksCityApp.OwnOpd);
        var (ticket, _) = await city.FileAsync(0.0652, 100.0552, "jalan_rusak", "Dari halaman sendiri");
        using var page = city.App.CreateClient();

        var changed = await page.SendAsync(WithCookie(HttpMethod.Post, $"/api/staff/complaints/{ticket}/status", cookie, origin, fetchSite,
            JsonContent.Create(new { to = "verified" })));

        Assert.Equal("verified", (await changed.OkJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_bearer_token_needs_no_origin_wherever_the_request_comes_from()
    {
        var (ticket, _) = await city.FileAsync(0.0653, 100.0553, "jalan_rusak", "Klien API");
        var client = await city.Staff();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/staff/complaints/{ticket}/status") { Content = JsonContent.Create(new { to = "verified" }) };
        request.Headers.Add("Origin", "https://aplikasi-lain.example");

        Assert.Equal("verified", (await (await client.SendAsync(request)).OkJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_cookie_sign_in_from_another_site_is_refused_and_sets_no_cookie()
    {
        var email = await city.App.CreateAccountAsync(Roles.OpdStaff, TasksCityApp.OwnOpd);
        using var forger = city.App.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login?cookie=true")
        {
            Content = JsonContent.Create(new { email, password = TestAccounts.Password }),
        };
        request.Headers.Add("Origin", "https://jahat.example");

        var refused = await forger.SendAsync(request);

        await refused.ProblemAsync(HttpStatusCode.Forbidden, "cross_site_request");
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Forged_admin_changes_and_logouts_are_refused_too()
    {
        var adminCookie = await CookieOfAsync(Roles.Admin, null);
        var email = await city.App.CreateAccountAsync(Roles.Crew, TasksCityApp.OwnOpd);
        await using var db = city.App.NewDb();
        var id = (await db.Users.SingleAsync(u => u.Email == email)).Id;
        using var forger = city.App.CreateClient();

        var disable = await forger.SendAsync(WithCookie(HttpMethod.Patch, $"/api/admin/users/{id}", adminCookie, "https://jahat.example", null,
            JsonContent.Create(new { disabled = true })));
        var logout = await forger.SendAsync(WithCookie(HttpMethod.Post, "/api/auth/logout", adminCookie, "https://jahat.example", null));

        await disable.ProblemAsync(HttpStatusCode.Forbidden, "cross_site_request");
        await logout.ProblemAsync(HttpStatusCode.Forbidden, "cross_site_request");
        Assert.False(Ujar.Api.Accounts.StaffAccounts.IsDisabled(await db.Users.AsNoTracking().SingleAsync(u => u.Id == id)));
        // Reading needs no proof, and the admin is still signed in.
        Assert.Equal(HttpStatusCode.OK, (await forger.SendAsync(WithCookie(HttpMethod.Get, "/api/auth/me", adminCookie, "https://jahat.example", null))).StatusCode);
    }

    [Fact]
    public async Task A_websocket_to_the_hub_with_the_staff_cookie_must_come_from_our_origin()
    {
        var cookie = await CookieOfAsync(Roles.OpdStaff, TasksCityApp.OwnOpd);
        async Task<Exception?> ConnectAsync(string origin)
        {
            var webSockets = city.App.Server.CreateWebSocketClient();
            webSockets.ConfigureRequest = request =>
            {
                request.Headers.Cookie = cookie;
                request.Headers.Origin = origin;
            };
            try
            {
                using var socket = await webSockets.ConnectAsync(new Uri(city.App.Server.BaseAddress, "/hubs/live"), CancellationToken.None);
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }

        Assert.Null(await ConnectAsync(Ours));
        var refused = await ConnectAsync("https://jahat.example");
        Assert.NotNull(refused);
        Assert.Contains("403", refused.Message);
    }

    /// <summary>The staff cookie (<c>ujar.staff=…</c>) of a new account, signed in from our own page.</summary>
    private async Task<string> CookieOfAsync(string role, string? opd)
    {
        var email = await city.App.CreateAccountAsync(role, opd);
        using var page = city.App.CreateClient().FromOurPages();
        var login = await page.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return SessionTests.StaffCookie(login);
    }

    private static HttpRequestMessage WithCookie(HttpMethod method, string url, string cookie, string? origin, string? fetchSite, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", cookie);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }
}
