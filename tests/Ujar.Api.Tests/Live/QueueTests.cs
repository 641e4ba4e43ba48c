using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>
/// <c>WatchQueue</c>: a signed-in worker hears what happens to the complaints their OPD holds (admins: every OPD),
/// escalations included; the public never hears of escalations. Each client connects with a bearer token in
/// <c>?access_token=</c>, as the staff page's WebSocket does.
/// </summary>
public sealed class QueueTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<LiveTestClient> QueueOfAsync(string role, string? opd)
    {
        var client = await LiveTestClient.ConnectAsync(fixture.App, await fixture.App.TokenForAsync(role, opd));
        await client.WatchQueueAsync();
        return client;
    }

    [Fact]
    public async Task An_escalation_reaches_its_opd_queue_and_the_admins_and_no_other_opd_nor_the_public()
    {
        await using var pupr = await QueueOfAsync(Roles.OpdStaff, "pupr");
        await using var crew = await QueueOfAsync(Roles.Crew, "pupr");
        await using var admin = await QueueOfAsync(Roles.Admin, null);
        await using var dlh = await QueueOfAsync(Roles.OpdStaff, "dlh");
        var flooding = await _client.FileAsync(0.065, 100.055, "genangan_air");
        var tree = await _client.FileAsync(0.066, 100.055, "pohon_membahayakan");
        await using var publicView = await LiveTestClient.ConnectAsync(fixture.App);
        await publicView.WatchAreaAsync(95, -5, 105, 5);
        await publicView.WatchTicketAsync(flooding);
        await publicView.WatchTicketAsync(tree);

        await fixture.App.Services.GetRequiredService<SlaWatcher>().RunOnceAsync(DateTime.UtcNow.AddDays(60), CancellationToken.None);
        // Later events each queue hears: whatever was sent to a client before its marker has arrived by then.
        var puprMarker = await _client.FileAsync(0.067, 100.055, "jalan_rusak");
        var dlhMarker = await _client.FileAsync(0.067, 100.056, "sampah");

        var puprHeard = await pupr.ReceiveUntilAsync(e => e.Ticket == puprMarker);
        var escalation = Assert.Single(puprHeard, e => e.Type == "escalated" && e.Ticket == flooding);
        Assert.Equal(("pupr", "received", "genangan_air"), (escalation.Opd, escalation.Status, escalation.Category));
        Assert.DoesNotContain(puprHeard, e => e.Ticket == tree);
        Assert.Contains(await crew.ReceiveUntilAsync(e => e.Ticket == puprMarker), e => e.Type == "escalated" && e.Ticket == flooding);

        var dlhHeard = await dlh.ReceiveUntilAsync(e => e.Ticket == dlhMarker);
        Assert.Contains(dlhHeard, e => e.Type == "escalated" && e.Ticket == tree && e.Opd == "dlh");
        Assert.DoesNotContain(dlhHeard, e => e.Ticket == flooding);

        var adminHeard = await admin.ReceiveUntilAsync(e => e.Ticket == dlhMarker);
        Assert.Contains(adminHeard, e => e.Type == "escalated" && e.Ticket == flooding);
        Assert.Contains(adminHeard, e => e.Type == "escalated" && e.Ticket == tree);

        var publicHeard = await publicView.ReceiveUntilAsync(e => e.Ticket == dlhMarker);
        Assert.Contains(publicHeard, e => e.Ticket == puprMarker);
        Assert.DoesNotContain(publicHeard, e => e.Type == "escalated");
    }

    [Fact]
    public async Task An_opd_queue_hears_complaints_routed_to_it_and_complaints_rerouted_to_it()
    {
        await using var dlh = await QueueOfAsync(Roles.OpdStaff, "dlh");
        await using var pupr = await QueueOfAsync(Roles.OpdStaff, "pupr");

        var rubbish = await _client.FileAsync(0.061, 100.058, "sampah");
        var misfiled = await _client.FileAsync(0.062, 100.058, "genangan_air");
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(misfiled, ComplaintStatus.NotOurRemit,
            "Ini tumpukan sampah yang menyumbat saluran", targetOpd: "dlh"));

        var dlhHeard = await dlh.ReceiveUntilAsync(e => e.Ticket == misfiled);
        Assert.Contains(dlhHeard, e => (e.Type, e.Ticket, e.Opd) == ("complaint_filed", rubbish, "dlh"));
        var rerouted = dlhHeard[^1];
        Assert.Equal(("status_changed", "received", "dlh"), (rerouted.Type, rerouted.Status, rerouted.Opd));

        // PUPR heard of it while it was theirs, up to the step that sent it away, and nothing of DLH's own complaint.
        var puprHeard = await pupr.ReceiveUntilAsync(e => e.Ticket == misfiled && e.Status == "not_our_remit");
        Assert.Contains(puprHeard, e => (e.Type, e.Ticket, e.Opd) == ("complaint_filed", misfiled, "pupr"));
        Assert.DoesNotContain(puprHeard, e => e.Ticket == rubbish);
    }

    [Fact]
    public async Task A_browser_signed_in_with_the_staff_cookie_watches_its_queue()
    {
        var email = await fixture.App.CreateAccountAsync(Roles.OpdStaff, "dinsos");
        using var browser = fixture.App.CreateClient().FromOurPages();
        var login = await browser.PostAsJsonAsync("/api/auth/login?cookie=true", new { email, password = TestAccounts.Password });
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ujar.staff=", StringComparison.Ordinal)).Split(';')[0];
        await using var staff = await LiveTestClient.ConnectAsync(fixture.App, cookie: cookie);
        await staff.WatchQueueAsync();

        var ticket = await _client.FileAsync(0.064, 100.058, "masalah_sosial");

        var filed = await staff.NextAsync();
        Assert.Equal((ticket, "dinsos"), (filed.Ticket, filed.Opd));
    }

    [Fact]
    public async Task Only_signed_in_workers_may_watch_a_queue()
    {
        await using var anonymous = await LiveTestClient.ConnectAsync(fixture.App);
        var refused = await Assert.ThrowsAsync<HubException>(() => anonymous.WatchQueueAsync());
        Assert.Contains("Antrean hanya untuk", refused.Message);
        Assert.Contains("The queue is for", refused.Message);

        await using var planner = await LiveTestClient.ConnectAsync(fixture.App, await fixture.App.TokenForAsync(Roles.Planner));
        await Assert.ThrowsAsync<HubException>(() => planner.WatchQueueAsync());

        await using var forged = await LiveTestClient.ConnectAsync(fixture.App, "not-a-token");
        await Assert.ThrowsAsync<HubException>(() => forged.WatchQueueAsync());

        await using var crew = await LiveTestClient.ConnectAsync(fixture.App, await fixture.App.TokenForAsync(Roles.Crew, "dishub"));
        Assert.True((await crew.WatchQueueAsync()).LastSeq >= 0);
    }
}
