using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Admin;

/// <summary>Accounts through /api/admin/users, checked by signing in as them through /api/auth/login.</summary>
public sealed class UserAdminTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private const string NewPassword = "sandi-baru-2026";

    [Fact]
    public async Task A_created_account_signs_in_with_its_role_and_opd_and_is_listed()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = NewEmail("kru");

        var created = await admin.PostAsJsonAsync("/api/admin/users",
            new { email, name = "Kru Drainase", role = "crew", opd = "pupr", password = NewPassword });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.ReadJsonAsync();
        Assert.Equal(("crew", "pupr", false), (view.GetProperty("role").GetString(), view.GetProperty("opd").GetString(), view.GetProperty("disabled").GetBoolean()));
        using var crew = await SignedInAsync(email, NewPassword);
        var me = await (await crew.GetAsync("/api/auth/me")).ReadJsonAsync();
        Assert.Equal(("crew", "pupr", "Kru Drainase"), (me.GetProperty("role").GetString(), me.GetProperty("opd").GetString(), me.GetProperty("name").GetString()));

        var listed = Assert.Single(await ListAsync(admin), u => u.GetProperty("email").GetString() == email);
        Assert.Equal(view.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        Assert.Equal("crew", listed.GetProperty("role").GetString());
        Assert.False(listed.GetProperty("disabled").GetBoolean());
    }

    public static TheoryData<string, string?, string, string> WrongCombinations() => new()
    {
        { "crew", null, NewPassword, "opd" },
        { "opd_staff", null, NewPassword, "opd" },
        { "planner", "dlh", NewPassword, "opd" },
        { "admin", "diskominfo", NewPassword, "opd" },
        { "crew", "dinas_fiktif", NewPassword, "opd" },
        { "walikota", null, NewPassword, "role" },
        { "planner", null, "pendek1", "password" },
        { "planner", null, "tanpaangkasamasekali", "password" },
    };

    [Theory]
    [MemberData(nameof(WrongCombinations))]
    public async Task A_wrong_role_opd_or_password_is_422_naming_the_field_in_both_languages_and_creates_nothing(string role, string? opd, string password, string field)
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = NewEmail("salah");

        var response = await admin.PostAsJsonAsync("/api/admin/users", new { email, name = "Salah", role, opd, password });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var error = problem.GetProperty("errors").GetProperty(field);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("en").GetString()));
        Assert.DoesNotContain(await ListAsync(admin), u => u.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task A_taken_email_is_409_even_in_other_letter_case()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = NewEmail("ganda");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users",
            new { email, name = "Satu", role = "planner", password = NewPassword })).StatusCode);

        var again = await admin.PostAsJsonAsync("/api/admin/users", new { email = email.ToUpperInvariant(), name = "Dua", role = "planner", password = NewPassword });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.ReadJsonAsync();
        Assert.Equal("email_taken", problem.GetProperty("code").GetString());
        Assert.Equal("Email already in use", problem.GetProperty("titleEn").GetString());
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_open_bearer_and_cookie_sessions_stop_at_the_next_request()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = await fixture.App.CreateAccountAsync(Roles.OpdStaff, "dlh");
        using var bearer = await SignedInAsync(email, TestAccounts.Password);
        using var cookie = fixture.App.CreateClient(new() { HandleCookies = true }).FromOurPages();
        Assert.Equal(HttpStatusCode.OK, (await cookie.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cookie.GetAsync("/api/auth/me")).StatusCode);
        var id = await IdOfAsync(admin, email);

        var disabled = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = true });

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.ReadJsonAsync()).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookie.GetAsync("/api/auth/me")).StatusCode);
        using var anonymous = fixture.App.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // Not "try again in 15 minutes": the account stays disabled until an admin enables it.
        Assert.Equal("account_disabled", (await refused.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.True(Assert.Single(await ListAsync(admin), u => u.GetProperty("email").GetString() == email).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = false })).StatusCode);
        using var again = await SignedInAsync(email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_ends_the_old_token_and_the_next_sign_in_carries_the_new_role_and_opd()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = await fixture.App.CreateAccountAsync(Roles.Crew, "pupr");
        using var before = await SignedInAsync(email, TestAccounts.Password);
        var id = await IdOfAsync(admin, email);

        var changed = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "opd_staff", opd = "dishub", name = "Staf Dishub Baru" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/auth/me")).StatusCode);
        using var after = await SignedInAsync(email, TestAccounts.Password);
        var me = await (await after.GetAsync("/api/auth/me")).ReadJsonAsync();
        Assert.Equal(("opd_staff", "dishub", "Staf Dishub Baru"), (me.GetProperty("role").GetString(), me.GetProperty("opd").GetString(), me.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Becoming_a_planner_drops_the_opd_and_a_wrong_combination_changes_nothing()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = await fixture.App.CreateAccountAsync(Roles.OpdStaff, "pupr");
        var id = await IdOfAsync(admin, email);

        var refused = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "planner", opd = "pupr" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty("opd", out _));
        var unknownOpd = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { opd = "dinas_fiktif" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownOpd.StatusCode);
        var unchanged = Assert.Single(await ListAsync(admin), u => u.GetProperty("id").GetString() == id);
        Assert.Equal(("opd_staff", "pupr"), (unchanged.GetProperty("role").GetString(), unchanged.GetProperty("opd").GetString()));

        var planner = await (await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "planner" })).ReadJsonAsync();
        Assert.Equal("planner", planner.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, planner.GetProperty("opd").ValueKind);
    }

    [Fact]
    public async Task An_admin_can_neither_demote_nor_disable_themselves()
    {
        var email = await fixture.App.CreateAccountAsync(Roles.Admin);
        using var admin = await SignedInAsync(email, TestAccounts.Password);
        var id = await IdOfAsync(admin, email);

        var demoted = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "planner" });
        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Equal("cannot_change_own_role", (await demoted.ReadJsonAsync()).GetProperty("code").GetString());
        var disabled = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { disabled = true });
        Assert.Equal(HttpStatusCode.Conflict, disabled.StatusCode);
        Assert.Equal("cannot_disable_self", (await disabled.ReadJsonAsync()).GetProperty("code").GetString());

        var me = Assert.Single(await ListAsync(admin), u => u.GetProperty("id").GetString() == id);
        Assert.Equal(("admin", false), (me.GetProperty("role").GetString(), me.GetProperty("disabled").GetBoolean()));
        // Another admin may change this one.
        using var other = await fixture.App.ClientAsAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await other.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "planner" })).StatusCode);
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one_and_a_weak_one_is_422()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = await fixture.App.CreateAccountAsync(Roles.Planner);
        var id = await IdOfAsync(admin, email);

        var weak = await admin.PostAsJsonAsync($"/api/admin/users/{id}/password", new { password = "pendek" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.True((await weak.ReadJsonAsync()).GetProperty("errors").TryGetProperty("password", out _));
        using var stillOld = await SignedInAsync(email, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/admin/users/{id}/password", new { password = NewPassword })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await stillOld.GetAsync("/api/auth/me")).StatusCode);
        using var anonymous = fixture.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password })).StatusCode);
        using var withNew = await SignedInAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/api/auth/me")).StatusCode);
    }

    private static string NewEmail(string prefix) => $"{prefix}.{Guid.NewGuid():N}"[..20] + "@uji.local";

    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = fixture.App.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.ReadJsonAsync()).GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/api/admin/users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    private static async Task<string> IdOfAsync(HttpClient admin, string email) =>
        Assert.Single(await ListAsync(admin), u => u.GetProperty("email").GetString() == email).GetProperty("id").GetString()!;
}
