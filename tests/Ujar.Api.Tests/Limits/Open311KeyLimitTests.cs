using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Channels;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Open311;

namespace Ujar.Api.Tests.Limits;

/// <summary>Open311 filings are counted per channel key (a key is one whole system), not per address: a system past its
/// bucket gets 429 in Open311's own error format, and another system's key from the same address still files.</summary>
public sealed class Open311KeyLimitTests(LimitsCityApp city) : IClassFixture<LimitsCityApp>
{
    private const int Burst = 2; // LimitsCityApp: Ujar:Limits:Open311:Burst

    private async Task<string> NewKeyAsync(string name)
    {
        await using var db = city.NewDb();
        var outcome = await ChannelKeys.CreateAsync(db, $"{name}-{Guid.NewGuid():N}"[..30], "open311", "uji", DateTime.UtcNow, CancellationToken.None);
        return Assert.IsType<ChannelKeys.Created>(outcome).Result.Key;
    }

    [Fact]
    public async Task A_key_past_its_bucket_gets_429_in_open311_form_and_another_key_from_the_same_address_still_files()
    {
        var (busy, other) = (await NewKeyAsync("fixmystreet"), await NewKeyAsync("call-centre"));
        var client = city.ClientFrom("127.0.4.1");
        var description = $"Lewat Open311 {Guid.NewGuid():N}";

        for (var i = 0; i < Burst; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("json", Open311Http.Filing(busy, description))).StatusCode);
        var refused = await client.PostFormAsync("json", Open311Http.Filing(busy, description));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After"))) >= 1);
        var error = Assert.Single(JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal(429, error.GetProperty("code").GetInt32());
        Assert.Contains("terlalu banyak", error.GetProperty("description").GetString());
        Assert.Contains("too many requests", error.GetProperty("description").GetString());
        await using (var db = city.NewDb()) Assert.Equal(Burst, await db.Complaints.CountAsync(c => c.Description == description));

        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("json", Open311Http.Filing(other, $"Sistem lain {Guid.NewGuid():N}"))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_spends_no_allowance_of_any_key()
    {
        var key = await NewKeyAsync("benar");
        var client = city.ClientFrom("127.0.4.2");
        for (var i = 0; i < Burst + 3; i++)
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostFormAsync("json", Open311Http.Filing("kunci-yang-salah-" + i, "Tebak kunci"))).StatusCode);
        for (var i = 0; i < Burst; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("json", Open311Http.Filing(key, $"Kunci benar {i}"))).StatusCode);
    }
}
