using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Photos;

/// <summary>What an upload may cost before it is refused: its header is read before any pixel, its complaint's JSON is
/// judged before any photo, and one client cannot take every decoding slot.</summary>
public sealed class PhotoSafetyTests(PhotoCityApp city) : IClassFixture<PhotoCityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task A_7000_by_7000_PNG_of_a_few_dozen_KB_is_refused_for_its_pixels()
    {
        var png = BigPngs.Blank(7000, 7000);
        Assert.InRange(png.Length, 1, 300_000);

        var response = await FileAsync(Json.Complaint(0.065, 100.055, "genangan_air", "Foto 7000 x 7000"), ("bom.png", png));

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity, "photo_too_many_pixels");
    }

    [Fact]
    public async Task A_PNG_whose_header_says_7000_by_7000_over_garbage_is_refused_for_its_pixels_before_any_decode()
    {
        // Were the pixels decoded, the garbage would make this photo_unreadable (see the next test): the header decided.
        var response = await FileAsync(Json.Complaint(0.065, 100.055, "genangan_air", "Header raksasa"), ("bom.png", BigPngs.OverGarbage(7000, 7000)));

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity, "photo_too_many_pixels");
    }

    [Fact]
    public async Task The_same_garbage_under_a_header_of_ordinary_size_is_decoded_and_found_unreadable()
    {
        var response = await FileAsync(Json.Complaint(0.065, 100.055, "genangan_air", "Header biasa"), ("rusak.png", BigPngs.OverGarbage(700, 700)));

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity, "photo_unreadable");
    }

    [Theory]
    [InlineData("""{"lat":0.065,"lon":""", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("""{"lat":"0.065","lon":100.055,"category":"genangan_air","description":"x"}""", HttpStatusCode.BadRequest, "wrong_type")]
    [InlineData("""{"lat":95,"lon":100.055,"category":"genangan_air","description":"Lintang salah"}""", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("""{"lat":0.065,"lon":100.055,"category":"ufo","description":"Kategori salah"}""", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    // The control: with a good complaint the photo is decoded, and is refused for what it is.
    [InlineData("""{"lat":0.065,"lon":100.055,"category":"genangan_air","description":"Semua benar kecuali foto"}""", HttpStatusCode.UnprocessableEntity, "photo_unreadable")]
    public async Task The_complaint_after_a_big_photo_is_judged_before_the_photo_is_decoded(string json, HttpStatusCode status, string code)
    {
        // 3000 × 3000 by its header, 6 MB of garbage after it: decoding it would end in photo_unreadable.
        var photo = BigPngs.OverGarbage(3000, 3000, garbageBytes: 6 << 20);

        var response = await FileAsync(json, ("besar.png", photo), complaintLast: true);

        await AssertRefusedAsync(response, status, code);
    }

    private Task<HttpResponseMessage> FileAsync(string json, (string Name, byte[] Bytes) photo, bool complaintLast = false)
    {
        var form = new MultipartFormDataContent();
        var complaint = new StringContent(json, Encoding.UTF8, "application/json");
        var file = new ByteArrayContent(photo.Bytes);
        file.Headers.ContentType = new("image/png");
        if (!complaintLast) form.Add(complaint, "complaint");
        form.Add(file, "photos", photo.Name);
        if (complaintLast) form.Add(complaint, "complaint");
        return _client.PostAsync("/api/complaints", form);
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"code\":\"{code}\"", text);
        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync());
        Assert.Empty(city.MediaFiles());
    }
}

/// <summary>
/// The service on a real Kestrel socket, so each test client can come from its own loopback address (127.0.0.2,
/// 127.0.0.3…) and the service tells them apart as it tells citizens apart.
/// </summary>
public sealed class KestrelPhotoCityApp : IAsyncLifetime
{
    private UjarApp _app = null!;
    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public Uri BaseUrl { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        _app = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:MediaPath"] = MediaPath });
        _app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>A client whose connections leave from <paramref name="source"/>.</summary>
    public HttpClient ClientFrom(string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = BaseUrl };

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }
}

public sealed class PhotoDecodeShareTests(KestrelPhotoCityApp city) : IClassFixture<KestrelPhotoCityApp>
{
    [Fact]
    public async Task A_client_whose_decodes_are_all_running_waits_briefly_then_gets_429_while_another_client_is_served()
    {
        var shares = city.Services.GetRequiredService<DecodeShares>();
        var busy = IPAddress.Parse("127.0.0.2");
        var held = new List<IDisposable>();
        for (var i = 0; i < DecodeShares.PerClient; i++)
            held.Add(await shares.EnterAsync(busy, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException("a free share was refused"));

        using var fromBusy = city.ClientFrom("127.0.0.2");
        using var fromOther = city.ClientFrom("127.0.0.3");
        var refused = await fromBusy.PostAsync("/api/complaints", Filing("Klien sibuk"));
        var text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)refused.StatusCode}: {text}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"photo_decodes_busy\"", text);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");

        var other = await fromOther.PostAsync("/api/complaints", Filing("Klien lain"));
        Assert.True(other.StatusCode == HttpStatusCode.Created, $"{(int)other.StatusCode}: {await other.Content.ReadAsStringAsync()}");

        held.ForEach(lease => lease.Dispose());
        var again = await fromBusy.PostAsync("/api/complaints", Filing("Klien sibuk, lagi"));
        Assert.True(again.StatusCode == HttpStatusCode.Created, $"{(int)again.StatusCode}: {await again.Content.ReadAsStringAsync()}");
    }

    private static MultipartFormDataContent Filing(string description)
    {
        var file = new ByteArrayContent(TestImages.Png(64, 48));
        file.Headers.ContentType = new("image/png");
        return new MultipartFormDataContent
        {
            { new StringContent(Json.Complaint(0.065, 100.055, "genangan_air", description), Encoding.UTF8, "application/json"), "complaint" },
            { file, "photos", "foto.png" },
        };
    }
}

/// <summary>PNG files made byte by byte, so their header can say what their pixels are not.</summary>
internal static class BigPngs
{
    /// <summary>A valid all-black 8-bit greyscale PNG: every row a filter byte and zeros, which deflate shrinks ~1000×.</summary>
    public static byte[] Blank(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (var y = 0; y < height; y++) zlib.Write(row);
        }
        return Png(width, height, compressed.ToArray());
    }

    /// <summary>A PNG whose header is right and whose image data is random bytes, not a zlib stream.</summary>
    public static byte[] OverGarbage(int width, int height, int garbageBytes = 64 * 1024)
    {
        var garbage = new byte[garbageBytes];
        new Random(42).NextBytes(garbage);
        return Png(width, height, garbage);
    }

    private static byte[] Png(int width, int height, byte[] imageData)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth; colour type 0 (greyscale), compression, filter, interlace all 0
        return [0x89, .. "PNG\r\n\x1a\n"u8, .. Chunk("IHDR", header), .. Chunk("IDAT", imageData), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typeAndData = (byte[])[.. Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[8 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(typeAndData));
        return chunk;
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
