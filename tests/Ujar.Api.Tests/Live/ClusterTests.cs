using System.Net;
using System.Text.Json;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>GET /api/complaints/clusters: what the live map draws below zoom 16.</summary>
public sealed class ClusterTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private const string City = "100.0,0.0,100.1,0.1";
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<List<JsonElement>> ClustersAsync(string query)
    {
        var response = await _client.GetAsync("/api/complaints/clusters?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("FeatureCollection", body.GetProperty("type").GetString());
        return body.GetProperty("features").EnumerateArray().ToList();
    }

    private async Task<int> ListedCountAsync(string query) =>
        (await (await _client.GetAsync("/api/complaints?limit=1000&" + query)).ReadJsonAsync()).GetProperty("features").GetArrayLength();

    private static int Count(JsonElement feature) => feature.GetProperty("properties").GetProperty("count").GetInt32();

    [Fact]
    public async Task Cluster_counts_add_up_to_the_complaints_the_list_shows_for_the_same_filters()
    {
        // A tight knot near the market, a few scattered pins, one outside the bbox asked for below.
        for (var i = 0; i < 6; i++) await _client.FileAsync(0.065 + i * 0.0001, 100.055, i < 4 ? "sampah" : "jalan_rusak");
        foreach (var (lat, lon) in new[] { (0.025, 100.06), (0.025, 100.025), (0.062, 100.075), (0.045, 100.05) })
            await _client.FileAsync(lat, lon, "genangan_air");
        var resolved = await _client.FileAsync(0.03, 100.065, "sampah");
        await fixture.App.ReachStatusAsync(resolved, ComplaintStatus.Resolved);

        foreach (var zoom in new[] { 0, 8, 12, 14, 15 })
            Assert.Equal(await ListedCountAsync($"bbox={City}"), (await ClustersAsync($"bbox={City}&zoom={zoom}")).Sum(Count));
        const string east = "100.05,0.0,100.1,0.1";
        Assert.Equal(await ListedCountAsync($"bbox={east}"), (await ClustersAsync($"bbox={east}&zoom=13")).Sum(Count));
        Assert.Equal(await ListedCountAsync($"bbox={City}&category=sampah"), (await ClustersAsync($"bbox={City}&zoom=13&category=sampah")).Sum(Count));
        Assert.Equal(await ListedCountAsync($"bbox={City}&status=resolved"), (await ClustersAsync($"bbox={City}&zoom=13&status=resolved")).Sum(Count));
        Assert.Equal(0, (await ClustersAsync($"bbox={City}&zoom=13&from=2000-01-01&to=2000-01-02")).Sum(Count));
        Assert.Equal(await ListedCountAsync($"bbox={City}"), (await ClustersAsync($"bbox={City}&zoom=13&from=2000-01-01")).Sum(Count));
    }

    [Fact]
    public async Task A_knot_of_complaints_is_one_feature_at_its_mean_position_with_its_dominant_category()
    {
        const double lat = 0.045, lon = 100.035;
        var categories = new[] { "parkir", "parkir", "parkir", "tiang_pln" };
        for (var i = 0; i < categories.Length; i++) await _client.FileAsync(lat + i * 0.00002, lon + i * 0.00002, categories[i]);

        // At zoom 10 a cell is about 9.8 km: the four pins share one.
        var feature = Assert.Single(await ClustersAsync("bbox=100.03,0.04,100.04,0.05&zoom=10"));

        var properties = feature.GetProperty("properties");
        Assert.Equal(4, properties.GetProperty("count").GetInt32());
        Assert.Equal("parkir", properties.GetProperty("category").GetString());
        Assert.False(properties.TryGetProperty("ticket", out _));
        Assert.False(properties.TryGetProperty("status", out _));
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToList();
        Assert.Equal(lon + 0.00003, coordinates[0], 9);
        Assert.Equal(lat + 0.00003, coordinates[1], 9);
    }

    [Fact]
    public async Task A_lone_complaint_is_a_feature_that_carries_its_ticket_and_status()
    {
        var ticket = await _client.FileAsync(0.0305, 100.0455, "galian_kabel");
        await fixture.App.ReachStatusAsync(ticket, ComplaintStatus.Assigned);

        var feature = Assert.Single(await ClustersAsync("bbox=100.045,0.03,100.046,0.031&zoom=15"));

        var properties = feature.GetProperty("properties");
        Assert.Equal((1, ticket, "galian_kabel", "assigned"), (properties.GetProperty("count").GetInt32(),
            properties.GetProperty("ticket").GetString(), properties.GetProperty("category").GetString(), properties.GetProperty("status").GetString()));
        Assert.Equal([100.0455, 0.0305], feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));
    }

    [Theory]
    [InlineData("zoom=12", "bbox")]
    [InlineData("bbox=100.0,0.0,100.1,0.1", "zoom")]
    [InlineData("bbox=100.0,0.0,100.1,0.1&zoom=23", "zoom")]
    [InlineData("bbox=100.0,0.0,100.1,0.1&zoom=-1", "zoom")]
    [InlineData("bbox=100.0,0.0,100.1,0.1&zoom=12.5", "zoom")]
    [InlineData("bbox=100.1,0.0,100.0,0.1&zoom=12", "bbox")]
    [InlineData("bbox=100.0,0.0,100.1&zoom=12", "bbox")]
    [InlineData("bbox=-180,-85,180,85&zoom=22", "bbox")]
    [InlineData("bbox=100.0,0.0,100.1,0.1&zoom=12&status=lost", "status")]
    [InlineData("bbox=100.0,0.0,100.1,0.1&zoom=12&from=kemarin", "from")]
    public async Task Bad_cluster_queries_are_422_with_the_field_named(string query, string field)
    {
        var response = await _client.GetAsync("/api/complaints/clusters?" + query);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var error), $"no error for {field}");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("en").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("id").GetString()));
    }
}
