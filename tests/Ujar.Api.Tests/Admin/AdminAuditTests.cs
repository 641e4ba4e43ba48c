using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Admin;

/// <summary>Every admin change leaves a line in the application log naming who did what; refusals change nothing and log nothing.</summary>
public sealed class AdminAuditTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task Each_change_logs_the_admin_and_what_changed()
    {
        var log = new CapturedLogs();
        await using var app = fixture.App.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        var adminEmail = await CreateAdminAsync(app);
        using var admin = await SignInAsync(app, adminEmail);
        var staffEmail = $"audit.{Guid.NewGuid():N}"[..18] + "@uji.local";

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users",
            new { email = staffEmail, name = "Staf Audit", role = "opd_staff", opd = "dishub", password = "sandi-audit-2026" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/opds",
            new { code = "bapenda", name = "Badan Pendapatan Daerah", nameEn = "Revenue Agency" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/holidays",
            new { date = "2026-09-09", nameId = "Libur daerah", nameEn = "Local holiday", kind = "cuti_bersama" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/admin/opds", new { code = "x y" })).StatusCode);

        var lines = log.Lines.Where(l => l.StartsWith("Information Ujar.Api.Admin:") && l.Contains(adminEmail)).ToList();
        Assert.Contains(lines, l => l.Contains(staffEmail) && l.Contains("opd_staff") && l.Contains("dishub"));
        Assert.Contains(lines, l => l.Contains("bapenda"));
        Assert.Contains(lines, l => l.Contains("2026-09-09"));
        Assert.Equal(3, lines.Count);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"nameId":"Parkir","nameEn":"Parking","opd":"dishub","verifyDays":"tiga","responseDays":2,"resolveDays":3}""")]
    public async Task Malformed_json_is_a_400_problem_not_a_server_error(string body)
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var response = await admin.PutAsync("/api/admin/categories/parkir", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.ReadJsonAsync()).TryGetProperty("titleEn", out _));
    }

    private static async Task<string> CreateAdminAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app)
    {
        var email = $"admin.{Guid.NewGuid():N}"[..18] + "@uji.local";
        await using var scope = app.Services.CreateAsyncScope();
        Assert.IsType<StaffAccounts.Created>(await StaffAccounts.CreateAsync(scope.ServiceProvider, email, TestAccounts.Password, Roles.Admin, null, "Admin Audit"));
        return email;
    }

    private static async Task<HttpClient> SignInAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app, string email)
    {
        var client = app.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await login.ReadJsonAsync()).GetProperty("accessToken").GetString());
        return client;
    }
}
