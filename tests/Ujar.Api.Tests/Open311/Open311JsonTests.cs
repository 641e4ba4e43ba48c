using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;
using Ujar.Api.Tests.Tasks;

namespace Ujar.Api.Tests.Open311;

/// <summary>A client that speaks JSON: every answer is checked against the Open311 project's GeoReport v2 schemas.</summary>
public sealed class Open311JsonTests(Open311CityApp city) : IClassFixture<Open311CityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    [Fact]
    public async Task Services_are_the_active_categories_and_each_definition_offers_the_landmark_attribute()
    {
        var services = await (await _client.GetAsync($"{Open311Http.Base}/services.json?jurisdiction_id={Open311CityApp.Jurisdiction}")).JsonAsync();
        Open311Schemas.AssertValid(Open311Schemas.Services, services);

        await using var db = city.NewDb();
        var active = await db.Categories.Where(c => c.Active).OrderBy(c => c.SortOrder).Select(c => c.Code).ToListAsync();
        Assert.Equal(active, services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()));
        var road = services.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "jalan_rusak");
        Assert.Equal("Jalan rusak", road.GetProperty("service_name").GetString());
        Assert.Equal("Dinas Pekerjaan Umum dan Penataan Ruang", road.GetProperty("group").GetString());
        Assert.Contains("Damaged road", road.GetProperty("description").GetString());
        Assert.Contains("Public Works and Spatial Planning Agency", road.GetProperty("description").GetString());
        Assert.True(road.GetProperty("metadata").GetBoolean());
        Assert.Equal("realtime", road.GetProperty("type").GetString());
        Assert.Equal(["jalan rusak", "damaged road"], road.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));

        foreach (var code in active)
        {
            var definition = await (await _client.GetAsync($"{Open311Http.Base}/services/{code}.json")).JsonAsync();
            Open311Schemas.AssertValid(Open311Schemas.ServiceDefinition, definition);
            Assert.Equal(code, definition.GetProperty("service_code").GetString());
            var attribute = Assert.Single(definition.GetProperty("attributes").EnumerateArray());
            Assert.Equal("patokan", attribute.GetProperty("code").GetString());
            Assert.Equal("string", attribute.GetProperty("datatype").GetString());
            Assert.False(attribute.GetProperty("required").GetBoolean());
            Assert.True(attribute.GetProperty("variable").GetBoolean());
        }
    }

    [Fact]
    public async Task A_filing_is_answered_at_once_and_read_back_by_id_token_and_list_as_the_schemas_require()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var post = await _client.PostFormAsync("json", Open311Http.Filing(city.ApiKey, $"Aspal amblas {marker}",
            ("attribute[patokan]", "depan Masjid Raya"), ("address_string", "Jl. Merdeka No. 5")));
        var filed = Assert.Single((await post.JsonAsync()).EnumerateArray());
        var id = filed.GetProperty("service_request_id").GetString()!;
        Assert.Matches(@"^UJR-\d{4}-\d{6}$", id);
        var token = filed.GetProperty("token").GetString()!;
        Assert.Contains(id, filed.GetProperty("service_notice").GetString());
        Assert.Contains($"{Open311CityApp.PublicBaseUrl}/lacak/{id}", filed.GetProperty("service_notice").GetString());
        // Committed before the answer: the row is there the moment the client reads the id.
        await using (var db = city.NewDb()) Assert.True(await db.Complaints.AnyAsync(c => c.Ticket == id));

        var one = await (await _client.GetAsync($"{Open311Http.Base}/requests/{id}.json")).JsonAsync();
        Open311Schemas.AssertValid(Open311Schemas.Requests, one);
        var request = Assert.Single(one.EnumerateArray());
        Open311Schemas.AssertValid(Open311Schemas.Request, request);
        Assert.Equal(id, request.GetProperty("service_request_id").GetString());
        Assert.Equal("open", request.GetProperty("status").GetString());
        Assert.Equal("jalan_rusak", request.GetProperty("service_code").GetString());
        Assert.Equal("Jalan rusak", request.GetProperty("service_name").GetString());
        Assert.Equal($"Aspal amblas {marker}\nPatokan: depan Masjid Raya\nAlamat: Jl. Merdeka No. 5", request.GetProperty("description").GetString());
        Assert.Equal("Dinas Pekerjaan Umum dan Penataan Ruang", request.GetProperty("agency_responsible").GetString());
        Assert.Equal("Kelurahan Bukit, Kecamatan Selatan", request.GetProperty("address").GetString());
        Assert.Equal((0.025, 100.06), (request.GetProperty("lat").GetDouble(), request.GetProperty("long").GetDouble()));
        var requested = request.GetProperty("requested_datetime").GetString()!;
        Assert.EndsWith("+07:00", requested);
        Assert.Equal(requested, request.GetProperty("updated_datetime").GetString()); // no step yet: the filing
        // Received: the next deadline is verification, 2 working days for a damaged road, always after the filing.
        Assert.True(DateTimeOffset.Parse(request.GetProperty("expected_datetime").GetString()!) > DateTimeOffset.Parse(requested));
        Assert.False(request.TryGetProperty("status_notes", out _));
        Assert.False(request.TryGetProperty("media_url", out _));
        Assert.False(request.TryGetProperty("lon", out _));

        var byToken = Assert.Single((await (await _client.GetAsync($"{Open311Http.Base}/tokens/{token}.json")).JsonAsync()).EnumerateArray());
        Assert.Equal((id, token), (byToken.GetProperty("service_request_id").GetString(), byToken.GetProperty("token").GetString()));

        var list = await (await _client.GetAsync($"{Open311Http.Base}/requests.json")).JsonAsync();
        Open311Schemas.AssertValid(Open311Schemas.Requests, list);
        Assert.Contains(id, list.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
        var byId = await (await _client.GetAsync($"{Open311Http.Base}/requests.json?service_request_id={id.ToLowerInvariant()},UJR-1999-000001")).JsonAsync();
        Assert.Equal([id], byId.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
    }

    [Fact]
    public async Task A_request_with_a_photo_and_a_status_note_still_meets_the_schema()
    {
        var post = await _client.PostMultipartAsync("json", Open311Http.Filing(city.ApiKey, "Pohon tumbang menutup jalan",
            ("service_code", "pohon_membahayakan")), ("media", "pohon.jpg", TestImages.Jpeg(300, 200, TestImages.RedLeftBlueRight)));
        var id = (await post.JsonAsync())[0].GetProperty("service_request_id").GetString()!;
        var staff = await city.Staff("dlh");
        var verified = await staff.ChangeAsync(id, new { to = "verified", note = "Petugas sudah melihat pohonnya", internalNote = "RAHASIA-INTERNAL" });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var request = (await (await _client.GetAsync($"{Open311Http.Base}/requests/{id}.json")).JsonAsync())[0];
        Open311Schemas.AssertValid(Open311Schemas.Request, request);
        Assert.Equal("Petugas sudah melihat pohonnya", request.GetProperty("status_notes").GetString());
        await using (var db = city.NewDb())
        {
            var stepAt = await db.StatusChanges.Where(s => db.Complaints.Any(c => c.Id == s.ComplaintId && c.Ticket == id)).Select(s => s.At).SingleAsync();
            Assert.Equal(Ujar.Api.Open311.Open311Time.Format(stepAt), request.GetProperty("updated_datetime").GetString());
        }
        var mediaUrl = request.GetProperty("media_url").GetString()!;
        Assert.StartsWith($"{Open311CityApp.PublicBaseUrl}/media/photos/", mediaUrl);
        var photo = await _client.GetAsync(new Uri(mediaUrl).PathAndQuery);
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("RAHASIA-INTERNAL", JsonSerializer.Serialize(request));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_Open311_resource_under_its_tag()
    {
        var paths = (await (await _client.GetAsync("/openapi/v1.json")).ReadJsonAsync()).GetProperty("paths");
        var open311 = paths.EnumerateObject().Where(p => p.Name.StartsWith("/open311/v2/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/open311/v2/discovery.{format}", "/open311/v2/requests.{format}", "/open311/v2/requests/{id}.{format}",
                "/open311/v2/servicerequestupdates.{format}", "/open311/v2/services.{format}", "/open311/v2/services/{code}.{format}",
                "/open311/v2/tokens/{token}.{format}"],
            open311.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var operation in open311.SelectMany(p => p.Value.EnumerateObject()))
            Assert.Equal("Open311", operation.Value.GetProperty("tags")[0].GetString());
        Assert.True(paths.GetProperty("/open311/v2/requests.{format}").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("responses").TryGetProperty("403", out _));
    }
}
