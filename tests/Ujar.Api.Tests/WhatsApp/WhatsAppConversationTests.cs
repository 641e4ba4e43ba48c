using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;
using Ujar.Api.Tests.Tasks;
using Ujar.Api.WhatsApp;
using static Ujar.Api.Tests.WhatsApp.MetaWebhook;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>The conversation, played over signed webhooks against the real service, answered through the fake Graph API.</summary>
public sealed class WhatsAppConversationTests(WhatsAppCityApp city) : IClassFixture<WhatsAppCityApp>
{
    private const string Pupr = "Dinas Pekerjaan Umum dan Penataan Ruang";
    private const string PuprEn = "Public Works and Spatial Planning Agency";
    private const string CameraSerial = "SN-WA-5521-QZ";

    [Fact]
    public async Task A_whole_conversation_files_a_complaint_with_the_photo_routed_like_a_web_pin()
    {
        var person = city.NewPerson("Siti Aminah di WhatsApp");
        var photo = TestImages.WithExif(TestImages.Jpeg(640, 480, TestImages.RedLeftBlueRight), orientation: 1, "UjarWaCam", CameraSerial,
            latitude: 0.9187, longitude: 104.4553);
        var mediaId = $"media-{person.WaId}";
        city.Graph.AddMedia(mediaId, photo);
        var route = await RouteAsync(0.065, 100.055, "genangan_air");

        // 1. A location: where it would go, and the categories with their OPD.
        var list = (await person.SayAsync(Location(0.065, 100.055)))["interactive"]!;
        Assert.Equal("list", list["type"]!.GetValue<string>());
        var body = list["body"]!["text"]!.GetValue<string>();
        Assert.Contains(route.GetProperty("kelurahan").GetProperty("name").GetString()!, body);
        Assert.Contains(route.GetProperty("kecamatan").GetProperty("name").GetString()!, body);
        var button = list["action"]!["button"]!.GetValue<string>();
        var section = list["action"]!["sections"]!.AsArray().Single()!;
        var rows = section["rows"]!.AsArray().Select(r => r!).ToList();
        await using (var db = city.App.NewDb())
            Assert.Equal(await db.Categories.Where(c => c.Active).OrderBy(c => c.SortOrder).Select(c => c.Code).ToListAsync(),
                rows.Select(r => r["id"]!.GetValue<string>()));
        Assert.InRange(rows.Count, 1, GraphMessages.MaxListRows);
        Assert.InRange(button.Length, 1, GraphMessages.MaxButtonTitle);
        Assert.InRange(section["title"]!.GetValue<string>().Length, 1, GraphMessages.MaxSectionTitle);
        Assert.All(rows, r =>
        {
            Assert.InRange(r["title"]!.GetValue<string>().Length, 1, GraphMessages.MaxRowTitle);
            Assert.InRange(r["description"]!.GetValue<string>().Length, 1, GraphMessages.MaxRowDescription);
        });
        Assert.Contains(Pupr, rows.Single(r => r["id"]!.GetValue<string>() == "genangan_air")["description"]!.GetValue<string>());
        Assert.Contains("Dinas Lingkungan Hidup", rows.Single(r => r["id"]!.GetValue<string>() == "sampah")["description"]!.GetValue<string>());

        // 2. A row picked: asked for a description. 3. A description: asked for a photo, with "Lewati".
        var askDescription = FakeGraph.Readable(await person.SayAsync(ListReply("genangan_air", "Genangan air / banjir")));
        Assert.Contains("Genangan air", askDescription);
        Assert.Contains(Pupr, askDescription);
        var askPhoto = (await person.SayAsync(Text("Air setinggi lutut di depan SD 005, motor tidak bisa lewat")))["interactive"]!;
        Assert.Equal("button", askPhoto["type"]!.GetValue<string>());
        var skip = askPhoto["action"]!["buttons"]!.AsArray().Single()!["reply"]!;
        Assert.Equal((WhatsAppConversations.SkipId, "Lewati"), (skip["id"]!.GetValue<string>(), skip["title"]!.GetValue<string>()));

        // 4. The photo: filed, and the ticket with the OPD and the tracking link.
        var filedReply = FakeGraph.Readable(await person.SayAsync(Image(mediaId)));
        var complaint = await person.ComplaintAsync();
        Assert.Contains(complaint.Ticket, filedReply);
        Assert.Contains(Pupr, filedReply);
        Assert.Contains($"http://localhost:5080/lacak/{complaint.Ticket}", filedReply);

        Assert.Equal(IntakeChannel.WhatsApp, complaint.Channel);
        Assert.Equal(ComplaintStatus.Received, complaint.Status);
        Assert.Equal("genangan_air", complaint.CategoryCode);
        Assert.Equal("Air setinggi lutut di depan SD 005, motor tidak bisa lewat", complaint.Description);
        Assert.Equal((person.Phone, person.Name), (complaint.ReporterPhone, complaint.ReporterName));
        Assert.False(complaint.Anonymous);
        Assert.False(complaint.IsDemo);
        Assert.Equal((0.065, 100.055), (complaint.Location.Y, complaint.Location.X));
        Assert.Equal((route.GetProperty("kelurahan").GetProperty("code").GetString(), route.GetProperty("kecamatan").GetProperty("code").GetString(),
                route.GetProperty("opd").GetProperty("code").GetString(), route.GetProperty("snapped").GetBoolean()),
            (complaint.KelurahanCode, complaint.KecamatanCode, complaint.OpdCode, complaint.Snapped));
        // Keyed by the message that completed it: handling that message again can only find this complaint.
        Assert.Equal(person.LastMessageId, complaint.IdempotencyKey);

        // The photo is ours: re-encoded, no EXIF (no GPS, no camera serial), served like every photo.
        await using (var db = city.App.NewDb())
        {
            var stored = await db.Photos.AsNoTracking().SingleAsync(p => p.ComplaintId == complaint.Id);
            Assert.Equal(PhotoKind.Report, stored.Kind);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(city.MediaPath, "photos", $"{stored.Id:N}.jpg"));
            Assert.NotEqual(photo, bytes);
            Assert.False(TestImages.HasExifSegment(bytes));
            Assert.DoesNotContain(CameraSerial, Encoding.ASCII.GetString(bytes));
            using var decoded = SKBitmap.Decode(bytes);
            Assert.Equal((640, 480), (decoded.Width, decoded.Height));
        }
        // Media fetched from the Graph API with the access token, metadata first.
        var mediaRequests = city.Graph.Requests.Where(r => r.Path.EndsWith(mediaId)).ToList();
        Assert.Equal([$"/{FakeGraph.Version}/{mediaId}", $"/media/{mediaId}"], mediaRequests.Select(r => r.Path));
        Assert.All(mediaRequests, r => Assert.Equal($"Bearer {WhatsAppCityApp.AccessToken}", r.Authorization));

        // Every reply went to the Graph API as Meta expects it, and the ticket reply came once.
        Assert.Contains("tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("cek UJR-1999-999999"))));
        Assert.Single(person.Received, r => r.Contains("Laporan diterima"));
        Assert.All(city.Graph.SendsTo(person.WaId), send =>
        {
            Assert.Equal($"/{FakeGraph.Version}/{MetaWebhook.BusinessPhoneNumberId}/messages", send.Path);
            Assert.Equal($"Bearer {WhatsAppCityApp.AccessToken}", send.Authorization);
            var message = JsonNode.Parse(send.Body)!;
            Assert.Equal("whatsapp", message["messaging_product"]!.GetValue<string>());
            Assert.Contains(message["type"]!.GetValue<string>(), new[] { "text", "interactive" });
        });
        city.AssertLogsHoldNoSecrets(person);
    }

    [Fact]
    public async Task Outside_the_city_the_bot_says_so_and_nothing_is_stored()
    {
        var person = city.NewPerson();

        var reply = FakeGraph.Readable(await person.SayAsync(Location(0.5, 100.5)));
        Assert.Contains("di luar wilayah Kota Tanjungpinang", reply);
        // Nothing more: a category picked afterwards starts nothing.
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await person.SayAsync(ListReply("sampah"))));

        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync(c => c.ReporterPhone == person.Phone));
        var conversation = await db.WhatsAppConversations.AsNoTracking().SingleAsync(c => c.WaId == person.WaId);
        Assert.Equal((ConversationStep.Idle, null, null), (conversation.Step, conversation.Latitude, conversation.Longitude));
    }

    [Fact]
    public async Task An_English_conversation_gets_English_replies_and_English_status_updates()
    {
        var person = city.NewPerson("John Visitor");
        Assert.Contains("share its *location*", FakeGraph.Readable(await person.SayAsync(Text("Hello, how do I report a problem?"))));

        // A pin on the coast, 150 m off the land: snapped to the nearest kelurahan, as the web does.
        var list = (await person.SayAsync(Location(0.0625, 100.00865)))["interactive"]!;
        Assert.Equal("Choose category", list["action"]!["button"]!.GetValue<string>());
        var rows = list["action"]!["sections"]![0]!["rows"]!.AsArray();
        Assert.Equal("Damaged road", rows.Single(r => r!["id"]!.GetValue<string>() == "jalan_rusak")!["title"]!.GetValue<string>());
        Assert.Equal($"Handled by {PuprEn}", rows.Single(r => r!["id"]!.GetValue<string>() == "jalan_rusak")!["description"]!.GetValue<string>());
        Assert.Contains("Choose what the problem is", list["body"]!["text"]!.GetValue<string>());

        Assert.Contains($"Category: Damaged road (handled by {PuprEn})", FakeGraph.Readable(await person.SayAsync(ListReply("jalan_rusak"))));
        var askPhoto = (await person.SayAsync(Text("There is a big hole in the road near the harbour")))["interactive"]!;
        Assert.Contains("Send a *photo*", askPhoto["body"]!["text"]!.GetValue<string>());
        Assert.Equal("Skip", askPhoto["action"]!["buttons"]![0]!["reply"]!["title"]!.GetValue<string>());
        var filed = FakeGraph.Readable(await person.SayAsync(Text("skip")));
        Assert.Contains("Report received", filed);
        Assert.Contains($"Sent to: {PuprEn}", filed);

        var complaint = await person.ComplaintAsync();
        var route = await RouteAsync(0.0625, 100.00865, "jalan_rusak");
        Assert.True(complaint.Snapped);
        Assert.Equal(route.GetProperty("kelurahan").GetProperty("code").GetString(), complaint.KelurahanCode);

        var staff = await city.App.ClientAsAsync(Roles.OpdStaff, "pupr");
        await (await staff.ChangeAsync(complaint.Ticket, new { to = "verified", note = "Checked on site" })).OkJsonAsync();
        var update = FakeGraph.Readable((await city.Graph.WaitForAsync(person.WaId, 6))[5].Message);
        Assert.Contains($"Ticket *{complaint.Ticket}*: the status is now *Verified*", update);
        Assert.Contains("Note: Checked on site", update);
    }

    [Fact]
    public async Task A_ticket_in_a_text_answers_with_its_public_status_only()
    {
        using var web = city.App.CreateClient();
        var filed = await (await web.PostRawJsonAsync("/api/complaints", Json.Complaint(0.025, 100.06, "jalan_rusak", "Jalan amblas di tikungan",
            new { name = "Budi Rahasia", phone = "081298765432", email = "budi.rahasia@contoh.id" }))).ReadJsonAsync();
        var ticket = filed.GetProperty("ticket").GetString()!;
        var staff = await city.App.ClientAsAsync(Roles.OpdStaff, "pupr");
        await (await staff.ChangeAsync(ticket, new { to = "verified", note = "Sudah dicek", internalNote = "Catatan dalam jangan bocor" })).OkJsonAsync();

        var person = city.NewPerson();
        var answer = FakeGraph.Readable(await person.SayAsync(Text($"Cek {ticket.ToLowerInvariant()} ya pak")));
        Assert.Contains($"Tiket *{ticket}*", answer);
        Assert.Contains("Status: *Diverifikasi*", answer);
        Assert.Contains($"Ditangani: {Pupr}", answer);
        Assert.Contains("Pembaruan terakhir: ", answer);
        Assert.Contains("Tenggat berikutnya: ", answer);
        Assert.Contains($"http://localhost:5080/lacak/{ticket}", answer);
        foreach (var secret in new[] { "Budi Rahasia", "081298765432", "budi.rahasia", "Catatan dalam" }) Assert.DoesNotContain(secret, answer);

        var english = city.NewPerson();
        var answerEn = FakeGraph.Readable(await english.SayAsync(Text($"check {ticket} please")));
        Assert.Contains("Status: *Verified*", answerEn);
        Assert.Contains($"Handled by: {PuprEn}", answerEn);
        Assert.Contains("Next deadline: ", answerEn);

        Assert.Contains("UJR-2026-999999 tidak ditemukan", FakeGraph.Readable(await person.SayAsync(Text("UJR-2026-999999"))));
    }

    [Fact]
    public async Task Texts_before_a_location_other_message_types_and_batal_get_short_answers()
    {
        var person = city.NewPerson();
        var instructions = FakeGraph.Readable(await person.SayAsync(Text("selamat pagi")));
        Assert.Contains("kirim *lokasi*", instructions);
        Assert.Contains("Lokasi*", instructions);
        Assert.Contains("cek UJR-", instructions);

        foreach (var type in new[] { "audio", "sticker", "video", "document", "contacts" })
            Assert.Contains("hanya dapat membaca teks, lokasi, dan foto", FakeGraph.Readable(await person.SayAsync(Other(type))));
        city.Graph.AddMedia($"media-idle-{person.WaId}", TestImages.Jpeg(50, 50, TestImages.RedLeftBlueRight));
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await person.SayAsync(Image($"media-idle-{person.WaId}"))));

        await person.SayAsync(Location(0.065, 100.055));
        Assert.Contains("dibatalkan", FakeGraph.Readable(await person.SayAsync(Text("Batal"))));
        await using (var db = city.App.NewDb())
        {
            var conversation = await db.WhatsAppConversations.AsNoTracking().SingleAsync(c => c.WaId == person.WaId);
            Assert.Equal((ConversationStep.Idle, null), (conversation.Step, conversation.Latitude));
        }
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await person.SayAsync(ListReply("sampah"))));
        Assert.DoesNotContain(city.Graph.Requests, r => r.Path.EndsWith($"media-idle-{person.WaId}"));
    }

    [Fact]
    public async Task A_photo_with_a_caption_while_a_description_is_awaited_is_both()
    {
        var person = city.NewPerson();
        var mediaId = $"media-caption-{person.WaId}";
        city.Graph.AddMedia(mediaId, TestImages.Jpeg(320, 240, TestImages.RedLeftBlueRight));
        await person.SayAsync(Location(0.065, 100.055));
        await person.SayAsync(ListReply("sampah"));

        Assert.Contains("Laporan diterima", FakeGraph.Readable(await person.SayAsync(Image(mediaId, "Sampah menumpuk di pinggir parit"))));

        var complaint = await person.ComplaintAsync();
        Assert.Equal(("sampah", "dlh", "Sampah menumpuk di pinggir parit"), (complaint.CategoryCode, complaint.OpdCode, complaint.Description));
        await using var db = city.App.NewDb();
        Assert.Equal(1, await db.Photos.CountAsync(p => p.ComplaintId == complaint.Id));
    }

    [Fact]
    public async Task A_photo_that_cannot_be_read_or_is_too_large_asks_for_another_or_Lewati()
    {
        var person = city.NewPerson();
        city.Graph.AddMedia($"media-text-{person.WaId}", "Ini bukan foto, hanya teks."u8.ToArray());
        city.Graph.AddMedia($"media-huge-{person.WaId}", [0xFF, 0xD8, 0xFF], announcedSize: PhotoStore.MaxUploadBytes + 1);
        await person.SayAsync(Location(0.065, 100.055));
        await person.SayAsync(ListReply("penerangan_jalan"));
        await person.SayAsync(Text("Lampu jalan mati sepanjang gang"));

        var unreadable = await person.SayAsync(Image($"media-text-{person.WaId}"));
        Assert.Contains("tidak dapat kami baca", unreadable["interactive"]!["body"]!["text"]!.GetValue<string>());
        Assert.Equal(WhatsAppConversations.SkipId, unreadable["interactive"]!["action"]!["buttons"]![0]!["reply"]!["id"]!.GetValue<string>());
        var tooLarge = await person.SayAsync(Image($"media-huge-{person.WaId}"));
        Assert.Contains("lebih dari 10 MB", tooLarge["interactive"]!["body"]!["text"]!.GetValue<string>());
        // The announced size was enough: the bytes were never asked for.
        Assert.DoesNotContain(city.Graph.Requests, r => r.Path == $"/media/media-huge-{person.WaId}");
        Assert.Equal(0, await CountComplaintsAsync(person));

        Assert.Contains("Laporan diterima", FakeGraph.Readable(await person.SayAsync(ButtonReply(WhatsAppConversations.SkipId))));
        var complaint = await person.ComplaintAsync();
        Assert.Equal("Lampu jalan mati sepanjang gang", complaint.Description);
        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.Photos.CountAsync(p => p.ComplaintId == complaint.Id));
    }

    [Fact]
    public async Task A_refusal_from_the_intake_becomes_a_chat_message_and_nothing_is_stored()
    {
        var person = city.NewPerson();
        await person.SayAsync(Location(0.065, 100.055));
        await person.SayAsync(ListReply("jalan_rusak"));
        await person.SayAsync(Text(new string('x', ComplaintRules.MaxDescriptionLength + 1)));

        var refusal = (await person.ExchangeAsync(ButtonReply(WhatsAppConversations.SkipId), 2)).Select(FakeGraph.Readable).ToList();
        Assert.Contains("Laporan belum dapat diterima", refusal[0]);
        Assert.Contains($"uraian paling banyak {ComplaintRules.MaxDescriptionLength} karakter", refusal[0]);
        Assert.Contains("Tulis uraiannya lagi", refusal[1]);
        Assert.Equal(0, await CountComplaintsAsync(person));

        await person.SayAsync(Text("Jalan retak memanjang"));
        Assert.Contains("Laporan diterima", FakeGraph.Readable(await person.SayAsync(ButtonReply(WhatsAppConversations.SkipId))));
        Assert.Equal("Jalan retak memanjang", (await person.ComplaintAsync()).Description);
    }

    [Fact]
    public async Task The_reporters_number_and_name_are_for_the_complaints_OPD_only()
    {
        var person = city.NewPerson("Wan Fitri Privasi");
        await person.ReportAsync(0.065, 100.055, "jalan_rusak", "Lubang di jalan depan masjid");
        var ticket = (await person.ComplaintAsync()).Ticket;
        var digits = person.WaId[2..]; // also without the country code

        using var anonymous = city.App.CreateClient();
        foreach (var url in new[] { $"/api/complaints/{ticket}", "/api/complaints?bbox=99.9,-0.1,100.2,0.2&limit=1000", "/api/events?after=0&limit=2000" })
        {
            var response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains(ticket, text);
            Assert.DoesNotContain(digits, text);
            Assert.DoesNotContain("Wan Fitri", text);
        }

        var own = await (await (await city.App.ClientAsAsync(Roles.OpdStaff, "pupr")).GetAsync($"/api/staff/complaints/{ticket}")).OkJsonAsync();
        Assert.Equal(person.Phone, own.GetProperty("reporter").GetProperty("phone").GetString());
        Assert.Equal(person.Name, own.GetProperty("reporter").GetProperty("name").GetString());
        var other = await (await city.App.ClientAsAsync(Roles.OpdStaff, "dlh")).GetAsync($"/api/staff/complaints/{ticket}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.DoesNotContain(digits, await other.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> RouteAsync(double lat, double lon, string category)
    {
        using var client = city.App.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/route?lat={lat}&lon={lon}&category={category}"));
    }

    private async Task<int> CountComplaintsAsync(WhatsAppPerson person)
    {
        await using var db = city.App.NewDb();
        return await db.Complaints.CountAsync(c => c.ReporterPhone == person.Phone);
    }
}
