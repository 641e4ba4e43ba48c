using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

/// <summary>The front end served from the API's origin (a stand-in build in a temporary folder) and GET /api/config.</summary>
public sealed class WebAppTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>, IDisposable
{
    private const string IndexHtml = "<!doctype html><title>Ujar test build</title>";
    private const string HashedAsset = "index-Ab12Cd34.js";
    private readonly string _webRoot = Directory.CreateTempSubdirectory("ujar-web-").FullName;

    private WebApplicationFactory<Program> Serving(string webRoot, params (string Key, string Value)[] settings) =>
        fixture.App.WithWebHostBuilder(web =>
        {
            web.UseSetting("Ujar:WebRoot", webRoot);
            foreach (var (key, value) in settings) web.UseSetting(key, value);
        });

    private WebApplicationFactory<Program> ServingBuild()
    {
        File.WriteAllText(Path.Combine(_webRoot, "index.html"), IndexHtml);
        Directory.CreateDirectory(Path.Combine(_webRoot, "assets"));
        File.WriteAllText(Path.Combine(_webRoot, "assets", HashedAsset), "console.log('ujar')");
        return Serving(_webRoot);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/lacak/UJR-2026-000123")]
    public async Task The_app_pages_answer_index_html_revalidated_on_every_load(string path)
    {
        await using var app = ServingBuild();
        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(IndexHtml, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control of {path}: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_as_immutable()
    {
        await using var app = ServingBuild();
        var response = await app.CreateClient().GetAsync($"/assets/{HashedAsset}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/api/complaints/UJR-2026-000123/no-such-thing")]
    [InlineData("/hubs/no-such-hub")]
    [InlineData("/media/photos/no-such-photo.jpg")]
    [InlineData("/openapi")]
    [InlineData("/healthz/deep")]
    [InlineData("/lacak")]
    [InlineData("/no-such-page")]
    public async Task Other_paths_never_fall_back_to_the_app_and_stay_404_problems(string path)
    {
        await using var app = ServingBuild();
        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_a_built_front_end_the_home_page_says_how_to_build_it_in_both_languages()
    {
        await using var app = Serving(Path.Combine(_webRoot, "not-built"));
        var response = await app.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("web_not_built", problem.GetProperty("code").GetString());
        Assert.Contains("npm run build", problem.GetProperty("detail").GetString());
        Assert.Contains("npm run build", problem.GetProperty("detailEn").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("titleEn").GetString()));
    }

    [Fact]
    public async Task Config_defaults_to_OpenStreetMap_over_Tanjungpinang()
    {
        var config = await (await fixture.App.CreateClient().GetAsync("/api/config")).ReadJsonAsync();

        Assert.Equal(MapConfig.OpenStreetMapTiles, config.GetProperty("tileUrl").GetString());
        Assert.Contains("OpenStreetMap", config.GetProperty("tileAttribution").GetString());
        var center = config.GetProperty("center").EnumerateArray().Select(c => c.GetDouble()).ToArray();
        Assert.Equal(2, center.Length);
        Assert.InRange(center[0], 0.85, 0.99);   // lat
        Assert.InRange(center[1], 104.4, 104.55); // lon
        Assert.Equal(13, config.GetProperty("zoom").GetInt32());
    }

    [Fact]
    public async Task Config_serves_the_configured_tile_server_and_the_citys_names_and_boundary_source()
    {
        await using var app = Serving(_webRoot,
            ("Ujar:Map:TileUrl", "https://tiles.example.go.id/{z}/{x}/{y}.png"),
            ("Ujar:Map:TileAttribution", "Pemkot Tanjungpinang"));

        var config = await (await app.CreateClient().GetAsync("/api/config")).ReadJsonAsync();

        Assert.Equal("https://tiles.example.go.id/{z}/{x}/{y}.png", config.GetProperty("tileUrl").GetString());
        Assert.Equal("Pemkot Tanjungpinang", config.GetProperty("tileAttribution").GetString());
        var city = config.GetProperty("city");
        Assert.Equal("Kota Tanjungpinang", city.GetProperty("name").GetString());
        Assert.Equal("UJR", city.GetProperty("ticketPrefix").GetString());
        Assert.Contains("Cahya DSN", city.GetProperty("boundaryAttribution").GetString());
    }

    [Theory]
    [InlineData("\"zoom\": 13", "\"zoom\": 40", "map.zoom")]
    [InlineData("\"ticketPrefix\": \"UJR\"", "\"ticketPrefix\": \"ujr-1\"", "ticketPrefix")]
    [InlineData("\"file\": \"kelurahan.geojson\"", "\"file\": \"batas.geojson\"", "batas.geojson")]
    [InlineData("\"zoom\": 13", "\"zoom\": 13, \"zom\": 12", "zom")]
    public async Task A_broken_city_folder_stops_the_service_at_start_naming_the_fault(string setting, string broken, string named)
    {
        var (gisData, cityFolder) = TestPaths.CopyOfGisData();
        try
        {
            var cityJson = Path.Combine(cityFolder, City.FileName);
            var text = await File.ReadAllTextAsync(cityJson);
            Assert.Contains(setting, text);
            await File.WriteAllTextAsync(cityJson, text.Replace(setting, broken));
            await using var misconfigured = Serving(_webRoot, (City.Setting, cityFolder));

            var error = Assert.ThrowsAny<Exception>(() => misconfigured.Server);

            Assert.Contains(cityJson, error.ToString());
            Assert.Contains(named, error.ToString());
        }
        finally
        {
            Directory.Delete(gisData, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_webRoot, recursive: true);
}
