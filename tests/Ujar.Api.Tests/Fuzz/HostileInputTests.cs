using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Fuzz;

/// <summary>
/// The known ways input once made the service answer 500, one theory per cause across every route it reached: dates at
/// the calendar's edge, a bbox without area, invalid UTF-8 inside JSON strings, broken multipart bodies and the NUL
/// character PostgreSQL refuses. Each is a clear 4xx in both languages, and nothing is stored.
/// </summary>
public sealed class HostileInputTests(HostileCityApp city) : IClassFixture<HostileCityApp>
{
    private const string Admin = Roles.Admin, Staff = Roles.OpdStaff;

    public static TheoryData<string, string> EdgeDates() => new()
    {
        { "/api/complaints?from=0001-01-01", "from" },
        { "/api/complaints?to=9999-12-31", "to" },
        { "/api/complaints?from=0001-01-01T00:00:00%2B14:00", "from" },
        { "/api/complaints?to=9999-12-31T23:59:59-14:00", "to" },
        { "/api/complaints/clusters?bbox=100,0,100.1,0.1&zoom=12&from=0001-01-01", "from" },
        { "/api/complaints/clusters?bbox=100,0,100.1,0.1&zoom=12&to=9999-12-31", "to" },
        { "/api/hotspots/hex?from=0001-01-01", "from" },
        { "/api/hotspots/hex?to=9999-12-31", "to" },
        { "/api/hotspots/trend?from=0001-01-01T00:00:00%2B14:00", "from" },
        { "/api/hotspots/trend?from=2026-01-01&to=9999-12-31", "to" },
        { "/api/hotspots/clusters?from=0001-01-01", "from" },
        { "/api/hotspots/kelurahan?to=9999-12-31&format=csv", "to" },
        { "/api/performance?from=0001-01-01&to=0001-01-02", "from" },
        { "/api/performance?from=9999-12-30&to=9999-12-31", "to" },
        { "/api/performance.csv?from=0001-01-01&to=0001-01-31", "from" },
    };

    [Theory]
    [MemberData(nameof(EdgeDates))]
    public async Task Dates_at_the_calendars_edge_are_a_422_naming_the_field(string url, string field)
    {
        var response = await (await city.As(null)).GetAsync(url);
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed", field, url);
        Assert.Contains("2000", problem.GetProperty("errors").GetProperty(field).GetProperty("en").GetString());
    }

    [Theory]
    [InlineData("requests.json?start_date=0001-01-01", "start_date")]
    [InlineData("requests.json?end_date=9999-12-31", "end_date")]
    [InlineData("requests.json?start_date=0001-01-01T00:00:00%2B14:00", "start_date")]
    [InlineData("requests.json?start_date=9999-12-31T23:59:59Z", "start_date")]
    [InlineData("servicerequestupdates.json?start_date=0001-01-01", "start_date")]
    [InlineData("servicerequestupdates.json?end_date=9999-12-31T23:00:00-14:00", "end_date")]
    public async Task Open311_dates_at_the_calendars_edge_are_a_400_in_the_specs_format(string resource, string field)
    {
        var response = await (await city.As(null)).GetAsync($"/open311/v2/{resource}");
        var error = Assert.Single(await Open311ErrorsAsync(response, HttpStatusCode.BadRequest));
        Assert.StartsWith(field, error);
        Assert.Contains("2000", error);
    }

    [Theory]
    [InlineData("/api/complaints?bbox=100.05,0.06,100.05,0.07")]
    [InlineData("/api/complaints?bbox=100.05,0.06,100.06,0.06")]
    [InlineData("/api/complaints?bbox=100.05,0.06,100.05,0.06")]
    [InlineData("/api/complaints/clusters?zoom=12&bbox=100.05,0.06,100.05,0.07")]
    [InlineData("/api/complaints/clusters?zoom=3&bbox=100.05,0.06,100.06,0.06")]
    [InlineData("/api/events?bbox=100.05,0.06,100.05,0.07")]
    [InlineData("/api/complaints?bbox=100.06,0.06,100.05,0.07")]
    [InlineData("/api/complaints?bbox=NaN,0.06,100.05,0.07")]
    [InlineData("/api/complaints?bbox=-1e308,-90,1e308,90")]
    [InlineData("/api/complaints/clusters?zoom=22&bbox=-180,-90,180,90")]
    public async Task A_bbox_without_area_inverted_or_out_of_range_is_a_422(string url)
    {
        var response = await (await city.As(null)).GetAsync(url);
        await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed", "bbox", url);
    }

    /// <summary>A JSON object whose one string holds bytes that are not UTF-8 (an 'Ã' cut off), or a lone UTF-16 surrogate;
    /// with <paramref name="inNames"/>, also one whose member name is not UTF-8.</summary>
    public static IEnumerable<byte[]> BrokenStrings(string member, bool inNames = true)
    {
        yield return [.. Encoding.UTF8.GetBytes($"{{\"{member}\":\"ab"), 0xC3, 0x28, .. "\"}"u8];
        yield return Encoding.UTF8.GetBytes($"{{\"{member}\":\"ab\\ud800cd\"}}");
        if (inNames) yield return [.. "{\""u8, 0xFF, 0xFE, .. "\":\"x\"}"u8];
    }

    /// <summary>Each door's last value says whether minimal APIs bind its body: a member they do not know, whatever its name's
    /// bytes, is skipped unread there (as unknown members are everywhere in the API), so only strings they read are broken.</summary>
    public static TheoryData<string?, string, string, string, bool> JsonDoors() => new()
    {
        { null, "POST", "/api/complaints", "description", false },
        { null, "POST", "/api/complaints/{ticket}/answer", "note", false },
        { Staff, "POST", "/api/staff/complaints/{ticket}/status", "note", false },
        { null, "POST", "/api/auth/login", "email", true },
        { Admin, "POST", "/api/admin/users", "name", true },
        { Admin, "PATCH", "/api/admin/users/{me}", "name", true },
        { Admin, "POST", "/api/admin/users/{me}/password", "password", true },
        { Admin, "PUT", "/api/admin/categories/sampah", "nameId", true },
        { Admin, "POST", "/api/admin/opds", "name", true },
        { Admin, "PUT", "/api/admin/opds/pupr", "name", true },
        { Admin, "POST", "/api/admin/holidays", "nameId", true },
        { Admin, "POST", "/api/admin/channel-keys", "name", true },
    };

    [Theory]
    [MemberData(nameof(JsonDoors))]
    public async Task Invalid_UTF8_or_a_lone_surrogate_inside_a_JSON_string_is_malformed_JSON(string? role, string method, string url, string member,
        bool boundByMinimalApis)
    {
        var client = await city.As(role);
        foreach (var body in BrokenStrings(member, inNames: !boundByMinimalApis))
        {
            var request = HostileCityApp.Raw(new HttpMethod(method), await UrlAsync(url), body, "application/json");
            request.Headers.Add(ReporterTokenHeader, city.ReporterToken);
            await ProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "malformed_json", null, $"{method} {url}");
        }
    }

    [Theory]
    [InlineData("GET", "/api/admin/holidays?year=tahun", null, null, HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("GET", "/api/admin/holidays?year=99999999999", null, null, HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("POST", "/api/admin/opds", "text/plain", "{}", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type")]
    [InlineData("POST", "/api/admin/opds", "application/json", "{\"code\":5}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("POST", "/api/admin/opds", "application/json", "{\"code\":", HttpStatusCode.BadRequest, "malformed_json")]
    public async Task What_minimal_APIs_cannot_bind_is_a_4xx_problem_in_both_languages(string method, string url, string? contentType, string? body,
        HttpStatusCode status, string code)
    {
        var request = HostileCityApp.Raw(new HttpMethod(method), url, body is null ? null : Encoding.UTF8.GetBytes(body), contentType);
        await ProblemAsync(await (await city.As(Admin)).SendAsync(request), status, code, null, url);
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_signed_WhatsApp_webhook_is_malformed_JSON_not_a_503_that_Meta_would_retry()
    {
        var client = await city.As(null);
        foreach (var body in BrokenStrings("object"))
        {
            var request = HostileCityApp.Raw(HttpMethod.Post, "/webhooks/whatsapp", body, "application/json");
            var signature = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(HostileCityApp.WhatsAppSecret), body));
            request.Headers.Add("X-Hub-Signature-256", signature);
            await ProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "malformed_json", null, "webhook");
        }
        await using var db = city.App.NewDb();
        Assert.Equal(0, await db.WhatsAppInbox.CountAsync());
    }

    [Fact]
    public async Task Invalid_UTF8_in_the_JSON_part_of_a_multipart_filing_is_malformed_JSON()
    {
        foreach (var json in BrokenStrings("description"))
        {
            var body = Multipart(("complaint", null, json));
            var response = await (await city.As(null)).SendAsync(HostileCityApp.Raw(HttpMethod.Post, "/api/complaints", body, MultipartType));
            await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json", null, "multipart");
        }
        await AssertOnlyTheFixturesComplaintAsync();
    }

    private const string Boundary = "UjarBatas42";
    private const string MultipartType = $"multipart/form-data; boundary={Boundary}";
    private const string ReporterTokenHeader = "X-Reporter-Token";

    public static TheoryData<string> BrokenMultiparts() =>
    [
        "zero bytes", "no boundary parameter", "an empty boundary", "another boundary than the header's", "no closing boundary",
        "cut in the middle of a part's headers", "cut in the middle of a photo", "only a preamble", "a part without Content-Disposition",
        "a header line without a colon",
    ];

    /// <summary>A multipart body broken as <paramref name="case"/> says, from a good one with a text part and a file part
    /// named as the door takes them (so the door would read further if the body let it).</summary>
    private static (string? ContentType, byte[] Body) Broken(string @case, string textPart, string text, string filePart)
    {
        var complete = Multipart((textPart, null, Encoding.UTF8.GetBytes(text)), (filePart, "a.jpg", new byte[3000]));
        var filename = Encoding.ASCII.GetString(complete).IndexOf("filename", StringComparison.Ordinal);
        return @case switch
        {
            "zero bytes" => (MultipartType, []),
            "no boundary parameter" => ("multipart/form-data", complete),
            "an empty boundary" => ("multipart/form-data; boundary=\"\"", complete),
            "another boundary than the header's" => ("multipart/form-data; boundary=Lain", complete),
            "no closing boundary" => (MultipartType, complete[..^(Boundary.Length + 6)]),
            "cut in the middle of a part's headers" => (MultipartType, complete[..filename]),
            "cut in the middle of a photo" => (MultipartType, complete[..^1500]),
            "only a preamble" => (MultipartType, "ini bukan multipart sama sekali"u8.ToArray()),
            "a part without Content-Disposition" => (MultipartType, Encoding.ASCII.GetBytes($"--{Boundary}\r\nX-Lain: 1\r\n\r\nisi\r\n--{Boundary}--\r\n")),
            "a header line without a colon" => (MultipartType, Encoding.ASCII.GetBytes($"--{Boundary}\r\nbukan-header\r\n\r\nisi\r\n--{Boundary}--\r\n")),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
    }

    [Theory]
    [MemberData(nameof(BrokenMultiparts))]
    public async Task A_broken_multipart_body_is_malformed_multipart_on_every_door_that_takes_one(string @case)
    {
        var complaint = Json.Complaint(0.065, 100.055, "sampah", "Sampah");
        foreach (var (role, url, textPart, text, filePart) in new[]
                 {
                     ((string?)null, "/api/complaints", "complaint", complaint, "photos"),
                     (null, "/api/complaints/{ticket}/photos", "photos", "bukan foto", "photos"),
                     (Staff, "/api/staff/complaints/{ticket}/status", "to", "in_progress", "before"),
                 })
        {
            var (contentType, body) = Broken(@case, textPart, text, filePart);
            var request = HostileCityApp.Raw(HttpMethod.Post, await UrlAsync(url), body, contentType);
            request.Headers.Add(ReporterTokenHeader, city.ReporterToken);
            await ProblemAsync(await (await city.As(role)).SendAsync(request), HttpStatusCode.BadRequest, "malformed_multipart", null, $"{@case}: {url}");
        }
        var (open311Type, open311Body) = Broken(@case, "api_key", city.ApiKey, "media");
        var open311 = await (await city.As(null)).SendAsync(HostileCityApp.Raw(HttpMethod.Post, "/open311/v2/requests.json", open311Body, open311Type));
        Assert.Contains("multipart", Assert.Single(await Open311ErrorsAsync(open311, HttpStatusCode.BadRequest)));
        await AssertOnlyTheFixturesComplaintAsync();
    }

    public static TheoryData<string?, string, string> NulInUrls() => new()
    {
        { null, "/api/complaints?category=sam%00pah", "category" },
        { null, "/api/complaints?status=received%00", "status" },
        { null, "/api/complaints?cursor=%00", "cursor" },
        { null, "/api/complaints/clusters?bbox=100,0,100.1,0.1&zoom=12&category=%00", "category" },
        { null, "/api/complaints/nearby?lat=0.065&lon=100.055&category=sampah%00", "category" },
        { null, "/api/events?ticket=UJR%00", "ticket" },
        { null, "/api/hotspots/kelurahan?category=%00", "category" },
        { null, "/api/performance?from=2026-01-01%00", "from" },
        { null, "/api/route?lat=0.065&lon=100.055&category=%00", "category" },
        { null, "/api/boundaries?level=kelurahan%00", "level" },
        { null, "/api/complaints?bbox=1,2,3,4&x%00y=1", "x?y" },
        { Staff, "/api/staff/complaints?opd=pu%00pr", "opd" },
        { Admin, "/api/staff/complaints?opd=pu%00pr", "opd" },
        { Admin, "/api/tasks/nearby?lat=0.065&lon=100.055&opd=%00", "opd" },
        { Admin, "/api/admin/holidays?year=2026%00", "year" },
    };

    [Theory]
    [MemberData(nameof(NulInUrls))]
    public async Task A_NUL_in_a_query_string_is_a_422_naming_the_parameter_before_any_query(string? role, string url, string field)
    {
        var response = await (await city.As(role)).GetAsync(url);
        await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed", field, url);
    }

    [Theory]
    [InlineData("services/jalan_rusak.json?jurisdiction_id=%00")]
    [InlineData("requests/UJR-2026-000001.json?x=%00")]
    [InlineData("tokens/abc.json?a%00b=1")]
    [InlineData("requests.json?service_code=%00")]
    [InlineData("servicerequestupdates.json?start_date=2026-12-01%00")]
    public async Task A_NUL_in_an_Open311_query_string_is_a_400_in_the_specs_format(string resource)
    {
        var response = await (await city.As(null)).GetAsync($"/open311/v2/{resource}");
        Assert.Contains("NUL", Assert.Single(await Open311ErrorsAsync(response, HttpStatusCode.BadRequest)));
    }

    public static TheoryData<string?, string, string, string, string> NulInJson() => new()
    {
        { null, "POST", "/api/complaints", """{"lat":0.065,"lon":100.055,"category":"sampah","description":"ok","contact":{"name":"Si\u0000ti"}}""", "contact.name" },
        { null, "POST", "/api/complaints", """{"lat":0.065,"lon":100.055,"category":"sam\u0000pah","description":"ok"}""", "category" },
        { null, "POST", "/api/complaints/{ticket}/answer", """{"resolved":false,"note":"belum\u0000"}""", "note" },
        { null, "POST", "/api/auth/login", """{"email":"a\u0000@b.id","password":"kata-sandi-1"}""", "email" },
        { Staff, "POST", "/api/staff/complaints/{ticket}/status", """{"to":"verified","note":"ok\u0000"}""", "note" },
        { Staff, "POST", "/api/staff/complaints/{ticket}/status", """{"to":"verified","internalNote":"\u0000"}""", "internalNote" },
        { Staff, "POST", "/api/staff/complaints/{ticket}/status", """{"to":"duplicate","original":"UJR\u0000"}""", "original" },
        { Staff, "POST", "/api/staff/complaints/{ticket}/status", """{"to":"not_our_remit","note":"x","opd":"dlh\u0000"}""", "opd" },
        { Admin, "POST", "/api/admin/users", """{"email":"baru@uji.local","name":"Ba\u0000ru","role":"admin","password":"kata-sandi-123"}""", "name" },
        { Admin, "POST", "/api/admin/users", """{"email":"baru@uji.local","name":"Baru","role":"opd_staff","opd":"pu\u0000pr","password":"kata-sandi-123"}""", "opd" },
        { Admin, "POST", "/api/admin/users", """{"email":"ba\u0000ru@uji.local","name":"Baru","role":"admin","password":"kata-sandi-123"}""", "email" },
        { Admin, "PATCH", "/api/admin/users/{me}", """{"name":"Uji admin","opd":"pu\u0000pr"}""", "opd" },
        { Admin, "PUT", "/api/admin/categories/sampah", """{"nameId":"Sam\u0000pah","nameEn":"Rubbish","opd":"dlh","verifyDays":1,"responseDays":2,"resolveDays":5}""", "nameId" },
        { Admin, "PUT", "/api/admin/categories/sampah", """{"nameId":"Sampah","nameEn":"Rubbish","opd":"dlh\u0000","verifyDays":1,"responseDays":2,"resolveDays":5}""", "opd" },
        { Admin, "POST", "/api/admin/opds", """{"code":"baru","name":"Dinas\u0000","nameEn":"Office"}""", "name" },
        { Admin, "PUT", "/api/admin/opds/pupr", """{"name":"PUPR","nameEn":"Public works\u0000"}""", "nameEn" },
        { Admin, "POST", "/api/admin/holidays", """{"date":"2026-08-18","nameId":"Libur\u0000","nameEn":"Holiday","kind":"libur_nasional"}""", "nameId" },
        { Admin, "POST", "/api/admin/channel-keys", """{"name":"kunci\u0000","channel":"open311"}""", "name" },
    };

    [Theory]
    [MemberData(nameof(NulInJson))]
    public async Task A_NUL_in_a_JSON_string_is_a_422_naming_the_field_and_changes_nothing(string? role, string method, string url, string json, string field)
    {
        var request = HostileCityApp.Raw(new HttpMethod(method), await UrlAsync(url), Encoding.UTF8.GetBytes(json), "application/json");
        request.Headers.Add(ReporterTokenHeader, city.ReporterToken);
        await ProblemAsync(await (await city.As(role)).SendAsync(request), HttpStatusCode.UnprocessableEntity, "validation_failed", field, url);
        await AssertOnlyTheFixturesComplaintAsync();
    }

    [Fact]
    public async Task A_NUL_in_a_multipart_field_of_a_status_change_is_a_422()
    {
        var body = Multipart(("to", null, "verified"u8.ToArray()), ("note", null, "catatan\0"u8.ToArray()));
        var request = HostileCityApp.Raw(HttpMethod.Post, $"/api/staff/complaints/{city.Ticket}/status", body, MultipartType);
        await ProblemAsync(await (await city.As(Staff)).SendAsync(request), HttpStatusCode.UnprocessableEntity, "validation_failed", "note", "multipart note");
        await AssertOnlyTheFixturesComplaintAsync();
    }

    [Theory]
    [InlineData("X-Device-Token", "/api/complaints/{ticket}/support", "bad_device_token")]
    [InlineData("Idempotency-Key", "/api/complaints", "bad_idempotency_key")]
    public async Task A_NUL_in_a_header_we_store_is_a_400(string header, string url, string code)
    {
        var request = HostileCityApp.Raw(HttpMethod.Post, await UrlAsync(url),
            Encoding.UTF8.GetBytes(Json.Complaint(0.065, 100.055, "sampah", "Sampah")), "application/json");
        request.Headers.TryAddWithoutValidation(header, "perangkat\0uji-1234");
        await ProblemAsync(await (await city.As(null)).SendAsync(request), HttpStatusCode.BadRequest, code, null, header);
        await AssertOnlyTheFixturesComplaintAsync();
    }

    [Fact]
    public async Task The_intake_refuses_a_NUL_in_any_text_it_stores_so_no_such_row_reaches_the_group_writer()
    {
        var intake = city.App.Services.GetRequiredService<ComplaintIntake>();
        var fields = new ComplaintFields(0.065, 100.055, "sampah", "Sampah menumpuk", "Siti", "0812", "siti@contoh.id");
        var filings = new[]
        {
            new IntakeRequest(IntakeChannel.Web, fields with { Description = "Sampah\0" }),
            new IntakeRequest(IntakeChannel.Web, fields with { ContactName = "Si\0ti" }),
            new IntakeRequest(IntakeChannel.Web, fields with { ContactPhone = "0812\0" }),
            new IntakeRequest(IntakeChannel.Web, fields with { ContactEmail = "siti@\0contoh.id" }),
            new IntakeRequest(IntakeChannel.Web, fields with { Category = "sampah\0" }),
            new IntakeRequest(IntakeChannel.WhatsApp, fields) { IdempotencyKey = "wamid.\0x" },
            new IntakeRequest(IntakeChannel.Open311, fields) { MediaLink = "https://contoh.id/\0.jpg" },
        };

        foreach (var filing in filings)
        {
            var refused = Assert.IsType<ComplaintIntake.Refused>(await intake.FileAsync(filing, CancellationToken.None));
            Assert.InRange(refused.Problem.StatusCode, 400, 499);
        }

        await AssertOnlyTheFixturesComplaintAsync();
        Assert.DoesNotContain(city.Logs.Lines, l => l.Contains("one by one") || l.Contains("Could not store"));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private async Task<string> UrlAsync(string template)
    {
        if (!template.Contains("{me}")) return template.Replace("{ticket}", city.Ticket);
        var admin = await city.As(Admin);
        var me = await (await admin.GetAsync("/api/auth/me")).ReadJsonAsync();
        var users = await (await admin.GetAsync("/api/admin/users")).ReadJsonAsync();
        var id = users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == me.GetProperty("email").GetString()).GetProperty("id").GetString();
        return template.Replace("{me}", id);
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(code == problem.GetProperty("code").GetString(), $"{what}: {text}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), what);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("titleEn").GetString()), what);
        if (field is not null)
        {
            var error = default(JsonElement);
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out error), $"{what}: no error for '{field}' in {text}");
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("id").GetString()), what);
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()), what);
        }
        return problem;
    }

    /// <summary>The descriptions of the spec's JSON error list, each checked to carry <paramref name="status"/> as its code.</summary>
    private static async Task<List<string>> Open311ErrorsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        var errors = JsonNode.Parse(text)!.AsArray();
        Assert.All(errors, e => Assert.Equal((int)status, (int)e!["code"]!));
        return errors.Select(e => (string)e!["description"]!).ToList();
    }

    /// <summary>A multipart/form-data body with <see cref="Boundary"/>: text parts (no file name) and file parts.</summary>
    private static byte[] Multipart(params (string Name, string? FileName, byte[] Bytes)[] parts)
    {
        using var body = new MemoryStream();
        foreach (var (name, fileName, bytes) in parts)
        {
            var disposition = fileName is null ? $"form-data; name=\"{name}\"" : $"form-data; name=\"{name}\"; filename=\"{fileName}\"";
            body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: {disposition}\r\n\r\n"));
            body.Write(bytes);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    private async Task AssertOnlyTheFixturesComplaintAsync()
    {
        await using var db = city.App.NewDb();
        Assert.Equal([city.Ticket], await db.Complaints.Select(c => c.Ticket).ToListAsync());
    }
}
