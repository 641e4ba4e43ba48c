using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>A signed-in hub connection lasts only as long as its session: a disabled account or a logout closes it.</summary>
public sealed class HubSessionTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    // Generous for a busy machine; the close follows the change within milliseconds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Disabling_an_account_closes_its_open_queue_connection_within_seconds()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var email = await fixture.App.CreateAccountAsync(Roles.Crew, "pupr");
        await using var crew = await LiveTestClient.ConnectAsync(fixture.App, await TokenAsync(email));
        await crew.WatchQueueAsync();
        var closed = ClosedOf(crew);
        await using var bystander = await LiveTestClient.ConnectAsync(fixture.App, await fixture.App.TokenForAsync(Roles.Crew, "pupr"));
        await bystander.WatchQueueAsync();

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/admin/users/{await IdOfAsync(email)}", new { disabled = true })).StatusCode);

        await closed.WaitAsync(Patience);
        Assert.Equal(HubConnectionState.Disconnected, crew.Connection.State);
        // Another account's connection stays, and still hears its queue.
        Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
        Assert.True((await bystander.WatchQueueAsync()).LastSeq >= 0);
    }

    [Fact]
    public async Task Signing_out_closes_the_connection_the_staff_cookie_opened()
    {
        var email = await fixture.App.CreateAccountAsync(Roles.OpdStaff, "dlh");
        using var browser = fixture.App.CreateClient().FromOurPages();
        var cookie = SessionTests.StaffCookie(await browser.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password }));
        await using var queue = await LiveTestClient.ConnectAsync(fixture.App, cookie: cookie);
        await queue.WatchQueueAsync();
        var closed = ClosedOf(queue);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);

        await closed.WaitAsync(Patience);
        Assert.Equal(HubConnectionState.Disconnected, queue.Connection.State);
    }

    private static Task ClosedOf(LiveTestClient client)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private async Task<string> TokenAsync(string email)
    {
        using var client = fixture.App.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestAccounts.Password });
        return (await login.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
    }

    private async Task<string> IdOfAsync(string email)
    {
        await using var db = fixture.App.NewDb();
        return (await db.Users.SingleAsync(u => u.Email == email)).Id;
    }
}
