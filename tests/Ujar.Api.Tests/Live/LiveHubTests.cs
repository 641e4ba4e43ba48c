using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Live;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

public sealed class LiveHubTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task An_area_watcher_gets_complaints_filed_inside_its_area_and_not_those_far_away()
    {
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        await live.WatchAreaAsync(100.05, 0.06, 100.06, 0.07);

        var far = await _client.FileAsync(0.025, 100.025, "genangan_air");
        var inside = await _client.FileAsync(0.065, 100.055, "sampah", "Sampah di depan pasar");

        // Events come in sequence order, so the far complaint (filed first) would have arrived before this one.
        var received = await live.NextAsync();
        Assert.Equal(inside, received.Ticket);
        Assert.Equal("complaint_filed", received.Type);
        Assert.Equal("sampah", received.Category);
        Assert.Equal("received", received.Status);
        Assert.Equal("99.01.01", received.Kecamatan);
        Assert.Equal((0.065, 100.055), (received.Lat, received.Lon));
        Assert.Equal(0, received.SupportCount);
        Assert.Equal(TimeSpan.FromHours(7), received.At.Offset);
        Assert.DoesNotContain(live.Drain(), e => e.Ticket == far);
    }

    [Fact]
    public async Task Watching_another_area_replaces_the_previous_one()
    {
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        await live.WatchAreaAsync(100.05, 0.06, 100.06, 0.07);
        await live.WatchAreaAsync(100.02, 0.02, 100.03, 0.03);

        var left = await _client.FileAsync(0.065, 100.055);
        var now = await _client.FileAsync(0.025, 100.025);

        Assert.Equal(now, (await live.NextAsync()).Ticket);
        Assert.DoesNotContain(live.Drain(), e => e.Ticket == left);
    }

    [Fact]
    public async Task A_view_of_the_whole_region_gets_every_event_in_strictly_increasing_sequence()
    {
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        await live.WatchAreaAsync(95, -5, 105, 5); // 1,000 × 1,000 cells: the city group

        var tickets = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _client.FileAsync(0.02 + i * 0.006, 100.055 + (i % 2) * 0.005)));

        var received = new List<LiveEventDto>();
        while (!tickets.All(t => received.Any(e => e.Ticket == t))) received.Add(await live.NextAsync());
        Assert.All(received.Zip(received.Skip(1)), pair => Assert.True(pair.First.Seq < pair.Second.Seq, $"{pair.First.Seq} then {pair.Second.Seq}"));
        Assert.Equal(tickets.Length, received.Count(e => tickets.Contains(e.Ticket)));
    }

    [Fact]
    public async Task A_ticket_watcher_gets_its_status_changes()
    {
        var ticket = await _client.FileAsync(0.025, 100.06, "pohon_membahayakan");
        var other = await _client.FileAsync(0.025, 100.061, "pohon_membahayakan");
        await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.Assigned);
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        var watch = await live.WatchTicketAsync(ticket.ToLowerInvariant());

        await fixture.App.ChangeStatusAsync(other, ComplaintStatus.Verified);
        var changed = await fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.InProgress, "Tim DLH menuju lokasi");

        var received = await live.NextAsync(after: watch.LastSeq);
        Assert.Equal(ticket, received.Ticket);
        Assert.Equal("status_changed", received.Type);
        Assert.Equal("in_progress", received.Status);
        Assert.Equal(Assert.IsType<ComplaintStatusChanges.Changed>(changed).Seq, received.Seq);
    }

    [Fact]
    public async Task After_a_disconnect_the_events_endpoint_returns_exactly_what_was_missed()
    {
        var client = await LiveTestClient.ConnectAsync(fixture.App);
        await client.WatchAreaAsync(100.0, 0.0, 100.1, 0.1);
        var before = await _client.FileAsync(0.065, 100.055);
        var lastSeen = (await client.NextAsync()).Seq;
        await client.DisposeAsync();

        var missed = new List<string>();
        for (var i = 0; i < 3; i++) missed.Add(await _client.FileAsync(0.06 + i * 0.002, 100.055));

        await using var again = await LiveTestClient.ConnectAsync(fixture.App);
        var watch = await again.WatchAreaAsync(100.0, 0.0, 100.1, 0.1);
        var page = await (await _client.GetAsync($"/api/events?after={lastSeen}")).ReadJsonAsync();

        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(missed, events.Select(e => e.GetProperty("ticket").GetString()));
        var seqs = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order().Distinct(), seqs);
        Assert.All(seqs, s => Assert.True(s > lastSeen));
        Assert.Equal(watch.LastSeq, page.GetProperty("lastSeq").GetInt64());
        Assert.Equal(seqs[^1], watch.LastSeq);
        Assert.DoesNotContain(before, events.Select(e => e.GetProperty("ticket").GetString()));
    }

    [Fact]
    public async Task A_rolled_back_sequence_number_does_not_hold_up_later_events()
    {
        var ticket = await _client.FileAsync(0.065, 100.055);
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        var watch = await live.WatchAreaAsync(100.0, 0.0, 100.1, 0.1);

        // A writer that took a sequence number and then failed: the number is gone for good.
        await using (var db = fixture.App.NewDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);
            await LiveEvents.AppendAsync(db, [LiveEvents.Of(LiveEventType.SupportChanged, complaint, DateTime.UtcNow)], CancellationToken.None);
            await tx.RollbackAsync();
        }
        var after = await _client.FileAsync(0.066, 100.055);

        Assert.Equal(after, (await live.NextAsync(after: watch.LastSeq)).Ticket);
    }

    [Fact]
    public async Task A_bad_area_is_refused_in_both_languages()
    {
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);

        var inverted = await Assert.ThrowsAsync<HubException>(() => live.WatchAreaAsync(100.1, 0.0, 100.0, 0.1));
        Assert.Contains("Area tidak valid", inverted.Message);
        Assert.Contains("Invalid area", inverted.Message);
        await Assert.ThrowsAsync<HubException>(() => live.WatchAreaAsync(100.0, 0.0, 100.1, 95));
        await Assert.ThrowsAsync<HubException>(() => live.WatchAreaAsync(-200, 0.0, 100.0, 0.1));
        var ticket = await Assert.ThrowsAsync<HubException>(() => live.WatchTicketAsync(new string('x', 50)));
        Assert.Contains("Invalid ticket", ticket.Message);
    }
}
