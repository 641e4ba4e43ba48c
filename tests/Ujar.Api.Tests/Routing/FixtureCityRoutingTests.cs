using System.Globalization;
using System.Net;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Routing;

/// <summary>The routing rules on the hand-made fixture city, through GET /api/route, one row of points.csv per case.</summary>
public sealed class FixtureCityRoutingTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var row in Csv.ReadFile(Path.Combine(TestPaths.FixtureCity, "points.csv"))) data.Add(row["name"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fixture_point_routes_as_documented(string name)
    {
        var row = Csv.ReadFile(Path.Combine(TestPaths.FixtureCity, "points.csv")).Single(r => r["name"] == name);
        var client = fixture.App.CreateClient();

        var response = await client.GetAsync($"/api/route?lat={row["lat"]}&lon={row["lon"]}&category=genangan_air");

        if (row["expected_kelurahan"] == "")
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.ReadJsonAsync();
            Assert.Equal("outside_service_area", problem.GetProperty("code").GetString());
            Assert.Equal("Di luar wilayah Kota Tanjungpinang", problem.GetProperty("title").GetString());
            Assert.Equal("Outside the service area", problem.GetProperty("titleEn").GetString());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var route = await response.ReadJsonAsync();
        Assert.Equal(row["expected_kelurahan"], route.GetProperty("kelurahan").GetProperty("code").GetString());
        Assert.Equal(row["expected_kecamatan"], route.GetProperty("kecamatan").GetProperty("code").GetString());
        Assert.Equal(bool.Parse(row["expected_snapped"]), route.GetProperty("snapped").GetBoolean());
        var expectedMeters = double.Parse(row["expected_distance_m"], CultureInfo.InvariantCulture);
        Assert.InRange(route.GetProperty("snappedMeters").GetDouble(), expectedMeters - 1, expectedMeters + 1);
        Assert.Equal("pupr", route.GetProperty("opd").GetProperty("code").GetString());
        Assert.Equal(fixture.GenerationId, route.GetProperty("boundaryGeneration").GetInt32());
    }

    [Fact]
    public async Task Kecamatan_follows_from_the_kelurahan_parent_code_and_carries_its_name()
    {
        var client = fixture.App.CreateClient();
        var route = await (await client.GetAsync("/api/route?lat=0.025&lon=100.06")).ReadJsonAsync();
        Assert.Equal("99.01.02", route.GetProperty("kecamatan").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(route.GetProperty("kecamatan").GetProperty("name").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, route.GetProperty("opd").ValueKind); // no category, no agency
    }

    [Theory]
    [InlineData("lat=abc&lon=100.05", HttpStatusCode.BadRequest, "wrong_type")]
    [InlineData("lon=100.05", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("lat=NaN&lon=100.05", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("lat=Infinity&lon=100.05", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("lat=91&lon=100.05", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("lat=0.05&lon=-181", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("lat=0.05&lon=100.05&category=nope", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    public async Task Bad_route_queries_get_a_bilingual_problem(string query, HttpStatusCode status, string code)
    {
        var response = await fixture.App.CreateClient().GetAsync("/api/route?" + query);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("titleEn").GetString()));
    }
}
