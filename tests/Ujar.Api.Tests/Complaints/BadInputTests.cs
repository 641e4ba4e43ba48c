using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Complaints;

/// <summary>Every class of bad input gets a 4xx ProblemDetails in both languages, and nothing is stored.
/// This class has its own database and never files a valid complaint, so "nothing stored" means zero rows.</summary>
public sealed class BadInputTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private const string Valid = """{"lat":0.065,"lon":100.055,"category":"sampah","description":"Sampah menumpuk"}""";

    public static TheoryData<string, string, HttpStatusCode, string, string?> Bodies() => new()
    {
        { "malformed JSON", """{"lat":0.065,"lon":""", HttpStatusCode.BadRequest, "malformed_json", null },
        { "not an object", "[1,2,3]", HttpStatusCode.BadRequest, "wrong_type", null },
        { "latitude as text", """{"lat":"0.065","lon":100.055,"category":"sampah","description":"x"}""", HttpStatusCode.BadRequest, "wrong_type", "lat" },
        { "category as number", """{"lat":0.065,"lon":100.055,"category":5,"description":"x"}""", HttpStatusCode.BadRequest, "wrong_type", "category" },
        { "anonymous as text", """{"lat":0.065,"lon":100.055,"category":"sampah","description":"x","anonymous":"ya"}""", HttpStatusCode.BadRequest, "wrong_type", "anonymous" },
        { "contact as text", """{"lat":0.065,"lon":100.055,"category":"sampah","description":"x","contact":"0812"}""", HttpStatusCode.BadRequest, "wrong_type", "contact" },
        { "latitude missing", """{"lon":100.055,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lat" },
        { "longitude null", """{"lat":0.065,"lon":null,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lon" },
        { "latitude out of range", """{"lat":91,"lon":100.055,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lat" },
        { "longitude out of range", """{"lat":0.065,"lon":-180.5,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lon" },
        { "latitude NaN", """{"lat":"NaN","lon":100.055,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lat" },
        { "longitude infinite", """{"lat":0.065,"lon":1e999,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lon" },
        { "longitude -Infinity", """{"lat":0.065,"lon":"-Infinity","category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "lon" },
        { "unknown category", """{"lat":0.065,"lon":100.055,"category":"ufo","description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "category" },
        { "missing category", """{"lat":0.065,"lon":100.055,"description":"x"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "category" },
        { "empty description", """{"lat":0.065,"lon":100.055,"category":"sampah","description":"   "}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "description" },
        { "description over 4000", $$"""{"lat":0.065,"lon":100.055,"category":"sampah","description":"{{new string('a', 4001)}}"}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "description" },
        { "email without @", """{"lat":0.065,"lon":100.055,"category":"sampah","description":"x","contact":{"email":"budi"}}""", HttpStatusCode.UnprocessableEntity, "validation_failed", "contact.email" },
        { "outside the service area", """{"lat":0.5,"lon":100.5,"category":"sampah","description":"x"}""", HttpStatusCode.UnprocessableEntity, "outside_service_area", null },
        { "body over 64 KB", $$"""{"lat":0.065,"lon":100.055,"category":"sampah","description":"{{new string('a', 70_000)}}"}""", HttpStatusCode.RequestEntityTooLarge, "payload_too_large", null },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Bad_complaint_bodies_are_refused_clearly_and_store_nothing(string @case, string body, HttpStatusCode status, string code, string? field)
    {
        var response = await fixture.App.CreateClient().PostRawJsonAsync("/api/complaints", body);

        Assert.True(status == response.StatusCode, $"{@case}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("titleEn").GetString()));
        Assert.NotEqual(problem.GetProperty("title").GetString(), problem.GetProperty("titleEn").GetString());
        if (field is not null)
        {
            var error = problem.GetProperty("errors").GetProperty(field);
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()));
        }
        await using var db = fixture.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync());
    }

    [Fact]
    public async Task A_chunked_body_over_64_KB_is_refused_without_a_content_length()
    {
        var huge = Encoding.UTF8.GetBytes($$"""{"lat":0.065,"lon":100.055,"category":"sampah","description":"{{new string('b', 100_000)}}"}""");
        var content = new StreamContent(new MemoryStream(huge));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await fixture.App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var db = fixture.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync());
    }

    [Fact]
    public async Task An_over_long_idempotency_key_is_a_bad_request()
    {
        var response = await fixture.App.CreateClient().PostRawJsonAsync("/api/complaints", Valid, new string('k', 101));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_idempotency_key", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        await using var db = fixture.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync());
    }

    [Theory]
    [InlineData("bbox=1,2,3")]
    [InlineData("bbox=104.5,0.9,104.4,0.95")]
    [InlineData("limit=0")]
    [InlineData("limit=100000")]
    [InlineData("status=flying")]
    [InlineData("from=kemarin")]
    [InlineData("from=2026-03-01&to=2026-02-01")]
    [InlineData("cursor=@@@")]
    public async Task Bad_list_queries_are_422_with_the_field_named(string query)
    {
        var response = await fixture.App.CreateClient().GetAsync("/api/complaints?" + query);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_with_problem_details_not_500()
    {
        var client = fixture.App.CreateClient();
        var notFound = await client.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);
        var wrongMethod = await client.DeleteAsync("/api/complaints");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}
