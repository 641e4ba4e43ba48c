using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Supports;

public sealed class NearbyTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private const double MetersPerDegreeLat = 110_574;
    private const double MetersPerDegreeLon = 111_320;
    private readonly HttpClient _client = fixture.App.CreateClient();

    private static List<JsonElement> Items(JsonElement body) => body.GetProperty("items").EnumerateArray().ToList();

    private async Task<JsonElement> NearbyAsync(string query)
    {
        var response = await _client.GetAsync("/api/complaints/nearby?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Open_complaints_of_the_category_come_nearest_first_with_the_distances_PostGIS_measures()
    {
        const double lat = 0.065, lon = 100.055;
        var at10North = await _client.FileAsync(lat + 10 / MetersPerDegreeLat, lon, "sampah", "Sampah 10 m");
        var at45North = await _client.FileAsync(lat + 45 / MetersPerDegreeLat, lon, "sampah", "Sampah 45 m");
        var at30East = await _client.FileAsync(lat, lon + 30 / MetersPerDegreeLon, "sampah", "Sampah 30 m");
        var at70South = await _client.FileAsync(lat - 70 / MetersPerDegreeLat, lon, "sampah", "Sampah 70 m");
        var otherCategory = await _client.FileAsync(lat, lon - 5 / MetersPerDegreeLon, "jalan_rusak", "Jalan 5 m");
        var closed = await _client.FileAsync(lat - 20 / MetersPerDegreeLat, lon, "sampah", "Sampah 20 m, sudah ditutup");
        await fixture.App.ReachStatusAsync(closed, ComplaintStatus.Closed);
        var inProgress = await _client.FileAsync(lat, lon - 40 / MetersPerDegreeLon, "sampah", "Sampah 40 m, sedang dikerjakan");
        await fixture.App.ReachStatusAsync(inProgress, ComplaintStatus.InProgress);

        var items = Items(await NearbyAsync($"lat={lat}&lon={lon}&category=sampah"));

        Assert.Equal([at10North, at30East, inProgress, at45North], items.Select(i => i.GetProperty("ticket").GetString()));
        await using var db = fixture.App.NewDb();
        foreach (var item in items)
        {
            var ticket = item.GetProperty("ticket").GetString()!;
            var measured = await db.Database.SqlQuery<double>($"""
                SELECT round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography)::numeric, 1)::float8 AS "Value"
                FROM complaints WHERE ticket = {ticket}
                """).SingleAsync();
            Assert.Equal(measured, item.GetProperty("distanceMeters").GetDouble());
        }
        Assert.Equal([10, 30, 40, 45], items.Select(i => Math.Round(i.GetProperty("distanceMeters").GetDouble())));
        var first = items[0];
        Assert.Equal("sampah", first.GetProperty("category").GetString());
        Assert.Equal("received", first.GetProperty("status").GetString());
        Assert.Equal("Sampah 10 m", first.GetProperty("description").GetString());
        Assert.Equal(0, first.GetProperty("supportCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("thumbUrl").ValueKind);
        Assert.EndsWith("+07:00", first.GetProperty("createdAt").GetString());
        Assert.Equal(lon, first.GetProperty("lon").GetDouble());
        Assert.Equal("in_progress", items[2].GetProperty("status").GetString());

        var wider = Items(await NearbyAsync($"lat={lat}&lon={lon}&category=sampah&radius=100")).Select(i => i.GetProperty("ticket").GetString()).ToList();
        Assert.Equal(at70South, wider[^1]);
        Assert.DoesNotContain(closed, wider);
        Assert.DoesNotContain(otherCategory, wider);
        var narrower = Items(await NearbyAsync($"lat={lat}&lon={lon}&category=sampah&radius=20")).Select(i => i.GetProperty("ticket").GetString());
        Assert.Equal([at10North], narrower);
        var roads = Items(await NearbyAsync($"lat={lat}&lon={lon}&category=jalan_rusak")).Select(i => i.GetProperty("ticket").GetString());
        Assert.Equal([otherCategory], roads);
    }

    [Fact]
    public async Task Nearby_and_a_ticket_called_nearby_do_not_capture_each_other()
    {
        var ticket = await _client.FileAsync(0.025, 100.06, "pohon_membahayakan", "Pohon tumbang");

        var nearby = Items(await NearbyAsync("lat=0.025&lon=100.06&category=pohon_membahayakan"));
        var detail = await _client.GetAsync($"/api/complaints/{ticket}");
        var clusters = await _client.GetAsync("/api/complaints/clusters?bbox=100.0,0.0,100.1,0.1&zoom=12");

        Assert.Equal(ticket, Assert.Single(nearby).GetProperty("ticket").GetString());
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal(ticket, (await detail.ReadJsonAsync()).GetProperty("complaint").GetProperty("ticket").GetString());
        Assert.Equal("FeatureCollection", (await clusters.ReadJsonAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("lon=100.055&category=sampah", 422, "lat")]
    [InlineData("lat=0.065&lon=100.055", 422, "category")]
    [InlineData("lat=0.065&lon=100.055&category=tidak_ada", 422, "category")]
    [InlineData("lat=0.065&lon=100.055&category=sampah&radius=501", 422, "radius")]
    [InlineData("lat=0.065&lon=100.055&category=sampah&radius=0", 422, "radius")]
    [InlineData("lat=0.065&lon=100.055&category=sampah&radius=NaN", 422, "radius")]
    [InlineData("lat=0.065&lon=100.055&category=sampah&radius=jauh", 400, "radius")]
    [InlineData("lat=utara&lon=100.055&category=sampah", 400, "lat")]
    [InlineData("lat=95&lon=100.055&category=sampah", 422, "lat")]
    public async Task Bad_nearby_queries_are_refused_with_the_field_named(string query, int status, string field)
    {
        var response = await _client.GetAsync("/api/complaints/nearby?" + query);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }
}
