using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Ujar.Api.Demo;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

public sealed class DemoAccountsTests : IAsyncLifetime
{
    private const string Password = "sandi-demo-2026";
    private UjarApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new UjarApp(await TestPostGis.NewDatabaseAsync(), new Dictionary<string, string> { [DemoAccounts.PasswordVariable] = Password });
        _ = _app.Server;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_demo_account_signs_in_with_UJAR_DEMO_PASSWORD_in_its_role_and_OPD_and_seeding_again_adds_nothing()
    {
        await DemoAccounts.SeedAsync(_app.Services, NullLogger.Instance);
        await DemoAccounts.SeedAsync(_app.Services, NullLogger.Instance);

        Assert.Contains(DemoAccounts.Accounts, a => a.Opd == "pupr" && a.Role == "crew");
        Assert.Contains(DemoAccounts.Accounts, a => a.Opd == "dlh" && a.Role == "crew");
        using var client = _app.CreateClient();
        foreach (var (email, role, opd, _) in DemoAccounts.Accounts)
        {
            var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var token = (await login.ReadJsonAsync()).GetProperty("accessToken").GetString();
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { { "Authorization", $"Bearer {token}" } } };
            var account = await (await client.SendAsync(me)).ReadJsonAsync();
            Assert.Equal((role, opd), (account.GetProperty("role").GetString(), account.GetProperty("opd").GetString()));
        }

        await using var db = _app.NewDb();
        Assert.Equal(DemoAccounts.Accounts.Count, db.Users.Count());
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { email = "admin@ujar.local", password = "ujar-admin-123" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }
}
