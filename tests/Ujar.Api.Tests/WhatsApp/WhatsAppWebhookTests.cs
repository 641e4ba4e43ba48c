using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Tasks;
using Ujar.Api.WhatsApp;
using static Ujar.Api.Tests.WhatsApp.MetaWebhook;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>GET and POST /webhooks/whatsapp through the real HTTP pipeline: the handshake, signatures, bad bodies,
/// re-deliveries and delivery callbacks.</summary>
public sealed class WhatsAppWebhookTests(WhatsAppCityApp city) : IClassFixture<WhatsAppCityApp>
{
    private const double Lat = 0.065, Lon = 100.055;

    [Fact]
    public async Task Verification_handshake_answers_the_challenge_as_plain_text_only_for_our_token()
    {
        using var client = city.App.CreateClient();

        var ok = await client.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={WhatsAppCityApp.VerifyToken}&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/plain", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        foreach (var query in new[]
                 {
                     "hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1158201444",
                     $"hub.mode=subscribe&hub.verify_token={WhatsAppCityApp.VerifyToken}x&hub.challenge=1",
                     "hub.mode=subscribe&hub.challenge=1158201444",
                     $"hub.mode=unsubscribe&hub.verify_token={WhatsAppCityApp.VerifyToken}&hub.challenge=1158201444",
                     $"hub.mode=subscribe&hub.verify_token={WhatsAppCityApp.VerifyToken}",
                     "",
                 })
        {
            var refused = await client.GetAsync($"/webhooks/whatsapp?{query}");
            var problem = await refused.ProblemAsync(HttpStatusCode.Forbidden, "webhook_verification_failed");
            Assert.DoesNotContain("1158201444", problem.ToString());
        }
    }

    [Fact]
    public async Task Bad_missing_or_malformed_signatures_are_401_and_nothing_is_stored_or_sent()
    {
        var intruder = city.NewPerson("Penyusup");
        var body = Messages(intruder.WaId, intruder.Name, ($"wamid.forged.{intruder.WaId}", 1_780_000_000, Location(Lat, Lon)));
        var otherBody = Messages(intruder.WaId, intruder.Name, ($"wamid.other.{intruder.WaId}", 1_780_000_000, Text("halo")));
        using var client = city.App.CreateClient();

        foreach (var signature in new[]
                 {
                     Sign(body, "rahasia-lain"),                       // another app's secret
                     Sign(otherBody, WhatsAppCityApp.AppSecret),       // our secret, another body
                     Sign(body, WhatsAppCityApp.AppSecret).ToUpperInvariant().Replace("SHA256=", "sha1="),
                     "sha256=" + new string('0', 64),
                     "sha256=zz",
                     Sign(body, WhatsAppCityApp.AppSecret)[..^2],
                     "",
                     null,
                 })
            await (await PostAsync(client, body, signature)).ProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        // Another content type meets the same check (a form post is not turned away with 415 before it).
        var form = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        await (await client.SendAsync(form)).ProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        // A body changed by one byte after signing.
        var tampered = body.Replace(Lat.ToString(System.Globalization.CultureInfo.InvariantCulture), "0.066");
        await (await PostAsync(client, tampered, Sign(body, WhatsAppCityApp.AppSecret))).ProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");

        // Someone else's conversation goes through meanwhile, so the workers have had their chance.
        var barrier = city.NewPerson();
        await barrier.SayAsync(Text("halo"));
        await AssertNothingForAsync(intruder.WaId);
    }

    [Fact]
    public async Task Malformed_JSON_and_bodies_not_shaped_like_a_webhook_are_400_and_nothing_is_stored()
    {
        var person = city.NewPerson();
        var valid = Messages(person.WaId, person.Name, ($"wamid.shape.{person.WaId}", 1_780_000_000, Location(Lat, Lon)));
        using var client = city.App.CreateClient();

        foreach (var (body, code) in new[]
                 {
                     (valid[..^3], "malformed_json"),
                     ("{\"object\":", "malformed_json"),
                     ("[1,2,3]", "unexpected_webhook"),
                     ("{\"object\":\"whatsapp_business_account\",\"entry\":{}}", "unexpected_webhook"),
                     (valid.Replace("\"from\":\"", "\"from\":\"abc"), "unexpected_webhook"),
                     (valid.Replace("\"latitude\":0.065", "\"latitude\":\"utara\""), "unexpected_webhook"),
                     (valid.Replace("\"timestamp\":\"", "\"timestamp\":\"kemarin"), "unexpected_webhook"),
                 })
        {
            var problem = await (await PostAsync(client, body, Sign(body, WhatsAppCityApp.AppSecret))).ProblemAsync(HttpStatusCode.BadRequest, code);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detailEn").GetString()));
        }

        // A notification of another kind (a template's status, an account update) is taken and ignored.
        var other = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"VERIFIED\"}}]}]}";
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, other, Sign(other, WhatsAppCityApp.AppSecret))).StatusCode);

        var barrier = city.NewPerson();
        await barrier.SayAsync(Text("halo"));
        await AssertNothingForAsync(person.WaId);
    }

    [Fact]
    public async Task A_body_over_1_MB_is_413_and_nothing_is_stored()
    {
        var person = city.NewPerson();
        var huge = Messages(person.WaId, person.Name, ($"wamid.huge.{person.WaId}", 1_780_000_000, Text(new string('a', WhatsAppWebhook.MaxBodyBytes))));
        using var client = city.App.CreateClient();

        await (await PostAsync(client, huge, Sign(huge, WhatsAppCityApp.AppSecret))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        var barrier = city.NewPerson();
        await barrier.SayAsync(Text("halo"));
        await AssertNothingForAsync(person.WaId);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_is_handled_once()
    {
        var person = city.NewPerson("Rahmat Dua Kali");
        var location = await person.SendAsync(Location(Lat, Lon));
        await person.SendAsync(Location(Lat, Lon), id: location);
        await city.Graph.WaitForAsync(person.WaId, 1);
        await person.SayAsync(ListReply("jalan_rusak"));
        await person.SayAsync(Text("Jalan berlubang dilaporkan dua kali oleh Meta"));

        // Meta re-delivers the last message, twice at the same moment and once more a little later.
        var skip = Messages(person.WaId, person.Name, ($"wamid.skip.{person.WaId}", city.Clock.GetUtcNow().ToUnixTimeSeconds() + 100, ButtonReply(WhatsAppConversations.SkipId)));
        using var client = city.App.CreateClient();
        var deliveries = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => PostAsync(client, skip, Sign(skip, WhatsAppCityApp.AppSecret))));
        Assert.All(deliveries, d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));
        await city.Graph.WaitForAsync(person.WaId, 4);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, skip, Sign(skip, WhatsAppCityApp.AppSecret))).StatusCode);

        // A later message is answered only after everything before it: then nothing more can come for the duplicates.
        Assert.Contains("tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("cek UJR-1999-999999"))));
        var received = person.Received;
        Assert.Equal(5, received.Count);
        Assert.Single(received, r => r.Contains("Laporan diterima"));
        await using var db = city.App.NewDb();
        Assert.Equal(1, await db.Complaints.CountAsync(c => c.ReporterPhone == person.Phone));
        // Each stored once and handled once (a second handling would count a second attempt).
        Assert.Equal(Enumerable.Repeat(1, 5), await db.WhatsAppInbox.Where(m => m.WaId == person.WaId).Select(m => m.Attempts).ToListAsync());
        Assert.Equal(5, await db.WhatsAppOutbox.CountAsync(m => m.WaId == person.WaId));
    }

    [Fact]
    public async Task Delivery_callbacks_update_the_outbox_row_even_when_they_overtake_the_send()
    {
        var person = city.NewPerson();
        await person.SayAsync(Location(Lat, Lon));
        var first = city.Graph.AcceptedTo(person.WaId)[0].MessageId;
        using var client = city.App.CreateClient();
        var now = city.Clock.GetUtcNow().ToUnixTimeSeconds();

        // "delivered" and "read" arriving out of order still leave "read".
        foreach (var status in new[] { "sent", "read", "delivered" })
        {
            var callback = Statuses(Status(first, status, person.WaId, now));
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, callback, Sign(callback, WhatsAppCityApp.AppSecret))).StatusCode);
        }
        await WhatsAppCityApp.EventuallyAsync(() => DeliveryAsync(first), d => d.Status == "read", "the first reply read");

        // A callback for the next reply before our sender has recorded its id (the fake names ids in order).
        var second = $"wamid.out.{person.WaId}.2";
        var early = Statuses(Status(second, "failed", person.WaId, now, 131047, "Re-engagement message"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, early, Sign(early, WhatsAppCityApp.AppSecret))).StatusCode);
        await person.SayAsync(ListReply("sampah"));
        Assert.Equal(second, city.Graph.AcceptedTo(person.WaId)[1].MessageId);
        var delivery = await WhatsAppCityApp.EventuallyAsync(() => DeliveryAsync(second), d => d.Status == "failed", "the early callback applied");
        Assert.Contains("131047", delivery.Error);
    }

    private async Task<(string? Status, string? Error)> DeliveryAsync(string sentMessageId)
    {
        await using var db = city.App.NewDb();
        var row = await db.WhatsAppOutbox.Where(m => m.SentMessageId == sentMessageId).Select(m => new { m.DeliveryStatus, m.DeliveryError })
            .SingleOrDefaultAsync();
        return (row?.DeliveryStatus, row?.DeliveryError);
    }

    private async Task AssertNothingForAsync(string waId)
    {
        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.WhatsAppInbox.CountAsync(m => m.WaId == waId));
        Assert.Equal(0, await db.WhatsAppConversations.CountAsync(c => c.WaId == waId));
        Assert.Equal(0, await db.WhatsAppOutbox.CountAsync(m => m.WaId == waId));
        Assert.Equal(0, await db.Complaints.CountAsync(c => c.ReporterPhone == "+" + waId));
        Assert.Empty(city.Graph.SendsTo(waId));
    }
}

/// <summary>A fresh install with no WhatsApp secrets: the webhook takes nothing.</summary>
public sealed class WhatsAppUnconfiguredTests(UnconfiguredWhatsAppCityApp city) : IClassFixture<UnconfiguredWhatsAppCityApp>
{
    [Fact]
    public async Task Without_an_app_secret_every_post_is_401_and_without_a_verify_token_every_handshake_403()
    {
        var person = city.NewPerson();
        var body = Messages(person.WaId, person.Name, ($"wamid.nosecret.{person.WaId}", 1_780_000_000, Location(0.065, 100.055)));
        using var client = city.App.CreateClient();

        foreach (var signature in new[] { Sign(body, ""), Sign(body, WhatsAppCityApp.AppSecret), null })
            await (await PostAsync(client, body, signature)).ProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        foreach (var token in new[] { "", WhatsAppCityApp.VerifyToken, "undefined" })
            await (await client.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=42"))
                .ProblemAsync(HttpStatusCode.Forbidden, "webhook_verification_failed");

        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.WhatsAppInbox.CountAsync());
        Assert.Equal(0, await db.WhatsAppConversations.CountAsync());
        Assert.Equal(0, await db.WhatsAppOutbox.CountAsync());
        Assert.Equal(0, await db.WhatsAppDeliveryReceipts.CountAsync());
        Assert.Equal(0, await db.Complaints.CountAsync());
        Assert.Empty(city.Graph.Requests);
    }
}
