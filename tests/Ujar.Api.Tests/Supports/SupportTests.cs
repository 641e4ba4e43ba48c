using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Supports;

public sealed class SupportTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private Task<HttpResponseMessage> SupportAsync(string ticket, string? deviceToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/support");
        if (deviceToken is not null) request.Headers.TryAddWithoutValidation("X-Device-Token", deviceToken);
        return _client.SendAsync(request);
    }

    private static string NewDevice() => "dev-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Supporting_twice_from_one_device_counts_once()
    {
        var ticket = await _client.FileAsync(0.065, 100.055, "jalan_rusak", "Lubang besar");
        var device = NewDevice();

        var first = await (await SupportAsync(ticket, device)).ReadJsonAsync();
        var again = await SupportAsync(ticket, device);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeat = await again.ReadJsonAsync();
        Assert.Equal((ticket, 1, true), (first.GetProperty("ticket").GetString(), first.GetProperty("supportCount").GetInt32(), first.GetProperty("added").GetBoolean()));
        Assert.Equal((1, false), (repeat.GetProperty("supportCount").GetInt32(), repeat.GetProperty("added").GetBoolean()));
        await using var db = fixture.App.NewDb();
        var stored = await db.Supports.Where(s => db.Complaints.Any(c => c.Id == s.ComplaintId && c.Ticket == ticket)).ToListAsync();
        // Only the hash of the device token is kept.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(device))), Assert.Single(stored).DeviceTokenHash);
        Assert.Equal(1, (await fixture.App.NewDb().Complaints.SingleAsync(c => c.Ticket == ticket)).SupportCount);
    }

    [Fact]
    public async Task Ten_concurrent_repeats_from_one_device_count_once()
    {
        var ticket = await _client.FileAsync(0.065, 100.056, "jalan_rusak", "Lubang besar");
        var device = NewDevice();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SupportAsync(ticket, device)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()));
        Assert.Single(bodies, b => b.GetProperty("added").GetBoolean());
        Assert.All(bodies, b => Assert.Equal(1, b.GetProperty("supportCount").GetInt32()));
        await using var db = fixture.App.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(1, complaint.SupportCount);
        Assert.Equal(1, await db.Supports.CountAsync(s => s.ComplaintId == complaint.Id));
    }

    [Fact]
    public async Task Two_devices_count_twice_and_watchers_see_the_count()
    {
        var ticket = await _client.FileAsync(0.065, 100.057, "penerangan_jalan", "Lampu mati");
        await using var live = await LiveTestClient.ConnectAsync(fixture.App);
        var watch = await live.WatchTicketAsync(ticket);

        await SupportAsync(ticket, NewDevice());
        var second = await (await SupportAsync(ticket, NewDevice())).ReadJsonAsync();

        Assert.Equal(2, second.GetProperty("supportCount").GetInt32());
        var firstEvent = await live.NextAsync(after: watch.LastSeq);
        var secondEvent = await live.NextAsync(after: firstEvent.Seq);
        Assert.Equal(("support_changed", 1), (firstEvent.Type, firstEvent.SupportCount));
        Assert.Equal(("support_changed", 2, ticket), (secondEvent.Type, secondEvent.SupportCount, secondEvent.Ticket));
        var detail = await (await _client.GetAsync($"/api/complaints/{ticket}")).ReadJsonAsync();
        Assert.Equal(2, detail.GetProperty("complaint").GetProperty("supportCount").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("tab\tinside-token")]
    public async Task A_missing_or_malformed_device_token_is_400(string? token)
    {
        var ticket = await _client.FileAsync(0.065, 100.058);

        var response = await SupportAsync(ticket, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("bad_device_token", problem.GetProperty("code").GetString());
        Assert.Equal("Invalid X-Device-Token", problem.GetProperty("titleEn").GetString());
        Assert.Equal(0, (await fixture.App.NewDb().Complaints.SingleAsync(c => c.Ticket == ticket)).SupportCount);
    }

    [Fact]
    public async Task A_token_of_201_characters_is_refused_and_200_accepted()
    {
        var ticket = await _client.FileAsync(0.065, 100.059);

        Assert.Equal(HttpStatusCode.BadRequest, (await SupportAsync(ticket, new string('a', 201))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SupportAsync(ticket, new string('a', 200))).StatusCode);
    }

    [Theory]
    [InlineData(ComplaintStatus.Closed)]
    [InlineData(ComplaintStatus.Rejected)]
    [InlineData(ComplaintStatus.Resolved)]
    public async Task A_complaint_no_longer_open_cannot_be_supported(ComplaintStatus status)
    {
        var ticket = await _client.FileAsync(0.064, 100.055);
        await fixture.App.ReachStatusAsync(ticket, status);

        var response = await SupportAsync(ticket, NewDevice());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("complaint_not_open", problem.GetProperty("code").GetString());
        Assert.Equal("This complaint is no longer open", problem.GetProperty("titleEn").GetString());
        Assert.Equal("Laporan ini sudah tidak terbuka", problem.GetProperty("title").GetString());
        await using var db = fixture.App.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(0, complaint.SupportCount);
        Assert.False(await db.Supports.AnyAsync(s => s.ComplaintId == complaint.Id));
    }

    [Fact]
    public async Task An_unknown_ticket_is_404()
    {
        var response = await SupportAsync("UJR-1999-000001", NewDevice());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }
}
