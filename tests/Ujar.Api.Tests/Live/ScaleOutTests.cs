using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Live;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>Two instances on one database and one Redis: what a client or a staff member on either one sees.</summary>
public sealed class ScaleOutTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(2);
    private const double MinLon = 95, MinLat = -5, MaxLon = 105, MaxLat = 5; // the whole region: the city group

    [Fact]
    public async Task Clients_on_both_instances_get_each_complaint_filed_on_either_within_2_seconds_once_and_in_order()
    {
        await using var onA = await LiveTestClient.ConnectAsync(instances.A);
        await using var onB = await LiveTestClient.ConnectAsync(instances.B);
        var lastSeq = Math.Max((await onA.WatchAreaAsync(MinLon, MinLat, MaxLon, MaxLat)).LastSeq,
            (await onB.WatchAreaAsync(MinLon, MinLat, MaxLon, MaxLat)).LastSeq);
        var filers = new[] { instances.A.CreateClient(), instances.B.CreateClient() };

        var tickets = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            // Filed on A, then on B, in turn; each 201 is answered after the commit, so the event exists by then.
            var ticket = await filers[i % 2].FileAsync(0.02 + i * 0.008, 100.055, "sampah", $"Sampah menumpuk nomor {i}");
            tickets.Add(ticket);
            foreach (var client in new[] { onA, onB })
            {
                var received = await client.NextAsync(after: lastSeq, within: Promptly);
                Assert.Equal((ticket, "complaint_filed"), (received.Ticket, received.Type));
            }
            lastSeq = 0;
        }

        // Anything sent twice would have arrived by now.
        await Task.Delay(TimeSpan.FromSeconds(1));
        foreach (var client in new[] { onA, onB })
            Assert.DoesNotContain(client.Drain(), e => tickets.Contains(e.Ticket));
    }

    [Fact]
    public async Task Events_reach_a_client_in_strictly_increasing_sequence_when_both_instances_file_at_once()
    {
        await using var onB = await LiveTestClient.ConnectAsync(instances.B);
        var watch = await onB.WatchAreaAsync(MinLon, MinLat, MaxLon, MaxLat);
        var a = instances.A.CreateClient();
        var b = instances.B.CreateClient();

        var tickets = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? a : b).FileAsync(0.02 + (i % 6) * 0.008, 100.052 + (i % 3) * 0.005, "genangan_air", $"Banjir nomor {i}")));

        var received = new List<LiveEventDto>();
        while (!tickets.All(t => received.Any(e => e.Ticket == t))) received.Add(await onB.NextAsync(after: watch.LastSeq));
        Assert.All(received.Zip(received.Skip(1)), pair => Assert.True(pair.First.Seq < pair.Second.Seq, $"{pair.First.Seq} then {pair.Second.Seq}"));
        Assert.Equal(tickets.Length, received.Count(e => tickets.Contains(e.Ticket)));
    }

    [Fact]
    public async Task A_watch_answered_on_one_instance_already_hears_the_next_event_published_by_the_other()
    {
        // With a backplane a join is done only when Redis has subscribed the group; the hub answers after that. Each
        // round asks for the very next event of the ticket right after the answer, from the instance that does not deliver.
        var leader = await TwoInstances.OneDeliversAsync(instances.A, instances.B);
        var other = leader == instances.A ? instances.B : instances.A;
        var ticket = await leader.CreateClient().FileAsync(0.065, 100.055, "sampah");
        var supporter = leader.CreateClient();

        for (var round = 1; round <= 8; round++)
        {
            await using var client = await LiveTestClient.ConnectAsync(other);
            var watch = await client.WatchTicketAsync(ticket);
            using var support = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/support");
            support.Headers.Add("X-Device-Token", $"perangkat-uji-{Guid.NewGuid():N}");
            Assert.Equal(HttpStatusCode.OK, (await supporter.SendAsync(support)).StatusCode);

            var received = await client.NextAsync(after: watch.LastSeq, within: Promptly);
            Assert.Equal((ticket, "support_changed", round), (received.Ticket, received.Type, received.SupportCount));
        }
    }

    [Fact]
    public async Task An_overdue_complaint_is_escalated_once_with_both_watchers_running_and_staff_on_the_other_instance_hear_it_once()
    {
        await using var staffOnB = await LiveTestClient.ConnectAsync(instances.B, accessToken: await instances.B.TokenForAsync("opd_staff", "pupr"));
        var watch = await staffOnB.WatchQueueAsync();
        var ticket = await instances.A.CreateClient().FileAsync(0.065, 100.057, "genangan_air", "Genangan sejak dua bulan");
        await using (var db = instances.A.NewDb())
        {
            // Filed two months ago: its deadline to verify passed long since. Both instances' watchers look every second.
            Assert.Equal(1, await db.Complaints.Where(c => c.Ticket == ticket)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, c => c.CreatedAt.AddDays(-60))));
        }

        var escalated = await staffOnB.ReceiveUntilAsync(e => e.Ticket == ticket && e.Type == "escalated");
        Assert.Single(escalated, e => e.Type == "escalated");
        // Three more rounds of both watchers.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.DoesNotContain(staffOnB.Drain(), e => e.Ticket == ticket && e.Type == "escalated");
        await using var check = instances.B.NewDb();
        var id = await check.Complaints.Where(c => c.Ticket == ticket).Select(c => c.Id).SingleAsync();
        Assert.Equal(1, await check.Escalations.CountAsync(e => e.ComplaintId == id));
        Assert.True(escalated[^1].Seq > watch.LastSeq);
    }

    [Fact]
    public async Task A_retry_sent_to_the_other_instance_at_the_same_time_gets_the_same_complaint_and_stores_one()
    {
        // A client that retries through the load balancer may reach the other instance while the first try is in flight.
        var a = instances.A.CreateClient();
        var b = instances.B.CreateClient();
        var keys = Enumerable.Range(0, 24).Select(_ => $"coba-lagi-{Guid.NewGuid():N}").ToList();

        var answers = await Task.WhenAll(keys.SelectMany(key => new[] { a, b }.Select(async client =>
        {
            var response = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "sampah", "Sampah di tepi jalan"), key);
            var body = await response.ReadJsonAsync();
            return (Key: key, response.StatusCode, Ticket: body.TryGetProperty("ticket", out var t) ? t.GetString() : body.ToString());
        })));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        Assert.All(answers.GroupBy(x => x.Key), pair => Assert.Single(pair.Select(x => x.Ticket).Distinct()));
        await using var db = instances.A.NewDb();
        Assert.Equal(keys.Count, await db.Complaints.CountAsync(c => keys.Contains(c.IdempotencyKey!)));
    }

    /// <summary>
    /// Depends on the data-protection keys being shared by the instances (kept in PostgreSQL: the sign-in work of this
    /// round). Until that is merged, each instance has keys of its own and this test fails with 401.
    /// </summary>
    [Fact]
    public async Task A_staff_token_issued_by_one_instance_works_on_the_other()
    {
        var token = await instances.A.TokenForAsync("opd_staff", "pupr");
        using var onB = instances.B.CreateClient();
        onB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var me = await onB.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }
}

/// <summary>The instance that delivers the live events goes away: another takes over, and no event is skipped.</summary>
public sealed class LeaderFailoverTests
{
    [Fact]
    public async Task When_the_delivering_instance_stops_the_other_takes_over_within_a_few_seconds_and_skips_nothing()
    {
        var database = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(database);
        var redis = await TestRedis.NewConnectionStringAsync();
        var first = TwoInstances.Instance(database, redis);
        await using var second = TwoInstances.Instance(database, redis);
        try
        {
            _ = first.Server;
            Assert.Same(first, await TwoInstances.OneDeliversAsync(first));
            _ = second.Server;
            await Task.Delay(LiveFollower.LeaderRetry * 2);
            Assert.Same(first, await TwoInstances.OneDeliversAsync(first, second));

            await using var client = await LiveTestClient.ConnectAsync(second);
            var watch = await client.WatchAreaAsync(95, -5, 105, 5);
            var filer = second.CreateClient();
            var before = await filer.FileAsync(0.025, 100.025);
            Assert.Equal(before, (await client.NextAsync(after: watch.LastSeq, within: TimeSpan.FromSeconds(2))).Ticket);

            await first.DisposeAsync();
            var stopped = Stopwatch.StartNew();
            // Committed while nobody delivers: the next leader starts where the last one stopped.
            var inBetween = await filer.FileAsync(0.035, 100.035);
            await TwoInstances.OneDeliversAsync(second);
            var tookOver = stopped.Elapsed;
            var after = await filer.FileAsync(0.045, 100.045);

            Assert.True(tookOver < TimeSpan.FromSeconds(5), $"took over after {tookOver}");
            Assert.Equal(inBetween, (await client.NextAsync(within: TimeSpan.FromSeconds(5))).Ticket);
            Assert.Equal(after, (await client.NextAsync(within: TimeSpan.FromSeconds(2))).Ticket);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}

/// <summary>Redis goes away and comes back: filing never depends on it, and live delivery returns by itself.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task While_Redis_is_away_filing_works_and_the_log_has_every_complaint_and_live_delivery_returns_with_Redis()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(database);
        await using var app = TwoInstances.Instance(database, redis.ConnectionString(TestRedis.NewPrefix()));
        _ = app.Server;
        await TwoInstances.OneDeliversAsync(app);
        await using var client = await LiveTestClient.ConnectAsync(app);
        var watch = await client.WatchAreaAsync(95, -5, 105, 5);
        var filer = app.CreateClient();
        var first = await filer.FileAsync(0.025, 100.025);
        var seen = await client.NextAsync(after: watch.LastSeq, within: TimeSpan.FromSeconds(2));
        Assert.Equal(first, seen.Ticket);
        Assert.Equal(("ok", "ok"), await ReadinessAsync(filer));

        redis.Stop();
        // Still ready (filing works), but says what is missing.
        Assert.Equal(("degraded", "failing"), await ReadinessAsync(filer));
        var duringOutage = new List<string>();
        for (var i = 0; i < 3; i++) duringOutage.Add(await filer.FileAsync(0.03 + i * 0.005, 100.03));

        // What web/src/live.js asks for while the push is away: exactly what it missed.
        var page = await (await filer.GetAsync($"/api/events?after={seen.Seq}")).ReadJsonAsync();
        Assert.Equal(duringOutage, page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("ticket").GetString()));
        Assert.DoesNotContain(client.Drain(), e => duringOutage.Contains(e.Ticket));

        await redis.StartAgainAsync();
        // The backplane reconnects by itself; from then on complaints are pushed again.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "live delivery did not come back within 60 s of Redis");
            var ticket = await filer.FileAsync(0.05, 100.05);
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (client.Drain().Any(e => e.Ticket == ticket)) break;
        }
        Assert.Equal(("ok", "ok"), await ReadinessAsync(filer));
    }

    private static async Task<(string? Status, string? Redis)> ReadinessAsync(HttpClient client)
    {
        var response = await client.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("status").GetString(), body.GetProperty("checks").GetProperty("redis").GetString());
    }
}
