using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Hotspots;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>The fixture city with small caps on the hotspot layers' work, and 40 fallen-tree complaints on one spot.</summary>
public sealed class CappedHotspotsCityApp : IAsyncLifetime
{
    public const long MaxPairs = 2_000;
    public const long MaxComparisons = 1_000;
    public const int OnOneSpot = 40;

    public UjarApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string>
        {
            ["Ujar:Limits:HotspotMaxPairs"] = $"{MaxPairs}",
            ["Ujar:Limits:ClusterMaxComparisons"] = $"{MaxComparisons}",
        });
        var client = App.CreateClient();
        for (var i = 0; i < OnOneSpot; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PostRawJsonAsync("/api/complaints",
                Json.Complaint(0.025, 100.06, "pohon_membahayakan", $"Pohon tumbang {i}"))).StatusCode);
        // The layers read the points' copy, which follows the event log: wait until it holds them all.
        var points = App.Services.GetRequiredService<ComplaintPoints>();
        await points.WhenLoaded;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (points.Current.Count < OnOneSpot && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(OnOneSpot, points.Current.Count);
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>A hotspot request whose work is over its cap is refused before the work with a 422 that names the parameter
/// and says how to ask for less; the request it suggests is answered.</summary>
public sealed class HotspotCostTests(CappedHotspotsCityApp city) : IClassFixture<CappedHotspotsCityApp>
{
    private readonly HttpClient _client = city.App.CreateClient();

    private async Task<JsonElement> RefusedAsync(string url, string field)
    {
        var response = await _client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{url}: {(int)response.StatusCode} {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("The request is too heavy to compute", problem.GetProperty("titleEn").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var error), $"no error for {field}: {body}");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("id").GetString()));
        return problem;
    }

    private async Task OkAsync(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("hex")]
    [InlineData("trend")]
    public async Task A_band_over_the_pairs_cap_is_refused_naming_the_widest_band_that_is_answered(string layer)
    {
        var problem = await RefusedAsync($"/api/hotspots/{layer}?cell=1000&band=10000&days=30", "band");
        var detail = problem.GetProperty("detailEn").GetString()!;
        Assert.Contains($"more than the limit of {CappedHotspotsCityApp.MaxPairs:N0}", detail);
        var widest = int.Parse(Regex.Match(detail, @"Use a band of at most (\d+) m with 1000 m cells, or larger cells").Groups[1].Value,
            CultureInfo.InvariantCulture);

        await OkAsync($"/api/hotspots/{layer}?cell=1000&band={widest}&days=30");
        await RefusedAsync($"/api/hotspots/{layer}?cell=1000&band={widest + 1}&days=30", "band");
    }

    [Fact]
    public async Task Clusters_over_the_comparisons_cap_are_refused_before_the_run_and_a_narrower_filter_is_answered()
    {
        var problem = await RefusedAsync("/api/hotspots/clusters?category=pohon_membahayakan&eps=100", "eps");
        var expected = CappedHotspotsCityApp.OnOneSpot * CappedHotspotsCityApp.OnOneSpot;
        Assert.Contains($"{expected:N0} distance tests, more than the limit of {CappedHotspotsCityApp.MaxComparisons:N0}",
            problem.GetProperty("detailEn").GetString());
        Assert.Contains("Use a smaller eps, or select fewer complaints", problem.GetProperty("detailEn").GetString());
        Assert.Contains("Perkecil jarak eps", problem.GetProperty("detail").GetString());

        await OkAsync("/api/hotspots/clusters?category=pohon_membahayakan&eps=100&status=closed");
    }

    [Fact]
    public void A_runs_cost_is_each_point_against_the_points_of_the_cells_around_it()
    {
        // Three points in one 100 m cell: 3 × 3.
        Assert.Equal(9, Dbscan.Prepare([0, 10, 20], [0, 0, 0], eps: 100).Comparisons);
        // A point in the next cell sees those three and itself, and they see it; one far away sees only itself.
        Assert.Equal(3 * 4 + 1 * 4 + 1, Dbscan.Prepare([0, 10, 20, 150, 1000], [0, 0, 0, 0, 0], eps: 100).Comparisons);
        // The same points spread over more, smaller cells cost less.
        Assert.True(Dbscan.Prepare([0, 10, 20, 150, 1000], [0, 0, 0, 0, 0], eps: 5).Comparisons < 17);
    }
}
