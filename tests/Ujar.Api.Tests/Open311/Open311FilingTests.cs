using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Live;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Open311;

/// <summary>What a filing over Open311 stores, and what it never shows or does.</summary>
public sealed class Open311FilingTests(Open311CityApp city) : IClassFixture<Open311CityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task A_complaint_filed_over_Open311_records_its_channel_its_key_and_the_reporters_private_contact()
    {
        var (_, key) = await city.NewKeyAsync("callcentre");
        var post = await _client.PostFormAsync("xml", Open311Http.Filing(key, "Got mampet di gang"));
        var id = (await post.XmlAsync()).Root!.Element("request")!.Text("service_request_id");

        await using var db = city.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == id);
        Assert.Equal(IntakeChannel.Open311, stored.Channel);
        Assert.Equal(await city.KeyIdAsync(key), stored.ChannelKeyId);
        Assert.Equal(("Siti Aminah Pelapor", "081277776666", "warga.pelapor@contoh.id"), (stored.ReporterName, stored.ReporterPhone, stored.ReporterEmail));
        Assert.False(stored.Anonymous);
        Assert.NotNull(stored.IdempotencyKey); // the token tokens/{token} answers
        var keyRow = await db.ChannelKeys.SingleAsync(k => k.Id == stored.ChannelKeyId);
        Assert.NotNull(keyRow.LastUsedAt);
    }

    [Fact]
    public async Task A_filing_without_any_contact_is_anonymous()
    {
        var post = await _client.PostFormAsync("json", Open311Http.Filing(city.ApiKey, "Tanpa nama",
            ("email", ""), ("first_name", ""), ("last_name", ""), ("phone", "")));
        var id = (await post.JsonAsync())[0].GetProperty("service_request_id").GetString();
        await using var db = city.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == id);
        Assert.True(stored.Anonymous);
        Assert.Equal((null, null, null), (stored.ReporterName, stored.ReporterPhone, stored.ReporterEmail));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_stores_one_complaint_and_is_the_token_but_another_systems_key_cannot_reuse_it()
    {
        var idempotencyKey = $"fms-{Guid.NewGuid():N}";
        var fields = Open311Http.Filing(city.ApiKey, $"Kabel menjuntai {idempotencyKey}", ("service_code", "tiang_pln"));

        var first = (await (await _client.PostFormAsync("xml", fields, idempotencyKey)).XmlAsync()).Root!.Element("request")!;
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.PostFormAsync("xml", fields, idempotencyKey)));

        Assert.Equal(idempotencyKey, first.Text("token"));
        foreach (var retry in retries)
        {
            var request = (await retry.XmlAsync()).Root!.Element("request")!;
            Assert.Equal((first.Text("service_request_id"), idempotencyKey), (request.Text("service_request_id"), request.Text("token")));
        }
        await using (var db = city.NewDb())
            Assert.Equal(1, await db.Complaints.CountAsync(c => c.Description.Contains(idempotencyKey)));
        var byToken = await (await _client.GetAsync($"{Open311Http.Base}/tokens/{idempotencyKey}.xml")).XmlAsync();
        Assert.Equal(first.Text("service_request_id"), byToken.Root!.Element("request")!.Text("service_request_id"));

        var (_, otherKey) = await city.NewKeyAsync("sistem-lain");
        var other = await _client.PostFormAsync("xml", Open311Http.Filing(otherKey, $"Kabel menjuntai {idempotencyKey}", ("service_code", "tiang_pln")),
            idempotencyKey);
        Assert.Contains("Idempotency-Key", Assert.Single(await other.XmlErrorsAsync(HttpStatusCode.Conflict)).Description);
        await using (var db = city.NewDb())
            Assert.Equal(1, await db.Complaints.CountAsync(c => c.Description.Contains(idempotencyKey)));
    }

    [Fact]
    public async Task A_photo_with_EXIF_GPS_posted_as_multipart_is_stored_re_encoded_without_EXIF_and_shown_as_our_own_link()
    {
        const string serial = "SN-OPEN311-4242";
        var original = TestImages.WithExif(TestImages.Jpeg(400, 200, TestImages.RedLeftBlueRight), orientation: 6, "UjarTestCam", serial,
            latitude: 0.9187, longitude: 104.4553);
        Assert.True(TestImages.HasExifSegment(original));

        var post = await _client.PostMultipartAsync("json", Open311Http.Filing(city.ApiKey, "Banjir setinggi lutut", ("service_code", "genangan_air")),
            ("media", "banjir.jpg", original), ("photos", "banjir.png", TestImages.Png(120, 80)));
        var id = (await post.JsonAsync())[0].GetProperty("service_request_id").GetString()!;

        await using var db = city.NewDb();
        var photos = await db.Photos.Where(p => db.Complaints.Any(c => c.Id == p.ComplaintId && c.Ticket == id)).OrderBy(p => p.CreatedAt).ToListAsync();
        Assert.Equal(2, photos.Count);
        Assert.All(photos, p => Assert.Equal(PhotoKind.Report, p.Kind));
        var stored = await File.ReadAllBytesAsync(Path.Combine(city.MediaPath, "photos", $"{photos[0].Id:N}.jpg"));
        Assert.False(TestImages.HasExifSegment(stored), "an EXIF segment survived");
        Assert.DoesNotContain(serial, Encoding.ASCII.GetString(stored));
        Assert.DoesNotContain("Exif", Encoding.ASCII.GetString(stored));
        using (var upright = SKBitmap.Decode(stored)) Assert.Equal((200, 400), (upright.Width, upright.Height)); // orientation applied

        var request = (await (await _client.GetAsync($"{Open311Http.Base}/requests/{id}.json")).JsonAsync())[0];
        var mediaUrl = request.GetProperty("media_url").GetString()!;
        Assert.Equal($"{Open311CityApp.PublicBaseUrl}/media/photos/{photos[0].Id:N}.jpg", mediaUrl);
        Assert.Equal(stored, await _client.GetByteArrayAsync(new Uri(mediaUrl).PathAndQuery));
    }

    [Fact]
    public async Task A_media_url_is_kept_as_a_link_never_fetched_and_never_shown()
    {
        // A listener standing where media_url points records every connection the server might make to it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var mediaUrl = $"http://127.0.0.1:{port}/foto/4711.jpeg";

        var post = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, "Pohon tumbang, foto di sistem pelapor",
            ("service_code", "pohon_membahayakan"), ("media_url", mediaUrl)));
        var id = (await post.XmlAsync()).Root!.Element("request")!.Text("service_request_id");
        await city.App.ReachStatusAsync(id, ComplaintStatus.Verified, "Dicek");
        var outputs = new List<string>();
        foreach (var path in new[] { $"requests/{id}.xml", $"requests/{id}.json", "requests.xml", "requests.json",
                     $"servicerequestupdates.xml?start_date={DateTime.UtcNow.AddMinutes(-5):yyyy-MM-ddTHH:mm:ssZ}" })
            outputs.Add(await (await _client.GetAsync($"{Open311Http.Base}/{path}")).Content.ReadAsStringAsync());
        await Task.Delay(500); // time for a fetch in the background, were there one

        Assert.False(listener.Pending(), "the server connected to the media_url");
        await using (var db = city.NewDb())
            Assert.Equal(mediaUrl, await db.Complaints.Where(c => c.Ticket == id).Select(c => c.MediaLink).SingleAsync());
        Assert.All(outputs, output => Assert.DoesNotContain($"127.0.0.1:{port}", output));
        Assert.Contains(outputs, output => output.Contains(id));
    }

    [Fact]
    public async Task Reporter_contact_appears_in_no_GET_of_any_resource_or_format()
    {
        var start = DateTime.UtcNow.AddSeconds(-1);
        var post = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, "Sampah dibakar tiap malam",
            ("service_code", "sampah"), ("email", "rahasia.sekali@contoh.id"), ("first_name", "Rahasiawati"), ("last_name", "Tersembunyi"),
            ("phone", "0812-9999-1234")), idempotencyKey: $"kontak-{Guid.NewGuid():N}");
        var filed = (await post.XmlAsync()).Root!.Element("request")!;
        var id = filed.Text("service_request_id");
        await city.App.ReachStatusAsync(id, ComplaintStatus.InProgress, "Petugas berangkat");
        var window = $"start_date={start:yyyy-MM-ddTHH:mm:ssZ}";

        foreach (var format in new[] { "xml", "json" })
            foreach (var path in new[] { $"requests/{id}.{format}", $"requests.{format}", $"requests.{format}?service_request_id={id}",
                         $"requests.{format}?service_code=sampah&{window}", $"tokens/{filed.Text("token")}.{format}",
                         $"servicerequestupdates.{format}?{window}", $"services.{format}", $"discovery.{format}" })
            {
                var response = await _client.GetAsync($"{Open311Http.Base}/{path}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var text = await response.Content.ReadAsStringAsync();
                foreach (var secret in new[] { "rahasia.sekali", "Rahasiawati", "Tersembunyi", "9999-1234" })
                    Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
    }
}
