using System.Net;
using System.Text.Json;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Complaints;

public sealed class ListingComplaintsTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<string> FileAsync(double lat, double lon, string category, string description)
    {
        var response = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon, category, description));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("ticket").GetString()!;
    }

    private static List<JsonElement> Features(JsonElement page) => page.GetProperty("features").EnumerateArray().ToList();

    [Fact]
    public async Task The_list_is_GeoJSON_filtered_by_bbox_and_category_newest_first()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var west = await FileAsync(0.025, 100.025, "genangan_air", "barat " + marker);
        var east = await FileAsync(0.025, 100.06, "genangan_air", "timur " + marker);
        var eastTree = await FileAsync(0.026, 100.061, "pohon_membahayakan", "pohon " + marker);

        var page = await (await _client.GetAsync("/api/complaints?bbox=100.05,0.02,100.07,0.03&category=genangan_air&limit=1000")).ReadJsonAsync();

        Assert.Equal("FeatureCollection", page.GetProperty("type").GetString());
        var tickets = Features(page).Select(f => f.GetProperty("properties").GetProperty("ticket").GetString()).ToList();
        Assert.Contains(east, tickets);
        Assert.DoesNotContain(west, tickets);
        Assert.DoesNotContain(eastTree, tickets);
        var feature = Features(page).First(f => f.GetProperty("properties").GetProperty("ticket").GetString() == east);
        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal([100.06, 0.025], feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));

        var both = await (await _client.GetAsync("/api/complaints?bbox=100.05,0.02,100.07,0.03&category=genangan_air,pohon_membahayakan&limit=1000")).ReadJsonAsync();
        var bothTickets = Features(both).Select(f => f.GetProperty("properties").GetProperty("ticket").GetString()).ToList();
        Assert.Contains(eastTree, bothTickets);
        Assert.True(bothTickets.IndexOf(eastTree) < bothTickets.IndexOf(east), "newest first");
    }

    [Fact]
    public async Task Status_and_time_filters_apply()
    {
        var ticket = await FileAsync(0.065, 100.055, "sampah", "status test");
        var received = await (await _client.GetAsync("/api/complaints?status=received&limit=1000")).ReadJsonAsync();
        Assert.Contains(Features(received), f => f.GetProperty("properties").GetProperty("ticket").GetString() == ticket);
        var closed = await (await _client.GetAsync("/api/complaints?status=closed,in_progress&limit=1000")).ReadJsonAsync();
        Assert.DoesNotContain(Features(closed), f => f.GetProperty("properties").GetProperty("ticket").GetString() == ticket);

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd");
        var todays = await (await _client.GetAsync($"/api/complaints?from={today}&to={today}&limit=1000")).ReadJsonAsync();
        Assert.Contains(Features(todays), f => f.GetProperty("properties").GetProperty("ticket").GetString() == ticket);
        var past = await (await _client.GetAsync("/api/complaints?from=2020-01-01&to=2020-12-31")).ReadJsonAsync();
        Assert.Empty(Features(past));
    }

    [Fact]
    public async Task Cursor_pages_cover_every_complaint_once()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 23; i++) await FileAsync(0.025, 100.026, "parkir", $"halaman {marker} {i}");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/api/complaints?bbox=100.0255,0.0245,100.0265,0.0255&limit=5" + (cursor is null ? "" : "&cursor=" + cursor);
            var page = await (await _client.GetAsync(url)).ReadJsonAsync();
            var features = Features(page);
            Assert.InRange(features.Count, 1, 5);
            seen.AddRange(features.Select(f => f.GetProperty("properties").GetProperty("ticket").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Distinct().Count());
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task The_page_size_is_bounded_by_default()
    {
        // More complaints than one default page, so the bound is what stops the list.
        var marker = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, 105).Select(i => FileAsync(0.026, 100.024, "sampah", $"batas {marker} {i}")));

        var page = await (await _client.GetAsync("/api/complaints")).ReadJsonAsync();

        Assert.Equal(100, Features(page).Count);
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
    }
}
