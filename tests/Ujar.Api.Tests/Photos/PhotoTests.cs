using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Photos;

/// <summary>The service over the fixture city with its own media folder, so each test class sees only its files.</summary>
public sealed class PhotoCityApp : IAsyncLifetime
{
    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:MediaPath"] = MediaPath });
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }

    public string[] MediaFiles() => Directory.Exists(MediaPath) ? Directory.GetFiles(MediaPath, "*", SearchOption.AllDirectories) : [];
}

public sealed class PhotoTests(PhotoCityApp city) : IClassFixture<PhotoCityApp>
{
    private const string Serial = "SN-UJAR-7731-XK";
    private const string CameraMake = "UjarTestCam";
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task Exif_with_GPS_and_camera_serial_is_gone_from_stored_and_served_photos_and_orientation_is_applied()
    {
        // Stored 400×200, left half red and right half blue, with EXIF orientation 6: upright it is 200×400, red on top.
        var original = TestImages.WithExif(TestImages.Jpeg(400, 200, TestImages.RedLeftBlueRight), orientation: 6, CameraMake, Serial,
            latitude: 0.9187, longitude: 104.4553);
        Assert.True(TestImages.HasExifSegment(original));
        Assert.Contains(Serial, Encoding.ASCII.GetString(original));

        var response = await FileAsync("Genangan di depan ruko, foto dengan GPS", ("foto.jpg", "image/jpeg", original));

        await AssertCreatedAsync(response);
        var photo = (await response.ReadJsonAsync()).GetProperty("photos")[0];
        Assert.Equal((200, 400), (photo.GetProperty("width").GetInt32(), photo.GetProperty("height").GetInt32()));
        var id = Guid.Parse(photo.GetProperty("id").GetString()!);
        var stored = await File.ReadAllBytesAsync(Path.Combine(city.MediaPath, "photos", $"{id:N}.jpg"));
        var served = await _client.GetByteArrayAsync(photo.GetProperty("url").GetString());
        var servedThumb = await _client.GetByteArrayAsync(photo.GetProperty("thumbUrl").GetString());
        Assert.Equal(stored, served);
        foreach (var bytes in new[] { stored, served, servedThumb })
        {
            Assert.Equal([0xFF, 0xD8, 0xFF], bytes[..3]);
            Assert.False(TestImages.HasExifSegment(bytes), "an EXIF APP1 segment survived");
            var text = Encoding.ASCII.GetString(bytes);
            Assert.DoesNotContain(Serial, text);
            Assert.DoesNotContain(CameraMake, text);
            Assert.DoesNotContain("Exif", text);
        }
        using var upright = SKBitmap.Decode(stored);
        Assert.Equal((200, 400), (upright.Width, upright.Height));
        Assert.True(TestImages.IsRed(upright.GetPixel(100, 80)), $"top should be red, is {upright.GetPixel(100, 80)}");
        Assert.True(TestImages.IsBlue(upright.GetPixel(100, 320)), $"bottom should be blue, is {upright.GetPixel(100, 320)}");
    }

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    public async Task Png_and_WebP_are_accepted_and_stored_as_our_JPEG(string format)
    {
        var image = format == "png" ? TestImages.Png(300, 200) : TestImages.Webp(300, 200);

        var response = await FileAsync($"Lampu jalan mati ({format})", ($"foto.{format}", $"image/{format}", image));

        await AssertCreatedAsync(response);
        var photo = (await response.ReadJsonAsync()).GetProperty("photos")[0];
        Assert.Equal((300, 200), (photo.GetProperty("width").GetInt32(), photo.GetProperty("height").GetInt32()));
        Assert.Equal("report", photo.GetProperty("kind").GetString());
        var stored = await File.ReadAllBytesAsync(Path.Combine(city.MediaPath, "photos", $"{Guid.Parse(photo.GetProperty("id").GetString()!):N}.jpg"));
        Assert.Equal([0xFF, 0xD8, 0xFF], stored[..3]);
    }

    [Fact]
    public async Task A_PNG_named_jpg_and_sent_as_image_jpeg_is_recognised_by_its_content()
    {
        var png = TestImages.Png(240, 160);

        var response = await FileAsync("Pohon tumbang, PNG yang menyamar", ("IMG_0001.jpg", "image/jpeg", png));

        await AssertCreatedAsync(response);
        var photo = (await response.ReadJsonAsync()).GetProperty("photos")[0];
        var stored = await File.ReadAllBytesAsync(Path.Combine(city.MediaPath, "photos", $"{Guid.Parse(photo.GetProperty("id").GetString()!):N}.jpg"));
        Assert.Equal([0xFF, 0xD8, 0xFF], stored[..3]);
        Assert.NotEqual(png, stored);
        using var decoded = SKBitmap.Decode(stored);
        Assert.Equal((240, 160), (decoded.Width, decoded.Height));
        // The PNG's transparent corner became white, not black: JPEG has no alpha.
        Assert.True(decoded.GetPixel(5, 5).Red > 200 && decoded.GetPixel(5, 5).Green > 200, $"corner is {decoded.GetPixel(5, 5)}");
    }

    [Fact]
    public async Task A_text_file_named_jpg_is_refused_and_nothing_is_stored()
    {
        var before = city.MediaFiles();
        var text = Encoding.UTF8.GetBytes("Ini bukan foto, hanya teks biasa.\n");

        var response = await FileAsync("Laporan dengan file teks", ("foto.jpg", "image/jpeg", TestImages.Png(100, 100)), ("catatan.jpg", "image/jpeg", text));

        var problem = await AssertRefusedAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_photo_type", "Laporan dengan file teks", before);
        Assert.Contains("catatan.jpg", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("photos[1]", out _));
    }

    [Fact]
    public async Task A_truncated_JPEG_is_refused_and_nothing_is_stored()
    {
        var before = city.MediaFiles();
        var jpeg = TestImages.Jpeg(800, 600, TestImages.Noise);
        var truncated = jpeg[..(jpeg.Length / 2)];

        var response = await FileAsync("Laporan dengan foto terpotong", ("foto.jpg", "image/jpeg", truncated));

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity, "photo_unreadable", "Laporan dengan foto terpotong", before);
    }

    [Fact]
    public async Task A_photo_over_10_MB_is_refused_with_413()
    {
        var before = city.MediaFiles();
        var huge = new byte[12 * 1024 * 1024];
        RandomNumberGenerator.Fill(huge);
        TestImages.Jpeg(64, 64, TestImages.Noise).CopyTo(huge, 0);

        var response = await FileAsync("Laporan dengan foto 12 MB", ("besar.jpg", "image/jpeg", huge));

        await AssertRefusedAsync(response, HttpStatusCode.RequestEntityTooLarge, "photo_too_large", "Laporan dengan foto 12 MB", before);
    }

    [Fact]
    public async Task More_than_three_photos_are_refused()
    {
        var before = city.MediaFiles();
        var photos = Enumerable.Range(1, 4).Select(i => ($"foto{i}.png", "image/png", TestImages.Png(50 * i, 50))).ToArray();

        var response = await FileAsync("Laporan dengan empat foto", photos);

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity, "too_many_photos", "Laporan dengan empat foto", before);
    }

    [Fact]
    public async Task Photos_are_capped_thumbnails_are_smaller_and_both_are_served_to_be_cached_for_a_year()
    {
        var response = await FileAsync("Jalan rusak, foto besar", ("lebar.jpg", "image/jpeg", TestImages.Jpeg(3000, 1000, TestImages.Noise)));

        await AssertCreatedAsync(response);
        var photo = (await response.ReadJsonAsync()).GetProperty("photos")[0];
        Assert.Equal((2048, 683), (photo.GetProperty("width").GetInt32(), photo.GetProperty("height").GetInt32()));
        var full = await _client.GetAsync(photo.GetProperty("url").GetString());
        var thumb = await _client.GetAsync(photo.GetProperty("thumbUrl").GetString());
        foreach (var served in new[] { full, thumb })
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
            var cache = served.Headers.CacheControl;
            Assert.True(cache is { Public: true, MaxAge.TotalSeconds: 31536000 }, cache?.ToString());
            Assert.Contains("immutable", cache!.Extensions.Select(e => e.Name));
        }
        var fullBytes = await full.Content.ReadAsByteArrayAsync();
        var thumbBytes = await thumb.Content.ReadAsByteArrayAsync();
        Assert.True(thumbBytes.Length < fullBytes.Length / 4, $"thumbnail {thumbBytes.Length} bytes, photo {fullBytes.Length}");
        using var thumbImage = SKBitmap.Decode(thumbBytes);
        Assert.Equal((320, 107), (thumbImage.Width, thumbImage.Height));
    }

    [Fact]
    public async Task Unknown_or_malformed_photo_names_are_404_problems()
    {
        foreach (var url in new[] { $"/media/photos/{Guid.NewGuid():N}.jpg", $"/media/photos/{Guid.NewGuid():N}.thumb.jpg", "/media/photos/..%2F..%2Fetc%2Fpasswd" })
        {
            var response = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(response.Headers.CacheControl?.MaxAge);
        }
    }

    [Fact]
    public async Task The_reporter_adds_photos_later_with_their_token_and_a_wrong_token_is_403()
    {
        var filed = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.025, 100.06, "sampah", "Sampah menumpuk, foto menyusul"));
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var body = await filed.ReadJsonAsync();
        var ticket = body.GetProperty("ticket").GetString()!;
        var token = body.GetProperty("reporterToken").GetString()!;
        Assert.Equal(0, body.GetProperty("photos").GetArrayLength());
        Assert.Equal(43, token.Length); // 32 bytes, base64url without padding
        await using (var db = city.App.NewDb())
        {
            var hash = await db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.ReporterTokenHash).SingleAsync();
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), hash);
        }

        var wrong = await AddPhotosAsync(ticket, token[..^2] + "xx", ("foto.png", "image/png", TestImages.Png(120, 90)));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("wrong_reporter_token", (await wrong.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await AddPhotosAsync(ticket, null, ("foto.png", "image/png", TestImages.Png(120, 90)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AddPhotosAsync("UJR-1999-000001", token, ("foto.png", "image/png", TestImages.Png(120, 90)))).StatusCode);

        var added = await AddPhotosAsync(ticket, token, ("a.png", "image/png", TestImages.Png(120, 90)), ("b.png", "image/png", TestImages.Png(90, 120)));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var addedIds = (await added.ReadJsonAsync()).GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, addedIds.Count);

        // Two more would make four.
        var tooMany = await AddPhotosAsync(ticket, token, ("c.png", "image/png", TestImages.Png(60, 60)), ("d.png", "image/png", TestImages.Png(60, 60)));
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Equal("too_many_photos", (await tooMany.ReadJsonAsync()).GetProperty("code").GetString());

        var detail = await _client.GetDetailAsync(ticket);
        var listed = detail.GetProperty("photos").EnumerateArray().ToList();
        Assert.Equal(addedIds, listed.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(listed[0].GetProperty("thumbUrl").GetString(), detail.GetProperty("complaint").GetProperty("thumbUrl").GetString());
        await using (var db = city.App.NewDb())
            Assert.Equal(2, await db.Photos.CountAsync(p => p.ComplaintId == detail.GetProperty("complaint").GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task The_complaint_detail_lists_its_photos_in_the_order_they_were_sent()
    {
        var response = await FileAsync("Parit meluap, dua foto", ("pertama.png", "image/png", TestImages.Png(200, 100)),
            ("kedua.jpg", "image/jpeg", TestImages.Jpeg(100, 200, TestImages.Noise)));
        await AssertCreatedAsync(response);
        var body = await response.ReadJsonAsync();
        var sent = body.GetProperty("photos").EnumerateArray().ToList();

        var detail = await _client.GetDetailAsync(body.GetProperty("ticket").GetString()!);

        var listed = detail.GetProperty("photos").EnumerateArray().ToList();
        Assert.Equal(sent.Select(p => p.GetProperty("id").GetString()), listed.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal([(200, 100), (100, 200)], listed.Select(p => (p.GetProperty("width").GetInt32(), p.GetProperty("height").GetInt32())));
        Assert.All(listed, p => Assert.Matches(@"^/media/photos/[0-9a-f]{32}\.thumb\.jpg$", p.GetProperty("thumbUrl").GetString()));
        Assert.Equal(listed[0].GetProperty("thumbUrl").GetString(), detail.GetProperty("complaint").GetProperty("thumbUrl").GetString());
    }

    [Fact]
    public async Task A_replayed_filing_returns_the_first_photos_without_the_token_and_stores_nothing_more()
    {
        var key = Guid.NewGuid().ToString();
        var first = await FileAsync("Tiang miring, dikirim dua kali", key, ("foto.png", "image/png", TestImages.Png(80, 80)));
        var filesAfterFirst = city.MediaFiles();
        var retry = await FileAsync("Tiang miring, dikirim dua kali", key, ("foto.png", "image/png", TestImages.Png(80, 80)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var (firstBody, retryBody) = (await first.ReadJsonAsync(), await retry.ReadJsonAsync());
        Assert.Equal(JsonValueKind.String, firstBody.GetProperty("reporterToken").ValueKind);
        Assert.Equal(JsonValueKind.Null, retryBody.GetProperty("reporterToken").ValueKind);
        Assert.Equal(firstBody.GetProperty("photos")[0].GetProperty("id").GetString(), retryBody.GetProperty("photos")[0].GetProperty("id").GetString());
        Assert.Equal(filesAfterFirst.Order(), city.MediaFiles().Order());
    }

    [Fact]
    public async Task A_multipart_filing_without_the_complaint_part_is_refused()
    {
        using var form = new MultipartFormDataContent();
        form.Add(Part("photos", "foto.png", "image/png", TestImages.Png(50, 50)));

        var response = await _client.PostAsync("/api/complaints", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("missing_part", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }

    private Task<HttpResponseMessage> FileAsync(string description, params (string Name, string Type, byte[] Bytes)[] photos) =>
        FileAsync(description, null, photos);

    private Task<HttpResponseMessage> FileAsync(string description, string? idempotencyKey, params (string Name, string Type, byte[] Bytes)[] photos)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(Json.Complaint(0.065, 100.055, "genangan_air", description), Encoding.UTF8, "application/json"), "complaint" },
        };
        foreach (var (name, type, bytes) in photos) form.Add(Part("photos", name, type, bytes));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> AddPhotosAsync(string ticket, string? token, params (string Name, string Type, byte[] Bytes)[] photos)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, type, bytes) in photos) form.Add(Part("photos", name, type, bytes));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/photos") { Content = form };
        if (token is not null) request.Headers.Add("X-Reporter-Token", token);
        return _client.SendAsync(request);
    }

    private static ByteArrayContent Part(string name, string fileName, string type, byte[] bytes)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = $"\"{name}\"", FileName = $"\"{fileName}\"" };
        return part;
    }

    private static async Task AssertCreatedAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    private async Task<JsonElement> AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code, string description, string[] filesBefore)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("titleEn").GetString()));
        await using var db = city.App.NewDb();
        Assert.False(await db.Complaints.AnyAsync(c => c.Description == description), "a complaint was stored");
        Assert.Equal(filesBefore.Order(), city.MediaFiles().Order());
        return problem;
    }
}

internal static class PhotoTestClient
{
    public static async Task<JsonElement> GetDetailAsync(this HttpClient client, string ticket)
    {
        var response = await client.GetAsync($"/api/complaints/{ticket}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}

/// <summary>Test images made here with Skia, and a JPEG carrying the EXIF a phone would add.</summary>
internal static class TestImages
{
    public static void RedLeftBlueRight(SKCanvas canvas, int width, int height)
    {
        using var red = new SKPaint { Color = SKColors.Red };
        using var blue = new SKPaint { Color = SKColors.Blue };
        canvas.DrawRect(0, 0, width / 2f, height, red);
        canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
    }

    /// <summary>Random pixels: they do not compress, so the file is large and has plenty of scan data to cut.</summary>
    public static void Noise(SKCanvas canvas, int width, int height)
    {
        var random = new Random(7);
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
    }

    public static byte[] Jpeg(int width, int height, Action<SKCanvas, int, int> draw) => Encode(width, height, draw, SKEncodedImageFormat.Jpeg);

    /// <summary>A PNG with a transparent top-left corner.</summary>
    public static byte[] Png(int width, int height) => Encode(width, height, (canvas, w, h) =>
    {
        canvas.Clear(SKColors.Transparent);
        using var green = new SKPaint { Color = SKColors.Green };
        canvas.DrawRect(w / 4f, h / 4f, w, h, green);
    }, SKEncodedImageFormat.Png);

    public static byte[] Webp(int width, int height) => Encode(width, height, RedLeftBlueRight, SKEncodedImageFormat.Webp);

    private static byte[] Encode(int width, int height, Action<SKCanvas, int, int> draw, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        draw(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;
    public static bool IsBlue(SKColor c) => c.Blue > 200 && c.Red < 60 && c.Green < 60;

    /// <summary>Whether the JPEG's header (the markers before the scan) holds an APP1 "Exif" segment.</summary>
    public static bool HasExifSegment(byte[] jpeg)
    {
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF)
        {
            var marker = jpeg[at + 1];
            if (marker == 0xDA) return false; // start of scan: no more header segments
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (marker == 0xE1 && jpeg.AsSpan(at + 4).StartsWith("Exif\0\0"u8)) return true;
            at += 2 + length;
        }
        return false;
    }

    /// <summary><paramref name="jpeg"/> with an APP1 EXIF segment after SOI, as a phone writes it: IFD0 with the
    /// orientation and camera make, an Exif IFD with the body serial number, and a GPS IFD with the position.</summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation, string make, string serial, double latitude, double longitude)
    {
        const ushort Ascii = 2, Short = 3, Long = 4, Rational = 5;
        byte[] Text(string s) => Encoding.ASCII.GetBytes(s + "\0");
        byte[] Degrees(double value)
        {
            var d = (uint)value;
            var m = (uint)((value - d) * 60);
            var s = (uint)Math.Round(((value - d) * 60 - m) * 60 * 100);
            return [.. new uint[] { d, 1, m, 1, s, 100 }.SelectMany(BitConverter.GetBytes)];
        }
        (ushort, ushort, uint, byte[])[] Ifd0(uint exifAt, uint gpsAt) =>
        [
            (0x010F, Ascii, (uint)make.Length + 1, Text(make)),
            (0x0112, Short, 1, BitConverter.GetBytes(orientation)),
            (0x8769, Long, 1, BitConverter.GetBytes(exifAt)),
            (0x8825, Long, 1, BitConverter.GetBytes(gpsAt)),
        ];
        (ushort, ushort, uint, byte[])[] exif = [(0xA431, Ascii, (uint)serial.Length + 1, Text(serial))];
        (ushort, ushort, uint, byte[])[] gps =
        [
            (0x0001, Ascii, 2, Text("N")), (0x0002, Rational, 3, Degrees(latitude)),
            (0x0003, Ascii, 2, Text("E")), (0x0004, Rational, 3, Degrees(longitude)),
        ];
        var ifd0Length = Ifd(8, Ifd0(0, 0)).Length;
        var exifAt = 8 + ifd0Length;
        var exifBytes = Ifd(exifAt, exif);
        var gpsAt = exifAt + exifBytes.Length;
        byte[] tiff = [.. "II*\0"u8, .. BitConverter.GetBytes(8u), .. Ifd(8, Ifd0((uint)exifAt, (uint)gpsAt)), .. exifBytes, .. Ifd(gpsAt, gps)];

        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(payload.Length + 2));
        return [.. jpeg[..2], 0xFF, 0xE1, .. length, .. payload, .. jpeg[2..]];
    }

    /// <summary>One little-endian TIFF IFD starting at <paramref name="start"/>, values longer than 4 bytes after it.</summary>
    private static byte[] Ifd(int start, (ushort Tag, ushort Type, uint Count, byte[] Value)[] entries)
    {
        var head = new List<byte>(BitConverter.GetBytes((ushort)entries.Length));
        var data = new List<byte>();
        var dataStart = start + 2 + 12 * entries.Length + 4;
        foreach (var (tag, type, count, value) in entries)
        {
            head.AddRange(BitConverter.GetBytes(tag));
            head.AddRange(BitConverter.GetBytes(type));
            head.AddRange(BitConverter.GetBytes(count));
            if (value.Length <= 4) head.AddRange(value.Concat(new byte[4 - value.Length]));
            else
            {
                head.AddRange(BitConverter.GetBytes((uint)(dataStart + data.Count)));
                data.AddRange(value);
                if (data.Count % 2 == 1) data.Add(0); // values start on a word boundary
            }
        }
        head.AddRange(BitConverter.GetBytes(0u)); // no next IFD
        return [.. head, .. data];
    }
}
