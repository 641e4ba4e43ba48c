using Microsoft.Extensions.Options;
using Ujar.Api.Limits;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Limits;

/// <summary><c>Ujar:Limits</c> is checked when the service starts: a value that cannot be a limit stops it with the setting
/// named, rather than a limit that quietly does nothing.</summary>
public sealed class LimitsSettingsTests
{
    [Theory]
    [InlineData("Filing:Burst", "0")]
    [InlineData("Support:PerMinute", "-1")]
    [InlineData("HeavyQueries:PerMinute", "0")]
    [InlineData("SupportsPerAddressPerComplaint", "0")]
    [InlineData("WhatsAppPerSenderPerHour", "0")]
    [InlineData("HubWatchedTickets", "0")]
    [InlineData("HotspotMaxPairs", "0")]
    [InlineData("AddressHashKey", "terlalu-pendek")]
    public async Task A_setting_that_cannot_be_a_limit_stops_the_start(string setting, string value)
    {
        // Checked before the database is ever asked for, so none is needed.
        await using var app = new UjarApp("Host=127.0.0.1;Port=1;Database=tidak_ada;Username=postgres",
            new Dictionary<string, string> { [$"Ujar:Limits:{setting}"] = value });
        var refused = Assert.Throws<OptionsValidationException>(() => app.Server);
        Assert.Contains("Ujar:Limits", refused.Message);
    }

    [Fact]
    public void The_defaults_are_limits_and_a_rate_becomes_one_token_at_a_time_or_whole_seconds()
    {
        var defaults = new LimitsOptions();
        Assert.All(defaults.Buckets, b => Assert.True(b.Bucket.IsValid, b.Name));

        var twoAMinute = new TokenBucket { Burst = 20, PerMinute = 2 }.ToOptions();
        Assert.Equal((20, 1, TimeSpan.FromSeconds(30)), (twoAMinute.TokenLimit, twoAMinute.TokensPerPeriod, twoAMinute.ReplenishmentPeriod));
        var tenASecond = new TokenBucket { Burst = 5, PerMinute = 600 }.ToOptions();
        Assert.Equal((5, 10, TimeSpan.FromSeconds(1)), (tenASecond.TokenLimit, tenASecond.TokensPerPeriod, tenASecond.ReplenishmentPeriod));
        Assert.Equal(0, tenASecond.QueueLimit);
    }
}
