using System.Net;
using System.Net.Http.Json;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Tasks;

/// <summary>Who may do what on the staff API: every role against every endpoint, on a complaint of <c>pupr</c>.</summary>
public sealed class TasksAccessTests(TasksCityApp city) : IClassFixture<TasksCityApp>
{
    private const string Own = TasksCityApp.OwnOpd;
    private const string Other = TasksCityApp.OtherOpd;

    private static readonly (string Name, string? Role, string? Opd)[] Callers =
    [
        ("anonymous", null, null), ("planner", Roles.Planner, null), ("crew own OPD", Roles.Crew, Own), ("crew other OPD", Roles.Crew, Other),
        ("opd_staff own OPD", Roles.OpdStaff, Own), ("opd_staff other OPD", Roles.OpdStaff, Other), ("admin", Roles.Admin, null),
    ];

    // Expected status per caller, in the order of Callers.
    private static readonly Dictionary<string, int[]> Expected = new()
    {
        ["queue"] = [401, 403, 200, 200, 200, 200, 200],
        ["detail"] = [401, 403, 200, 403, 200, 403, 200],
        // received → verified is OPD staff's move: a crew of the right OPD is refused for its role.
        ["status change"] = [401, 403, 403, 403, 200, 403, 200],
        ["nearby"] = [401, 403, 200, 200, 200, 200, 200],
        // A staff sign-in is no reporter token: nobody but the reporter answers "sudah / belum selesai".
        ["answer with a staff sign-in"] = [403, 403, 403, 403, 403, 403, 403],
    };

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (endpoint, codes) in Expected)
            for (var i = 0; i < Callers.Length; i++) data.Add(endpoint, Callers[i].Name, codes[i]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_role_gets_the_status_code_of_the_access_table(string endpoint, string caller, int expected)
    {
        var (_, role, opd) = Callers.Single(c => c.Name == caller);
        var client = role is null ? city.App.CreateClient() : await city.As(role, opd);
        var (ticket, _) = await city.FileAsync(0.065, 100.055, "jalan_rusak", $"Akses {endpoint} {caller}");
        if (endpoint.StartsWith("answer")) await city.App.ReachStatusAsync(ticket, ComplaintStatus.Resolved);

        var response = endpoint switch
        {
            "queue" => await client.GetAsync("/api/staff/complaints"),
            "detail" => await client.GetAsync($"/api/staff/complaints/{ticket}"),
            "status change" => await client.ChangeAsync(ticket, new { to = "verified" }),
            "nearby" => await client.GetAsync("/api/tasks/nearby?lat=0.065&lon=100.055"),
            _ => await client.AnswerAsync(ticket, null, new { resolved = true }),
        };

        Assert.True((int)response.StatusCode == expected, $"{caller} on {endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = city.App.NewDb();
        var stored = db.Complaints.Single(c => c.Ticket == ticket);
        var changed = endpoint == "status change" && expected == 200;
        var wanted = endpoint.StartsWith("answer") ? ComplaintStatus.Resolved : changed ? ComplaintStatus.Verified : ComplaintStatus.Received;
        Assert.Equal(wanted, stored.Status);
    }

    [Fact]
    public async Task The_staff_pages_cookie_sign_in_works_the_queue_as_a_bearer_token_does()
    {
        var email = await city.App.CreateAccountAsync(Roles.OpdStaff, Own);
        using var browser = city.App.CreateClient().FromOurPages();   // keeps cookies and sends our Origin, as a browser on our page would
        var login = await browser.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var (ticket, _) = await city.FileAsync(0.0651, 100.0551, "jalan_rusak", "Lewat cookie");

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/staff/complaints")).StatusCode);
        await (await browser.ChangeAsync(ticket, new { to = "verified" })).OkJsonAsync();
    }

    [Fact]
    public async Task Reporter_contacts_are_shown_to_the_own_OPD_and_admins_only()
    {
        var (ticket, _) = await city.FileAsync(0.0652, 100.0552, "jalan_rusak", "Kontak hanya untuk OPD sendiri",
            new { name = "Rahmat Kontak", phone = "0813-9999-1234", email = "rahmat.kontak@contoh.id" });
        var (anonymousTicket, _) = await city.FileAsync(0.0652, 100.0553, "jalan_rusak", "Pelapor anonim", anonymous: true);

        foreach (var client in new[] { await city.Staff(Own), await city.Crew(Own), await city.Admin() })
        {
            var reporter = (await client.DetailAsync(ticket)).GetProperty("reporter");
            Assert.Equal(("Rahmat Kontak", "0813-9999-1234", "rahmat.kontak@contoh.id"),
                (reporter.GetProperty("name").GetString(), reporter.GetProperty("phone").GetString(), reporter.GetProperty("email").GetString()));
            var inQueue = (await (await client.GetAsync("/api/staff/complaints?limit=200")).OkJsonAsync()).GetProperty("items").EnumerateArray()
                .Single(i => i.GetProperty("ticket").GetString() == ticket);
            Assert.Equal("0813-9999-1234", inQueue.GetProperty("reporter").GetProperty("phone").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await client.DetailAsync(anonymousTicket)).GetProperty("reporter").ValueKind);
        }
        foreach (var client in new[] { await city.Staff(Other), await city.Crew(Other) })
        {
            var detail = await client.GetAsync($"/api/staff/complaints/{ticket}");
            Assert.Equal(HttpStatusCode.Forbidden, detail.StatusCode);
            var queue = await (await client.GetAsync("/api/staff/complaints?limit=200")).Content.ReadAsStringAsync();
            Assert.DoesNotContain(ticket, queue);
            Assert.DoesNotContain("0813-9999-1234", queue);
            Assert.DoesNotContain("0813-9999-1234", await detail.Content.ReadAsStringAsync());
        }
        // Another OPD's queue, asked for by name, is refused rather than quietly narrowed.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await city.Staff(Other)).GetAsync($"/api/staff/complaints?opd={Own}")).StatusCode);
        var adminOther = await (await (await city.Admin()).GetAsync($"/api/staff/complaints?opd={Other}&limit=200")).OkJsonAsync();
        Assert.All(adminOther.GetProperty("items").EnumerateArray(), i => Assert.Equal(Other, i.GetProperty("opd").GetString()));
    }
}
