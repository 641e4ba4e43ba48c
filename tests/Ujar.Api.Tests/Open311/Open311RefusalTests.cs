using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Channels;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Open311;

/// <summary>Bad input gets a clear 4xx in the spec's error format, never a 500, and nothing is stored.</summary>
public sealed class Open311RefusalTests(Open311CityApp city) : IClassFixture<Open311CityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong")]
    [InlineData("revoked")]
    public async Task A_missing_wrong_or_revoked_key_is_403_and_stores_nothing(string kind)
    {
        var description = $"Kunci {kind} {Guid.NewGuid():N}";
        var key = kind switch
        {
            "missing" => "",
            "wrong" => city.ApiKey[..^4] + "XXXX",
            _ => await RevokedKeyAsync(),
        };

        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("api_key", key)));

        var error = Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.Forbidden));
        Assert.Contains("api_key", error.Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task The_key_is_checked_before_any_photo_is_read_so_a_bad_key_with_a_bad_photo_is_403()
    {
        var description = $"Foto palsu {Guid.NewGuid():N}";
        var filesBefore = city.MediaFiles();
        var response = await _client.PostMultipartAsync("xml", Open311Http.Filing("salah", description),
            ("media", "bukan-foto.jpg", Encoding.UTF8.GetBytes("ini bukan foto")));
        Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.Forbidden));
        await AssertNothingStoredAsync(description);
        Assert.Equal(filesBefore.Order(), city.MediaFiles().Order());

        // With the right key, the same file is judged by the photo checks, as on the web.
        var judged = await _client.PostMultipartAsync("xml", Open311Http.Filing(city.ApiKey, description),
            ("media", "bukan-foto.jpg", Encoding.UTF8.GetBytes("ini bukan foto")));
        Assert.Contains("media[0]", Assert.Single(await judged.XmlErrorsAsync(HttpStatusCode.UnsupportedMediaType)).Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task An_api_key_in_the_query_string_of_a_POST_is_400_even_when_it_is_right_and_nothing_is_stored()
    {
        var description = $"Kunci di URL {Guid.NewGuid():N}";
        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description),
            query: $"?api_key={Uri.EscapeDataString(city.ApiKey)}");
        var error = Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.BadRequest));
        Assert.StartsWith("api_key:", error.Description);
        Assert.Contains("body", error.Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task A_pin_outside_the_city_is_400_and_stores_nothing()
    {
        var description = $"Di luar kota {Guid.NewGuid():N}";
        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("lat", "0.5"), ("long", "100.5")));
        var error = Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.BadRequest));
        Assert.Contains("Di luar wilayah Kota Tanjungpinang", error.Description);
        Assert.Contains("Outside the service area", error.Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task An_unknown_service_code_is_400_when_filing_and_404_for_its_definition()
    {
        var description = $"Layanan asing {Guid.NewGuid():N}";
        var response = await _client.PostFormAsync("json", Open311Http.Filing(city.ApiKey, description, ("service_code", "ufo")));
        Assert.StartsWith("service_code: kategori 'ufo' tidak dikenal / unknown category 'ufo'",
            Assert.Single(await response.JsonErrorsAsync(HttpStatusCode.BadRequest)).Description);
        await AssertNothingStoredAsync(description);

        Assert.Single(await (await _client.GetAsync($"{Open311Http.Base}/services/ufo.xml")).XmlErrorsAsync(HttpStatusCode.NotFound));
        Assert.Single(await (await _client.GetAsync($"{Open311Http.Base}/services/ufo.json")).JsonErrorsAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_retired_category_is_no_service_any_more()
    {
        await using (var db = city.NewDb())
            await db.Categories.Where(c => c.Code == "galian_kabel").ExecuteUpdateAsync(s => s.SetProperty(c => c.Active, false));
        await city.App.ReloadRoutingAsync();
        try
        {
            var services = await (await _client.GetAsync($"{Open311Http.Base}/services.json")).JsonAsync();
            Assert.DoesNotContain("galian_kabel", services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()));
            Assert.Single(await (await _client.GetAsync($"{Open311Http.Base}/services/galian_kabel.xml")).XmlErrorsAsync(HttpStatusCode.NotFound));
            var description = $"Galian pensiun {Guid.NewGuid():N}";
            Assert.Single(await (await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("service_code", "galian_kabel"))))
                .XmlErrorsAsync(HttpStatusCode.BadRequest));
            await AssertNothingStoredAsync(description);
        }
        finally
        {
            await using var db = city.NewDb();
            await db.Categories.Where(c => c.Code == "galian_kabel").ExecuteUpdateAsync(s => s.SetProperty(c => c.Active, true));
            await city.App.ReloadRoutingAsync();
        }
    }

    [Theory]
    [InlineData("lat", "utara", "lat: harus berupa angka")]
    [InlineData("long", "104,45", "long: harus berupa angka")]
    [InlineData("lat", "95", "lat: lat harus di antara -90 dan 90")]
    [InlineData("long", "NaN", "long: lon harus berupa angka terhingga")]
    [InlineData("long", "", "long: bujur (lon) wajib diisi")]
    [InlineData("description", "", "description: uraian wajib diisi / description is required")]
    [InlineData("description", "   ", "description: uraian wajib diisi / description is required")]
    [InlineData("email", "bukan-email", "email: alamat email tidak valid / email address is not valid")]
    [InlineData("media_url", "file:///etc/passwd", "media_url: harus alamat http(s) lengkap")]
    [InlineData("attribute[nomor_tiang]", "12", "attribute[nomor_tiang]: atribut tidak dikenal")]
    [InlineData("attribute", "x", "attribute: atribut tidak dikenal")]
    public async Task A_bad_field_is_400_naming_it_as_Open311_does_and_nothing_is_stored(string field, string value, string expected)
    {
        var fields = Open311Http.Filing(city.ApiKey, $"Kolom buruk {Guid.NewGuid():N}");
        fields.RemoveAll(f => f.Name == field);
        if (value.Length > 0 || field == "description") fields.Add((field, value));
        var before = await CountAsync();

        var response = await _client.PostFormAsync("xml", fields);

        Assert.Contains(await response.XmlErrorsAsync(HttpStatusCode.BadRequest), e => e.Description.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task An_address_without_coordinates_is_400_saying_that_Ujar_does_not_geocode()
    {
        var description = $"Hanya alamat {Guid.NewGuid():N}";
        var fields = Open311Http.Filing(city.ApiKey, description, ("address_string", "Jl. Ketapang No. 1"));
        fields.RemoveAll(f => f.Name is "lat" or "long");
        var error = Assert.Single(await (await _client.PostFormAsync("json", fields)).JsonErrorsAsync(HttpStatusCode.BadRequest));
        Assert.StartsWith("lat, long:", error.Description);
        Assert.Contains("does not geocode", error.Description);

        var byId = Open311Http.Filing(city.ApiKey, description, ("address_id", "12345"));
        byId.RemoveAll(f => f.Name is "lat" or "long");
        Assert.Contains("does not geocode", Assert.Single(await (await _client.PostFormAsync("xml", byId)).XmlErrorsAsync(HttpStatusCode.BadRequest)).Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task Several_bad_fields_are_reported_together_one_error_each_in_both_formats_alike()
    {
        var description = $"Banyak salah {Guid.NewGuid():N}";
        var fields = Open311Http.Filing(city.ApiKey, description, ("lat", "95"), ("service_code", "ufo"), ("phone", new string('8', 201)));
        fields.RemoveAll(f => f.Name == "long");

        var xml = await (await _client.PostFormAsync("xml", fields)).XmlErrorsAsync(HttpStatusCode.BadRequest);
        var json = await (await _client.PostFormAsync("json", fields)).JsonErrorsAsync(HttpStatusCode.BadRequest);

        Assert.Equal(xml, json);
        Assert.Equal(["lat", "long", "service_code", "phone"], xml.Select(e => e.Description[..e.Description.IndexOf(':')]));
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task A_description_over_4000_characters_with_its_landmark_is_400()
    {
        var description = $"Panjang {Guid.NewGuid():N} " + new string('x', 3950);
        Assert.True(description.Length <= 4000);
        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("attribute[patokan]", new string('p', 100))));
        Assert.StartsWith("description: uraian paling banyak 4000 karakter", Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.BadRequest)).Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task A_foreign_jurisdiction_is_404_for_reads_and_filings()
    {
        Assert.Contains("tanjungpinangkota.go.id", Assert.Single(await (await _client.GetAsync($"{Open311Http.Base}/services.xml?jurisdiction_id=bandung.go.id"))
            .XmlErrorsAsync(HttpStatusCode.NotFound)).Description);
        Assert.Single(await (await _client.GetAsync($"{Open311Http.Base}/requests.json?jurisdiction_id=bandung.go.id")).JsonErrorsAsync(HttpStatusCode.NotFound));
        var description = $"Kota lain {Guid.NewGuid():N}";
        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("jurisdiction_id", "bandung.go.id")));
        Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.NotFound));
        await AssertNothingStoredAsync(description);
        // Case does not matter in a domain name, and the parameter is optional.
        await (await _client.GetAsync($"{Open311Http.Base}/services.xml?jurisdiction_id=TanjungPinangKota.go.id")).XmlAsync();
        await (await _client.GetAsync($"{Open311Http.Base}/services.xml")).XmlAsync();
    }

    [Theory]
    [InlineData("requests/UJR-2026-999999.xml", "xml")]
    [InlineData("requests/UJR-2026-999999.json", "json")]
    [InlineData("tokens/tidak-ada.json", "json")]
    [InlineData("services/ufo.xml", "xml")]
    [InlineData("requests.html", "xml")]
    [InlineData("requests", "xml")]
    [InlineData("reports.json", "xml")]
    [InlineData("v3/requests.json", "xml")]
    public async Task Unknown_requests_tokens_services_formats_and_resources_are_404_in_the_spec_format(string path, string format)
    {
        var response = await _client.GetAsync($"{Open311Http.Base}/{path}");
        if (format == "xml") Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.NotFound));
        else Assert.Single(await response.JsonErrorsAsync(HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("requests.xml?start_date=kemarin", "start_date:")]
    [InlineData("requests.xml?end_date=2026-13-45T00:00:00Z", "end_date:")]
    [InlineData("requests.xml?start_date=2026-01-01&end_date=2026-06-01", "end_date:")]
    [InlineData("requests.xml?start_date=2026-06-01&end_date=2026-05-01", "start_date:")]
    [InlineData("requests.xml?start_date=2026-06-01&start_date=2026-06-02", "start_date:")]
    [InlineData("requests.xml?page=0", "page:")]
    [InlineData("requests.xml?page=1001", "page:")]
    [InlineData("requests.xml?page_size=201", "page_size:")]
    [InlineData("requests.xml?page_size=lima", "page_size:")]
    [InlineData("requests.xml?status=pending", "status:")]
    [InlineData("requests.xml?service_code=ufo", "service_code:")]
    [InlineData("requests.xml?service_code=sampah%00", "service_code:")]
    [InlineData("servicerequestupdates.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", "end_date:")]
    [InlineData("servicerequestupdates.xml?end_date=besok", "end_date:")]
    [InlineData("services.xml?jurisdiction_id=a&jurisdiction_id=b", "jurisdiction_id:")]
    public async Task Bad_query_parameters_are_400_naming_the_parameter(string pathAndQuery, string field)
    {
        var errors = await (await _client.GetAsync($"{Open311Http.Base}/{pathAndQuery}")).XmlErrorsAsync(HttpStatusCode.BadRequest);
        Assert.Contains(errors, e => e.Description.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Other_fields_in_the_URL_of_a_POST_are_400_and_a_body_of_another_type_is_415()
    {
        var description = $"Salah tempat {Guid.NewGuid():N}";
        var inUrl = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description), query: "?service_code=sampah");
        Assert.StartsWith("service_code:", Assert.Single(await inUrl.XmlErrorsAsync(HttpStatusCode.BadRequest)).Description);

        var json = await _client.PostAsync($"{Open311Http.Base}/requests.json",
            new StringContent($$"""{"api_key":"{{city.ApiKey}}","description":"{{description}}"}""", Encoding.UTF8, "application/json"));
        Assert.Single(await json.JsonErrorsAsync(HttpStatusCode.UnsupportedMediaType));
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task Bodies_over_the_limits_are_413_and_store_nothing()
    {
        var description = $"Terlalu besar {Guid.NewGuid():N}";
        var form = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("address_string", new string('a', 70_000))));
        Assert.Single(await form.XmlErrorsAsync(HttpStatusCode.RequestEntityTooLarge));

        var filesBefore = city.MediaFiles();
        var photo = await _client.PostMultipartAsync("json", Open311Http.Filing(city.ApiKey, description),
            ("media", "besar.jpg", new byte[10 * 1024 * 1024 + 1]));
        Assert.Contains("media[0]", Assert.Single(await photo.JsonErrorsAsync(HttpStatusCode.RequestEntityTooLarge)).Description);

        var four = await _client.PostMultipartAsync("xml", Open311Http.Filing(city.ApiKey, description),
            [.. Enumerable.Range(0, 4).Select(i => ("media", $"foto{i}.jpg", TestImages.Jpeg(64, 64, TestImages.RedLeftBlueRight)))]);
        Assert.Single(await four.XmlErrorsAsync(HttpStatusCode.BadRequest));
        await AssertNothingStoredAsync(description);
        Assert.Equal(filesBefore.Order(), city.MediaFiles().Order());
    }

    [Fact]
    public async Task A_NUL_in_a_field_is_400_and_nothing_is_stored()
    {
        var description = $"NUL {Guid.NewGuid():N}";
        var response = await _client.PostFormAsync("xml", Open311Http.Filing(city.ApiKey, description, ("first_name", "Si\0ti")));
        Assert.StartsWith("first_name:", Assert.Single(await response.XmlErrorsAsync(HttpStatusCode.BadRequest)).Description);
        await AssertNothingStoredAsync(description);
    }

    [Fact]
    public async Task A_stored_control_character_is_replaced_in_XML_instead_of_breaking_the_answer()
    {
        // The web's JSON can carry a control character; XML 1.0 cannot.
        var post = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "sampah", "Sampah\u0001 menumpuk"));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var ticket = (await post.ReadJsonAsync()).GetProperty("ticket").GetString();
        var xml = await (await _client.GetAsync($"{Open311Http.Base}/requests/{ticket}.xml")).XmlAsync();
        Assert.Equal("Sampah\uFFFD menumpuk", xml.Root!.Element("request")!.Text("description"));
    }

    private async Task<string> RevokedKeyAsync()
    {
        var (name, key) = await city.NewKeyAsync("dicabut");
        await using var db = city.NewDb();
        Assert.NotNull(await ChannelKeys.RevokeAsync(db, name, "uji", DateTime.UtcNow, CancellationToken.None));
        return key;
    }

    private async Task<int> CountAsync()
    {
        await using var db = city.NewDb();
        return await db.Complaints.CountAsync();
    }

    private async Task AssertNothingStoredAsync(string description)
    {
        await using var db = city.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync(c => c.Description.Contains(description)));
    }
}
