using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ujar.Api.Limits;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Limits;

/// <summary>Per-address limits over a real socket: an attacker's address (127.0.x.y) runs out, a citizen's does not, and
/// only a configured proxy may say who the client is.</summary>
public sealed class PerAddressLimitTests(LimitsCityApp city) : IClassFixture<LimitsCityApp>
{
    private static string Filing(string description) => Json.Complaint(0.025, 100.06, "sampah", description);

    private static async Task<HttpResponseMessage> FileAsync(HttpClient client, string description, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints")
        {
            Content = new StringContent(Filing(description), Encoding.UTF8, "application/json"),
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    private async Task<int> StoredAsync(string description)
    {
        await using var db = city.NewDb();
        return await db.Complaints.CountAsync(c => c.Description == description);
    }

    /// <summary>The refusal every limit gives: 429, Retry-After in whole seconds, ProblemDetails in both languages.</summary>
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var seconds = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(seconds, out var wait) && wait >= 1, $"Retry-After: {seconds}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("too_many_requests", problem.GetProperty("code").GetString());
        Assert.Equal(wait, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal("Terlalu banyak permintaan", problem.GetProperty("title").GetString());
        Assert.Equal("Too many requests", problem.GetProperty("titleEn").GetString());
        Assert.Contains($"{wait} detik", problem.GetProperty("detail").GetString());
        Assert.Contains($"{wait} seconds", problem.GetProperty("detailEn").GetString());
    }

    [Fact]
    public async Task An_address_past_its_filing_burst_gets_429_and_nothing_stored_while_another_address_still_files()
    {
        var attacker = city.ClientFrom("127.0.1.2");
        var citizen = city.ClientFrom("127.0.1.3");
        var flood = $"Banjir laporan {Guid.NewGuid():N}";

        for (var i = 0; i < LimitsCityApp.FilingBurst; i++)
            Assert.Equal(HttpStatusCode.Created, (await FileAsync(attacker, flood)).StatusCode);
        await AssertTooManyAsync(await FileAsync(attacker, flood));
        await AssertTooManyAsync(await FileAsync(attacker, flood));

        Assert.Equal(LimitsCityApp.FilingBurst, await StoredAsync(flood));
        var own = $"Sampah di depan rumah {Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await FileAsync(citizen, own)).StatusCode);
        Assert.Equal(1, await StoredAsync(own));
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_a_client_that_is_no_proxy_changes_nothing()
    {
        var attacker = city.ClientFrom("127.0.1.4");
        var citizen = city.ClientFrom("127.0.1.5");
        var flood = $"Banjir laporan {Guid.NewGuid():N}";
        for (var i = 0; i < LimitsCityApp.FilingBurst; i++)
            Assert.Equal(HttpStatusCode.Created, (await FileAsync(attacker, flood)).StatusCode);

        // Claiming to be someone else does not buy the attacker a new allowance…
        await AssertTooManyAsync(await FileAsync(attacker, flood, forwardedFor: "203.0.113.50"));
        await AssertTooManyAsync(await FileAsync(attacker, flood, forwardedFor: "127.0.1.5"));
        // …and naming the attacker's address does not spend the citizen's.
        for (var i = 0; i < LimitsCityApp.FilingBurst; i++)
            Assert.Equal(HttpStatusCode.Created, (await FileAsync(citizen, $"Jalan rusak {Guid.NewGuid():N}", forwardedFor: "127.0.1.4")).StatusCode);
        Assert.Equal(LimitsCityApp.FilingBurst, await StoredAsync(flood));
    }

    [Fact]
    public async Task Behind_the_configured_proxy_each_forwarded_client_has_its_own_allowance()
    {
        var proxy = city.ClientFrom(LimitsCityApp.Proxy);
        for (var i = 0; i < LimitsCityApp.FilingBurst; i++)
            Assert.Equal(HttpStatusCode.Created, (await FileAsync(proxy, $"Lewat proksi {i}", forwardedFor: "198.51.100.10")).StatusCode);
        await AssertTooManyAsync(await FileAsync(proxy, "Lewat proksi lagi", forwardedFor: "198.51.100.10"));

        // Another citizen behind the same proxy still files.
        Assert.Equal(HttpStatusCode.Created, (await FileAsync(proxy, "Warga lain", forwardedFor: "198.51.100.11")).StatusCode);

        // The proxy appends the address it saw; what the client wrote in front of it is the client's own invention.
        for (var i = 0; i < LimitsCityApp.FilingBurst; i++)
            Assert.Equal(HttpStatusCode.Created,
                (await FileAsync(proxy, $"Rantai {i}", forwardedFor: $"192.0.2.{i + 1}, 198.51.100.12")).StatusCode);
        await AssertTooManyAsync(await FileAsync(proxy, "Rantai lagi", forwardedFor: "192.0.2.99, 198.51.100.12"));
    }

    public static TheoryData<string, string, string?, int> LimitedEndpoints => new()
    {
        // Adding photos later spends the same allowance as filing.
        { "POST", "/api/complaints/UJR-2099-999999/photos", null, LimitsCityApp.FilingBurst },
        { "POST", "/api/complaints/UJR-2099-999999/support", null, LimitsCityApp.SupportBurst },
        { "POST", "/api/auth/login", """{"email":"tidak.ada@uji.local","password":"salah-sekali-1"}""", LimitsCityApp.SignInBurst },
        { "GET", "/api/hotspots/kelurahan", null, LimitsCityApp.HeavyQueriesBurst },
        { "GET", "/api/hotspots/hex?cell=500", null, LimitsCityApp.HeavyQueriesBurst },
    };

    [Theory]
    [MemberData(nameof(LimitedEndpoints))]
    public async Task Each_limited_endpoint_refuses_an_address_past_its_burst_and_only_that_address(string method, string path, string? json, int burst)
    {
        // Addresses of their own per endpoint: 127.0.5.x, x from the path.
        var octet = (Math.Abs(StringComparer.Ordinal.GetHashCode(path)) % 200) + 10;
        var attacker = city.ClientFrom($"127.0.5.{octet}");
        var other = city.ClientFrom($"127.0.6.{octet}");
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add("X-Device-Token", $"perangkat-{Guid.NewGuid():N}");
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return request;
        }

        for (var i = 0; i < burst; i++)
        {
            var answer = await attacker.SendAsync(Request());
            Assert.NotEqual(HttpStatusCode.TooManyRequests, answer.StatusCode);
        }
        await AssertTooManyAsync(await attacker.SendAsync(Request()));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.SendAsync(Request())).StatusCode);
    }

    [Fact]
    public void The_heavy_query_cap_on_requests_at_once_is_per_address_and_only_for_the_hotspot_layers()
    {
        // What the rate limiter asks for each request, through the service's own configuration: a request that holds the
        // one permit an address has keeps a second of the same address out until it ends.
        var global = city.App.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;
        HttpContext Request(string address, string policy)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new EnableRateLimitingAttribute(policy)), policy));
            return context;
        }

        var first = global.AttemptAcquire(Request("127.0.7.1", AbuseLimits.HeavyQueries));
        Assert.True(first.IsAcquired);
        using (var second = global.AttemptAcquire(Request("127.0.7.1", AbuseLimits.HeavyQueries))) Assert.False(second.IsAcquired);
        using (var otherAddress = global.AttemptAcquire(Request("127.0.7.2", AbuseLimits.HeavyQueries))) Assert.True(otherAddress.IsAcquired);
        using (var filing = global.AttemptAcquire(Request("127.0.7.1", AbuseLimits.Filing))) Assert.True(filing.IsAcquired);
        first.Dispose();
        using (var after = global.AttemptAcquire(Request("127.0.7.1", AbuseLimits.HeavyQueries))) Assert.True(after.IsAcquired);
    }
}
