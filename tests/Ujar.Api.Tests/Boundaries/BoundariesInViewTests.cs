using System.Net;
using System.Text.Json;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Boundaries;

/// <summary><c>GET /api/boundaries?level=…&amp;bbox=…&amp;zoom=…</c>: the map's view of a layer too big to send whole.</summary>
public sealed class BoundariesInViewTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    // Kecamatan Selatan (lat 0.01–0.04) and a strip of Utara up to lat 0.045; everything west of lon 100.05.
    private const string SouthWest = "100.0,0.0,100.05,0.045";

    [Fact]
    public async Task Only_the_areas_in_the_view_come_back_cut_to_it()
    {
        var features = await FeaturesAsync($"/api/boundaries?level=kelurahan&bbox={SouthWest}&zoom=16");

        // Danau reaches into the box from the north; Tengah starts at its east edge; Pulau is far east.
        Assert.Equal(["99.01.01.1001", "99.01.01.1002", "99.01.02.1001", "99.01.02.1002"], features.Select(Code));
        foreach (var feature in features)
        {
            var (minX, minY, maxX, maxY) = Extent(feature);
            Assert.True(minX >= 100.0 && maxX <= 100.05 + 1e-12 && minY >= 0.0 && maxY <= 0.045 + 1e-12, $"{Code(feature)} is not cut to the view");
        }
        // Danau is cut to the 0.005° strip of it inside the box.
        var danau = Extent(features.Single(f => Code(f) == "99.01.01.1001"));
        Assert.Equal((0.04, 0.045), (danau.MinY, danau.MaxY));
        Assert.Equal("kelurahan", features[0].GetProperty("properties").GetProperty("level").GetString());
        Assert.Equal(fixture.GenerationId, features[0].GetProperty("properties").GetProperty("generation").GetInt32());
    }

    [Fact]
    public async Task Outlines_are_simplified_for_the_zoom()
    {
        const string city = "99.9,-0.1,100.2,0.2";
        var close = (await FeaturesAsync($"/api/boundaries?level=kelurahan&bbox={city}&zoom=18")).Single(f => Code(f) == "99.01.02.1001");
        var far = (await FeaturesAsync($"/api/boundaries?level=kelurahan&bbox={city}&zoom=10")).Single(f => Code(f) == "99.01.02.1001");

        // Sawah's 0.0001° (11 m) step at the gap is 20 pixels at zoom 18 and is kept; at zoom 10 a pixel is 153 m.
        Assert.Contains((100.0449, 0.03), Corners(close));
        Assert.DoesNotContain((100.0449, 0.03), Corners(far));
        Assert.True(Vertices(far) < Vertices(close), $"{Vertices(far)} corners at zoom 10, {Vertices(close)} at zoom 18");
        Assert.InRange(Vertices(far), 4, 5);
    }

    [Fact]
    public async Task Areas_smaller_than_a_pixel_are_left_out()
    {
        const string city = "99.9,-0.1,100.2,0.2";
        // At zoom 5 a pixel is 0.044°: every kelurahan (at most 0.035° across) is smaller; the kecamatan (0.07°) are not.
        Assert.Empty(await FeaturesAsync($"/api/boundaries?level=kelurahan&bbox={city}&zoom=5"));
        Assert.Equal(["99.01.01", "99.01.02"], (await FeaturesAsync($"/api/boundaries?level=kecamatan&bbox={city}&zoom=5")).Select(Code));
        Assert.Equal(5, (await FeaturesAsync($"/api/boundaries?level=kelurahan&bbox={city}&zoom=8")).Count);
    }

    [Fact]
    public async Task Without_a_view_the_whole_layer_comes_back_as_stored()
    {
        var whole = await FeaturesAsync("/api/boundaries?level=kelurahan");

        Assert.Equal(5, whole.Count);
        Assert.Equal(7, Vertices(whole.Single(f => Code(f) == "99.01.02.1001")));
    }

    [Theory]
    [InlineData("bbox=100.0,0.0,100.05,0.045", "zoom")]
    [InlineData("zoom=12", "bbox")]
    [InlineData("bbox=100.05,0.0,100.0,0.045&zoom=12", "bbox")]
    [InlineData("bbox=100.0,0.0,100.05&zoom=12", "bbox")]
    [InlineData("bbox=100.0,0.0,100.05,0.045&zoom=23", "zoom")]
    [InlineData("bbox=100.0,0.0,100.05,0.045&zoom=-1", "zoom")]
    [InlineData("bbox=100.0,0.0,100.05,0.045&zoom=tinggi", "zoom")]
    public async Task A_view_that_cannot_be_drawn_is_refused_in_both_languages(string query, string field)
    {
        var response = await fixture.App.CreateClient().GetAsync($"/api/boundaries?level=kelurahan&{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = (await response.ReadJsonAsync()).GetProperty("errors").GetProperty(field);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()));
    }

    private async Task<List<JsonElement>> FeaturesAsync(string url)
    {
        var response = await fixture.App.CreateClient().GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("features").EnumerateArray().ToList();
    }

    private static string Code(JsonElement feature) => feature.GetProperty("properties").GetProperty("code").GetString()!;

    private static IEnumerable<JsonElement> Positions(JsonElement feature)
    {
        var geometry = feature.GetProperty("geometry");
        var polygons = geometry.GetProperty("type").GetString() == "Polygon"
            ? [geometry.GetProperty("coordinates")]
            : geometry.GetProperty("coordinates").EnumerateArray().ToList();
        return polygons.SelectMany(p => p.EnumerateArray()).SelectMany(ring => ring.EnumerateArray());
    }

    private static List<(double, double)> Corners(JsonElement feature) =>
        Positions(feature).Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();

    /// <summary>Distinct corners: every ring repeats its first position at the end.</summary>
    private static int Vertices(JsonElement feature) => Positions(feature).Count() - Rings(feature);

    private static int Rings(JsonElement feature)
    {
        var geometry = feature.GetProperty("geometry");
        return geometry.GetProperty("type").GetString() == "Polygon"
            ? geometry.GetProperty("coordinates").GetArrayLength()
            : geometry.GetProperty("coordinates").EnumerateArray().Sum(p => p.GetArrayLength());
    }

    private static (double MinX, double MinY, double MaxX, double MaxY) Extent(JsonElement feature)
    {
        var xs = Positions(feature).Select(p => p[0].GetDouble()).ToList();
        var ys = Positions(feature).Select(p => p[1].GetDouble()).ToList();
        return (xs.Min(), ys.Min(), xs.Max(), ys.Max());
    }
}
