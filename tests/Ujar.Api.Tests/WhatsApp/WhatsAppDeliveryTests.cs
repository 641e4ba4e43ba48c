using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;
using Ujar.Api.Tests.Tasks;
using Ujar.Api.WhatsApp;
using static Ujar.Api.Tests.WhatsApp.MetaWebhook;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>What leaves the service and what comes back: status changes to the reporter, retries of the Graph API and
/// of photo downloads, and the hosts a photo may come from.</summary>
public sealed class WhatsAppDeliveryTests(WhatsAppCityApp city) : IClassFixture<WhatsAppCityApp>
{
    [Fact]
    public async Task A_status_change_reaches_the_reporter_exactly_once_even_when_the_Graph_API_fails_first()
    {
        var person = city.NewPerson();
        await person.ReportAsync(0.025, 100.06, "jalan_rusak", "Aspal mengelupas di tikungan");
        var ticket = (await person.ComplaintAsync()).Ticket;
        var sendsBefore = city.Graph.SendsTo(person.WaId).Count;
        city.Graph.FailSendsTo(person.WaId, 500);

        var staff = await city.App.ClientAsAsync(Roles.OpdStaff, "pupr");
        await (await staff.ChangeAsync(ticket, new { to = "verified", note = "Sudah dicek di lapangan", internalNote = "Catatan dalam: anggaran habis" }))
            .OkJsonAsync();

        var update = FakeGraph.Readable((await city.Graph.WaitForAsync(person.WaId, 5))[4].Message);
        Assert.Contains($"Tiket *{ticket}*: status kini *Diverifikasi*", update);
        Assert.Contains("Catatan: Sudah dicek di lapangan", update);
        Assert.Contains($"/lacak/{ticket}", update);
        Assert.DoesNotContain("anggaran", update);
        Assert.Equal(sendsBefore + 2, city.Graph.SendsTo(person.WaId).Count); // the 500, then the one taken

        // Another pass of the follower over the same events, twice at once as two instances would, and of the sender.
        await using (var db = city.App.NewDb())
            await db.WhatsAppStatusCursor.ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSeq, 0L));
        var follower = city.App.Services.GetServices<IHostedService>().OfType<WhatsAppStatusFollower>().Single();
        await Task.WhenAll(follower.FollowAsync(CancellationToken.None), follower.FollowAsync(CancellationToken.None));
        var sender = city.App.Services.GetRequiredService<WhatsAppOutboxSender>();
        while (await sender.SendNextAsync(CancellationToken.None)) { }

        Assert.Contains("tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("cek UJR-1999-999999"))));
        Assert.Single(person.Received, r => r.Contains("Diverifikasi"));
        await using (var db = city.App.NewDb())
        {
            var rows = await db.WhatsAppOutbox.AsNoTracking().Where(m => m.WaId == person.WaId && m.DedupeKey.StartsWith("status:")).ToListAsync();
            var row = Assert.Single(rows);
            Assert.Equal((OutboxState.Sent, 2, null), (row.State, row.Attempts, row.LastError));
            Assert.Equal(city.Graph.AcceptedTo(person.WaId).Single(a => FakeGraph.Readable(a.Message).Contains("Diverifikasi")).MessageId, row.SentMessageId);
        }

        // Re-routed: the intermediate "not our remit" is not sent; the reporter hears where it went and why.
        await (await staff.ChangeAsync(ticket, new { to = "not_our_remit", note = "Ini saluran air, bukan jalan", opd = "dlh" })).OkJsonAsync();
        var forwarded = FakeGraph.Readable((await city.Graph.WaitForAsync(person.WaId, 7))[6].Message);
        Assert.Contains($"Tiket *{ticket}* diteruskan ke Dinas Lingkungan Hidup", forwarded);
        Assert.Contains("Alasan: Ini saluran air, bukan jalan", forwarded);
        Assert.Contains("tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("cek UJR-1999-999998"))));
        Assert.DoesNotContain(person.Received, r => r.Contains("Bukan Wewenang"));
        Assert.Equal(8, person.Received.Count);
    }

    [Fact]
    public async Task No_answer_is_retried_and_a_4xx_is_given_up_and_recorded()
    {
        var patient = city.NewPerson();
        city.Graph.FailSendsTo(patient.WaId, FakeGraph.NoAnswer);
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await patient.SayAsync(Text("halo"))));
        Assert.Equal(2, city.Graph.SendsTo(patient.WaId).Count);
        // The second send is seen by the fake before the sender records it: wait for the row to settle.
        var answered = await WhatsAppCityApp.EventuallyAsync(() => OutboxAsync(patient), rows => rows.Count == 1 && rows[0].State != OutboxState.Pending,
            "the retried reply settled");
        Assert.Equal((OutboxState.Sent, 2), (answered[0].State, answered[0].Attempts));

        var refused = city.NewPerson();
        city.Graph.FailSendsTo(refused.WaId, 400);
        await refused.SendAsync(Text("halo"));
        var failed = await WhatsAppCityApp.EventuallyAsync(() => OutboxAsync(refused), rows => rows.Count == 1 && rows[0].State != OutboxState.Pending,
            "the refused reply settled");
        Assert.Equal((OutboxState.Failed, 1), (failed[0].State, failed[0].Attempts));
        Assert.StartsWith("400", failed[0].LastError);
        // A refused reply does not hold up the next one.
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await refused.SayAsync(Text("halo lagi"))));
        Assert.Equal(2, city.Graph.SendsTo(refused.WaId).Count);
    }

    [Fact]
    public async Task A_photo_download_failing_twice_is_retried_and_the_complaint_is_filed_once_with_the_photo()
    {
        var person = city.NewPerson();
        var mediaId = $"media-retry-{person.WaId}";
        city.Graph.AddMedia(mediaId, TestImages.Jpeg(400, 300, TestImages.RedLeftBlueRight));
        city.Graph.FailMedia(mediaId, 500, 503);
        await person.SayAsync(Location(0.065, 100.055));
        await person.SayAsync(ListReply("pohon_membahayakan"));
        await person.SayAsync(Text("Dahan besar retak di atas jalan"));

        Assert.Contains("Laporan diterima", FakeGraph.Readable(await person.SayAsync(Image(mediaId))));

        var complaint = await person.ComplaintAsync();
        Assert.Equal(3, city.Graph.Requests.Count(r => r.Path == $"/{FakeGraph.Version}/{mediaId}"));
        await using var db = city.App.NewDb();
        var image = await db.WhatsAppInbox.AsNoTracking().SingleAsync(m => m.MediaId == mediaId);
        Assert.Equal((3, false, null), (image.Attempts, image.GaveUp, image.LastError));
        Assert.NotNull(image.ProcessedAt);
        Assert.Equal(1, await db.Photos.CountAsync(p => p.ComplaintId == complaint.Id));
        Assert.Contains("tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("cek UJR-1999-999999"))));
        Assert.Single(person.Received, r => r.Contains("Laporan diterima"));
    }

    [Fact]
    public async Task A_photo_that_cannot_be_fetched_is_left_out_after_5_attempts_and_no_other_host_is_called()
    {
        var person = city.NewPerson();
        var mediaId = $"media-elsewhere-{person.WaId}";
        // "localhost" reaches this very fake server, but it is not the Graph host as configured (127.0.0.1): never fetched.
        var elsewhere = city.Graph.Origin.Replace("127.0.0.1", "localhost") + $"/media/{mediaId}";
        city.Graph.AddMedia(mediaId, TestImages.Jpeg(400, 300, TestImages.RedLeftBlueRight), url: elsewhere);
        await person.SayAsync(Location(0.065, 100.055));
        await person.SayAsync(ListReply("sampah"));
        await person.SayAsync(Text("Sampah dibakar di lahan kosong"));

        var filed = FakeGraph.Readable(await person.SayAsync(Image(mediaId)));
        Assert.Contains("Laporan diterima", filed);
        Assert.Contains("Fotonya tidak berhasil kami ambil", filed);

        var options = city.App.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
        Assert.Equal(options.MediaAttempts, city.Graph.Requests.Count(r => r.Path == $"/{FakeGraph.Version}/{mediaId}"));
        Assert.DoesNotContain(city.Graph.Requests, r => r.Path == $"/media/{mediaId}");
        var complaint = await person.ComplaintAsync();
        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.Photos.CountAsync(p => p.ComplaintId == complaint.Id));
        Assert.Equal(options.MediaAttempts, (await db.WhatsAppInbox.AsNoTracking().SingleAsync(m => m.MediaId == mediaId)).Attempts);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_given_up_recorded_and_the_sender_asked_to_send_it_again()
    {
        var person = city.NewPerson();
        // A location without coordinates cannot come through the webhook; stored directly, it fails at every attempt.
        await using (var db = city.App.NewDb())
        {
            db.WhatsAppInbox.Add(new WhatsAppInboxMessage
            {
                MessageId = $"wamid.poison.{person.WaId}", WaId = person.WaId, Kind = WhatsAppMessageKind.Location,
                SentAt = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        city.App.Services.GetRequiredService<WhatsAppInboxWorker>().Wake();

        var apology = FakeGraph.Readable((await city.Graph.WaitForAsync(person.WaId, 1))[0].Message);
        Assert.Contains("tidak dapat kami proses", apology);
        var options = city.App.Services.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
        await using (var db = city.App.NewDb())
        {
            var poison = await db.WhatsAppInbox.AsNoTracking().SingleAsync(m => m.WaId == person.WaId);
            Assert.Equal((true, options.InboxAttempts), (poison.GaveUp, poison.Attempts));
            Assert.NotNull(poison.ProcessedAt);
            Assert.Contains("InvalidOperationException", poison.LastError);
        }
        Assert.Contains(city.Logs.Lines, l => l.StartsWith("Error") && l.Contains("given up") && l.Contains(PhoneMask.Mask(person.WaId)));
        // The sender is not stuck behind it.
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await person.SayAsync(Text("halo"))));
    }

    [Theory]
    [InlineData("https://graph.facebook.com/v21.0/media/1", true)]
    [InlineData("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3", true)]
    [InlineData("https://LOOKASIDE.fbsbx.com/x", true)]
    [InlineData("http://lookaside.fbsbx.com/x", false)]
    [InlineData("https://lookaside.fbsbx.com:8443/x", false)]
    [InlineData("https://user@lookaside.fbsbx.com/x", false)]
    [InlineData("https://lookaside.fbsbx.com.evil.example/x", false)]
    [InlineData("https://evil.example/lookaside.fbsbx.com", false)]
    [InlineData("http://graph.facebook.com/v21.0/media/1", false)]
    [InlineData("https://graph.facebook.com:444/x", false)]
    [InlineData("http://169.254.169.254/latest/meta-data/", false)]
    [InlineData("file:///etc/passwd", false)]
    public void Photos_come_only_from_the_Graph_host_or_the_media_hosts_over_https(string url, bool allowed)
    {
        var graph = new GraphApi(new HttpClient(), Options.Create(new WhatsAppOptions()));
        Assert.Equal(allowed, graph.MayDownloadFrom(new Uri(url)));
    }

    private async Task<List<WhatsAppOutboxMessage>> OutboxAsync(WhatsAppPerson person)
    {
        await using var db = city.App.NewDb();
        return await db.WhatsAppOutbox.AsNoTracking().Where(m => m.WaId == person.WaId).OrderBy(m => m.Id).ToListAsync();
    }
}

/// <summary>Outbound not configured (no access token, no phone number id): replies are logged, never sent.</summary>
public sealed class WhatsAppLoggedRepliesTests(UnsentWhatsAppCityApp city) : IClassFixture<UnsentWhatsAppCityApp>
{
    [Fact]
    public async Task Without_an_access_token_replies_are_logged_with_the_number_masked_and_nothing_is_called()
    {
        var person = city.NewPerson();
        await person.SendAsync(Location(0.065, 100.055));
        await person.SendAsync(ListReply("sampah"));

        var rows = await WhatsAppCityApp.EventuallyAsync(async () =>
        {
            await using var db = city.App.NewDb();
            return await db.WhatsAppOutbox.AsNoTracking().Where(m => m.WaId == person.WaId).OrderBy(m => m.Id).ToListAsync();
        }, r => r.Count == 2 && r.All(m => m.State != OutboxState.Pending), "both replies settled");
        Assert.All(rows, r => Assert.Equal((OutboxState.NotSent, 0), (r.State, r.Attempts)));
        Assert.All(rows, r => Assert.Contains("not configured", r.LastError));

        var masked = PhoneMask.Mask(person.WaId);
        Assert.Matches(@"^62812\*{4}\d{4}$", masked);
        Assert.Contains(city.Logs.Lines, l => l.StartsWith("Information") && l.Contains(masked) && l.Contains("Pilih kategori"));
        Assert.Contains(city.Logs.Lines, l => l.Contains(masked) && l.Contains("Tulis uraian singkat"));
        city.AssertLogsHoldNoSecrets(person);
        Assert.Empty(city.Graph.Requests);
    }
}

/// <summary>Several instances at once: here the service's own workers and three more claim loops in the test.</summary>
public sealed class WhatsAppCompetingWorkersTests(WhatsAppCityApp city) : IClassFixture<WhatsAppCityApp>
{
    [Fact]
    public async Task Competing_workers_handle_each_message_once_and_each_senders_messages_in_Meta_order()
    {
        var people = Enumerable.Range(0, 4).Select(i => city.NewPerson($"Warga Serentak {i}")).ToList();
        var start = city.Clock.GetUtcNow().ToUnixTimeSeconds();
        var worker = city.App.Services.GetRequiredService<WhatsAppInboxWorker>();
        using var client = city.App.CreateClient();
        var posted = new List<Task<HttpResponseMessage>>();
        foreach (var person in people)
        {
            (long, System.Text.Json.Nodes.JsonObject)[] conversation =
            [
                (start + 1, Text("halo")),
                (start + 2, Location(0.065, 100.055)),
                (start + 3, ListReply("parkir")),
                (start + 4, Text($"Parkir liar menutup jalan, laporan {person.Name}")),
                (start + 5, ButtonReply(WhatsAppConversations.SkipId)),
            ];
            // One delivery, listed newest first: the order to answer in is Meta's timestamps, not the order in the body.
            var body = Messages(person.WaId, person.Name, conversation.Reverse().Select((m, i) => ($"wamid.race.{person.WaId}.{m.Item1 - start}", m.Item1, m.Item2)).ToArray());
            posted.Add(PostAsync(client, body, Sign(body, WhatsAppCityApp.AppSecret)));
        }
        var claimers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await AllHandledAsync(people)) is false) await worker.ProcessNextAsync(CancellationToken.None);
        })).ToList();
        Assert.All(await Task.WhenAll(posted), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Task.WhenAll(claimers);

        foreach (var person in people)
        {
            var replies = (await city.Graph.WaitForAsync(person.WaId, 5)).Select(a => FakeGraph.Readable(a.Message)).ToList();
            Assert.Equal(5, replies.Count);
            Assert.Contains("kirim *lokasi*", replies[0]);
            Assert.Contains("Pilih kategori", replies[1]);
            Assert.Contains("Tulis uraian singkat", replies[2]);
            Assert.Contains("Kirim *foto*", replies[3]);
            Assert.Contains("Laporan diterima", replies[4]);
            Assert.Equal($"Parkir liar menutup jalan, laporan {person.Name}", (await person.ComplaintAsync()).Description);
        }
        await using var db = city.App.NewDb();
        var waIds = people.Select(p => p.WaId).ToList();
        Assert.All(await db.WhatsAppInbox.Where(m => waIds.Contains(m.WaId)).Select(m => m.Attempts).ToListAsync(), attempts => Assert.Equal(1, attempts));
    }

    private async Task<bool> AllHandledAsync(List<WhatsAppPerson> people)
    {
        var waIds = people.Select(p => p.WaId).ToList();
        await using var db = city.App.NewDb();
        return await db.WhatsAppInbox.CountAsync(m => waIds.Contains(m.WaId) && m.ProcessedAt != null) == 5 * people.Count;
    }
}
