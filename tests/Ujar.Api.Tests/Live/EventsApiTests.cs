using System.Net;
using System.Text.Json;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>GET /api/events: the catch-up a client asks for after being away.</summary>
public sealed class EventsApiTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(List<JsonElement> Events, long LastSeq)> EventsAsync(string query)
    {
        var response = await _client.GetAsync("/api/events?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("events").EnumerateArray().ToList(), body.GetProperty("lastSeq").GetInt64());
    }

    private static string Ticket(JsonElement e) => e.GetProperty("ticket").GetString()!;

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats_and_filters_apply()
    {
        var (_, start) = await EventsAsync("after=0");
        var north = await _client.FileAsync(0.065, 100.055);
        var south = await _client.FileAsync(0.025, 100.06);
        var west = await _client.FileAsync(0.025, 100.025);

        var (firstPage, firstLast) = await EventsAsync($"after={start}&limit=2");
        var (secondPage, secondLast) = await EventsAsync($"after={firstLast}&limit=2");
        var (emptyPage, emptyLast) = await EventsAsync($"after={secondLast}");

        Assert.Equal([north, south], firstPage.Select(Ticket));
        Assert.Equal(firstPage[1].GetProperty("seq").GetInt64(), firstLast);
        Assert.Equal([west], secondPage.Select(Ticket));
        Assert.Equal(secondPage[0].GetProperty("seq").GetInt64(), secondLast);
        Assert.Empty(emptyPage);
        Assert.Equal(secondLast, emptyLast);

        var (inBox, boxLast) = await EventsAsync($"after={start}&bbox=100.05,0.02,100.07,0.03");
        Assert.Equal([south], inBox.Select(Ticket));
        Assert.Equal(secondLast, boxLast); // filtered out, but not to be asked for again
        var (byTicket, _) = await EventsAsync($"after={start}&ticket={west.ToLowerInvariant()}");
        Assert.Equal([west], byTicket.Select(Ticket));
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=satu", "after")]
    [InlineData("after=0&limit=0", "limit")]
    [InlineData("after=0&limit=2001", "limit")]
    [InlineData("after=0&bbox=100,0,100.1", "bbox")]
    [InlineData("after=0&bbox=100.1,0,100,0.1", "bbox")]
    public async Task Bad_parameters_are_422_with_the_field_named(string query, string field)
    {
        var response = await _client.GetAsync("/api/events?" + query);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }
}
