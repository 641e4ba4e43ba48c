using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Limits;

/// <summary>The live hub over the fixture city with small per-connection caps.</summary>
public sealed class HubLimitsCityApp : IAsyncLifetime
{
    public const int WatchedTickets = 3;
    public const int WatchCalls = 8;

    public UjarApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string>
        {
            ["Ujar:Limits:HubWatchedTickets"] = $"{WatchedTickets}",
            ["Ujar:Limits:HubWatchCalls:Burst"] = $"{WatchCalls}", ["Ujar:Limits:HubWatchCalls:PerMinute"] = "0.001",
        });
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>A connection watches a bounded number of tickets and changes what it watches at a bounded rate; past either it
/// gets a hub error it can read, in both languages, and joins nothing.</summary>
public sealed class HubLimitTests(HubLimitsCityApp city) : IClassFixture<HubLimitsCityApp>
{
    [Fact]
    public async Task A_connection_watches_at_most_the_cap_of_tickets_and_may_swap_one_for_another()
    {
        await using var live = await LiveTestClient.ConnectAsync(city.App);
        for (var i = 1; i <= HubLimitsCityApp.WatchedTickets; i++) await live.WatchTicketAsync($"UJR-2026-00000{i}");

        var refused = await Assert.ThrowsAsync<HubException>(() => live.WatchTicketAsync("UJR-2026-000009"));
        Assert.Contains($"Too many tickets watched: at most {HubLimitsCityApp.WatchedTickets} per connection", refused.Message);
        Assert.Contains("Terlalu banyak tiket dipantau", refused.Message);

        // Watching one already watched is no new ticket; giving one up makes room.
        await live.WatchTicketAsync("UJR-2026-000001");
        await live.Connection.InvokeAsync("UnwatchTicket", "UJR-2026-000002");
        await live.WatchTicketAsync("UJR-2026-000009");
    }

    [Fact]
    public async Task A_connection_that_changes_what_it_watches_too_often_is_refused_and_others_are_not()
    {
        await using var busy = await LiveTestClient.ConnectAsync(city.App);
        for (var i = 0; i < HubLimitsCityApp.WatchCalls; i++) await busy.WatchAreaAsync(100.05, 0.06 + i * 0.001, 100.06, 0.07);

        var refused = await Assert.ThrowsAsync<HubException>(() => busy.WatchAreaAsync(100.0, 0.0, 100.01, 0.01));
        Assert.Matches(@"Watching changes too often; try again in \d+ seconds", refused.Message);
        Assert.Contains("Terlalu sering mengganti yang dipantau", refused.Message);
        await Assert.ThrowsAsync<HubException>(() => busy.WatchTicketAsync("UJR-2026-000001"));

        await using var calm = await LiveTestClient.ConnectAsync(city.App);
        await calm.WatchAreaAsync(100.0, 0.0, 100.01, 0.01);
    }
}
