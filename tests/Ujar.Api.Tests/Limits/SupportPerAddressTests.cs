using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Limits;

/// <summary>"Dukung" counts at most <see cref="LimitsCityApp.SupportsPerAddress"/> supports per client address and
/// complaint, however many device tokens the address makes up, kept as a keyed hash in the database so the count holds
/// under concurrency, across a restart and on another instance.</summary>
public sealed class SupportPerAddressTests(LimitsCityApp city) : IClassFixture<LimitsCityApp>
{
    /// <summary>A complaint to support, filed from <paramref name="source"/> (each test its own: filing is limited too).</summary>
    private async Task<(string Ticket, long Id)> FileAsync(string source)
    {
        var response = await city.ClientFrom(source).PostRawJsonAsync("/api/complaints",
            Json.Complaint(0.065, 100.055, "sampah", $"Sampah menumpuk {Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var filed = await response.ReadJsonAsync();
        return (filed.GetProperty("ticket").GetString()!, filed.GetProperty("id").GetInt64());
    }

    private static async Task<JsonElement> SupportAsync(HttpClient client, string ticket, string device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/support");
        request.Headers.Add("X-Device-Token", device);
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static string KeyedHash(string address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(LimitsCityApp.AddressHashKey), Encoding.UTF8.GetBytes(address)));

    private async Task<List<(string? AddressHash, int Count)>> StoredAsync(long complaintId)
    {
        await using var db = city.NewDb();
        return (await db.Supports.Where(s => s.ComplaintId == complaintId).GroupBy(s => s.AddressHash)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync()).Select(g => (g.Key, g.Count)).ToList();
    }

    [Fact]
    public async Task Forged_device_tokens_from_one_address_add_no_more_than_the_cap_while_another_address_still_counts()
    {
        var (ticket, id) = await FileAsync("127.0.3.201");
        var forger = city.ClientFrom("127.0.3.1");

        var added = new List<bool>();
        for (var i = 0; i < 6; i++) added.Add((await SupportAsync(forger, ticket, $"token-palsu-{i}-{Guid.NewGuid():N}")).GetProperty("added").GetBoolean());
        Assert.Equal([true, true, false, false, false, false], added);

        var neighbour = await SupportAsync(city.ClientFrom("127.0.3.2"), ticket, $"perangkat-tetangga-{Guid.NewGuid():N}");
        Assert.True(neighbour.GetProperty("added").GetBoolean());
        Assert.Equal(LimitsCityApp.SupportsPerAddress + 1, neighbour.GetProperty("supportCount").GetInt32());

        // Stored as the keyed hash of each address, never the address itself.
        var stored = await StoredAsync(id);
        Assert.Equal(
            new[] { (KeyedHash("127.0.3.1"), LimitsCityApp.SupportsPerAddress), (KeyedHash("127.0.3.2"), 1) }.OrderBy(s => s.Item1),
            stored.OrderBy(s => s.AddressHash).Select(s => (s.AddressHash!, s.Count)));
        Assert.All(stored, s => Assert.Matches("^[0-9a-f]{64}$", s.AddressHash));
    }

    [Fact]
    public async Task Concurrent_supports_from_one_address_stop_at_the_cap()
    {
        var (ticket, id) = await FileAsync("127.0.3.202");
        var forger = city.ClientFrom("127.0.3.3");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SupportAsync(forger, ticket, $"serentak-{i}-{Guid.NewGuid():N}")));

        Assert.Equal(LimitsCityApp.SupportsPerAddress, answers.Count(a => a.GetProperty("added").GetBoolean()));
        Assert.Equal(LimitsCityApp.SupportsPerAddress, Assert.Single(await StoredAsync(id)).Count);
        await using var db = city.NewDb();
        Assert.Equal(LimitsCityApp.SupportsPerAddress, await db.Complaints.Where(c => c.Id == id).Select(c => c.SupportCount).SingleAsync());
    }

    [Fact]
    public async Task The_count_holds_on_another_instance_of_the_service_over_the_same_database()
    {
        var (ticket, id) = await FileAsync("127.0.3.203");
        for (var i = 0; i < LimitsCityApp.SupportsPerAddress; i++)
            Assert.True((await SupportAsync(city.ClientFrom("127.0.3.4"), ticket, $"pertama-{i}-{Guid.NewGuid():N}")).GetProperty("added").GetBoolean());

        // A second instance (or this one after a restart) with the same key recognises the address.
        await using var second = city.Start(city.App.ConnectionString);
        var secondUrl = KestrelCityApp.AddressOf(second);
        var again = await SupportAsync(city.ClientFrom("127.0.3.4", secondUrl), ticket, $"kedua-{Guid.NewGuid():N}");
        Assert.False(again.GetProperty("added").GetBoolean());
        Assert.True((await SupportAsync(city.ClientFrom("127.0.3.5", secondUrl), ticket, $"lain-{Guid.NewGuid():N}")).GetProperty("added").GetBoolean());
        Assert.Equal(LimitsCityApp.SupportsPerAddress + 1, (await StoredAsync(id)).Sum(s => s.Count));
    }
}
