using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Security;

/// <summary>Brotli or gzip for the text the service sends; never for photos, the live hub, or an answer that carries a
/// secret (those are also marked no-store).</summary>
public sealed class CompressionTests(PhotoCityApp city) : IClassFixture<PhotoCityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    private static HttpRequestMessage Accepting(HttpMethod method, string path, string encodings = "gzip, br")
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.AcceptEncoding.ParseAdd(encodings);
        return request;
    }

    private static async Task<byte[]> DecodedAsync(HttpResponseMessage response)
    {
        await using var raw = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = response.Content.Headers.ContentEncoding.Single() switch
        {
            "br" => new BrotliStream(raw, CompressionMode.Decompress),
            "gzip" => new GZipStream(raw, CompressionMode.Decompress),
            var other => throw new InvalidOperationException(other),
        };
        using var copy = new MemoryStream();
        await decoded.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static void AssertSentAsIs(HttpResponseMessage response)
    {
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData("/api/hotspots/hex?cell=250", "br")]
    [InlineData("/api/hotspots/hex?cell=250", "gzip")]
    [InlineData("/api/hotspots/kelurahan?format=csv", "gzip")]
    [InlineData("/api/hotspots/weekly?days=90", "gzip")]
    [InlineData("/api/boundaries?level=kelurahan", "br")]
    [InlineData("/open311/v2/services.xml", "br")]
    public async Task Text_answers_are_compressed_as_the_client_accepts_and_decode_to_the_same_bytes(string path, string encoding)
    {
        var plain = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        AssertSentAsIs(plain);
        var expected = await plain.Content.ReadAsByteArrayAsync();

        var compressed = await _client.SendAsync(Accepting(HttpMethod.Get, path, encoding));

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal(encoding, Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Equal(expected, await DecodedAsync(compressed));
    }

    [Fact]
    public async Task The_planners_geopackage_is_compressed_and_decodes_to_the_sqlite_file()
    {
        var compressed = await _client.SendAsync(Accepting(HttpMethod.Get, "/api/hotspots/kelurahan?format=gpkg", "br"));

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal("br", Assert.Single(compressed.Content.Headers.ContentEncoding));
        // Each file records when it was written (gpkg_contents.last_change), so two answers are not byte for byte equal:
        // the decoded bytes are checked as an SQLite file instead.
        var sent = (await compressed.Content.ReadAsByteArrayAsync()).Length;
        var decoded = await DecodedAsync(compressed);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), decoded[..16]);
        Assert.True(decoded.Length > sent, $"{sent} bytes sent for a {decoded.Length}-byte file");
    }

    [Fact]
    public async Task The_filing_answer_with_the_reporter_token_is_neither_compressed_nor_stored()
    {
        var request = Accepting(HttpMethod.Post, "/api/complaints");
        request.Content = new StringContent(Json.Complaint(0.065, 100.055, "sampah", "Sampah di depan pasar"), Encoding.UTF8, "application/json");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        AssertSentAsIs(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(string.IsNullOrEmpty((await response.ReadJsonAsync()).GetProperty("reporterToken").GetString()));
    }

    [Fact]
    public async Task Sign_in_tokens_and_a_new_channel_key_are_neither_compressed_nor_stored()
    {
        var email = await city.App.CreateAccountAsync("admin");
        var login = Accepting(HttpMethod.Post, "/api/auth/login");
        login.Content = JsonContent.Create(new { email, password = TestAccounts.Password });
        var signedIn = await _client.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        AssertSentAsIs(signedIn);
        Assert.Equal("no-store", signedIn.Headers.CacheControl?.ToString());
        var token = JsonDocument.Parse(await signedIn.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();

        var create = Accepting(HttpMethod.Post, "/api/admin/channel-keys");
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        create.Content = JsonContent.Create(new { name = $"kompresi-{Guid.NewGuid():N}"[..30], channel = "open311" });
        var created = await _client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        AssertSentAsIs(created);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Photos_and_the_live_hub_are_sent_as_they_are()
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(Json.Complaint(0.065, 100.055, "sampah", "Dengan foto"), Encoding.UTF8, "application/json"), "complaint" },
        };
        var photo = new ByteArrayContent(TestImages.Jpeg(400, 300, TestImages.RedLeftBlueRight));
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(photo, "photos", "foto.jpg");
        var filed = await (await _client.PostAsync("/api/complaints", form)).ReadJsonAsync();
        var url = filed.GetProperty("photos")[0].GetProperty("url").GetString()!;

        var image = await _client.SendAsync(Accepting(HttpMethod.Get, url));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        AssertSentAsIs(image);

        var negotiate = await _client.SendAsync(Accepting(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1"));
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal("application/json", negotiate.Content.Headers.ContentType?.MediaType);
        AssertSentAsIs(negotiate);
        Assert.Contains("connectionToken", await negotiate.Content.ReadAsStringAsync());
    }
}
