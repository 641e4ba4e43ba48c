using System.Net;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

public sealed class ServiceBasicsTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task Health_reports_the_database_and_PostGIS()
    {
        var response = await fixture.App.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.ReadJsonAsync();
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.StartsWith("3.", health.GetProperty("postGis").GetString());
        Assert.Equal(fixture.GenerationId, health.GetProperty("boundaryGeneration").GetInt32());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_public_endpoints()
    {
        var document = await (await fixture.App.CreateClient().GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/complaints", "/api/complaints/{ticket}", "/api/route", "/api/boundaries", "/api/categories", "/healthz" })
            Assert.Contains(path, paths);
    }

    [Fact]
    public async Task Categories_come_from_the_seed_table_with_their_agency()
    {
        var categories = (await (await fixture.App.CreateClient().GetAsync("/api/categories")).ReadJsonAsync()).EnumerateArray().ToList();
        var seed = Ujar.Api.Setup.Csv.ReadFile(Path.Combine(TestPaths.TanjungpinangCity, "categories.csv"));
        Assert.Equal(seed.Select(r => r["code"]).Order(), categories.Select(c => c.GetProperty("code").GetString()).Order());
        var flooding = categories.Single(c => c.GetProperty("code").GetString() == "genangan_air");
        Assert.Equal("pupr", flooding.GetProperty("opd").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(flooding.GetProperty("nameId").GetString()));
        Assert.False(string.IsNullOrEmpty(flooding.GetProperty("nameEn").GetString()));
    }

    [Fact]
    public async Task Boundaries_are_served_as_GeoJSON_of_the_active_generation()
    {
        var client = fixture.App.CreateClient();
        var kelurahan = await (await client.GetAsync("/api/boundaries?level=kelurahan")).ReadJsonAsync();
        Assert.Equal("FeatureCollection", kelurahan.GetProperty("type").GetString());
        var features = kelurahan.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(5, features.Count);
        Assert.All(features, f => Assert.Equal("MultiPolygon", f.GetProperty("geometry").GetProperty("type").GetString()));
        var kecamatan = await (await client.GetAsync("/api/boundaries?level=kecamatan")).ReadJsonAsync();
        Assert.Equal(2, kecamatan.GetProperty("features").GetArrayLength());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.GetAsync("/api/boundaries?level=provinsi")).StatusCode);
    }
}
