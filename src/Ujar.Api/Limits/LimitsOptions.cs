using System.Threading.RateLimiting;

namespace Ujar.Api.Limits;

/// <summary>A token bucket: <see cref="Burst"/> requests in a row, then <see cref="PerMinute"/> more each minute
/// (one token at a time, so 2 a minute is one every 30 s).</summary>
public sealed class TokenBucket
{
    public int Burst { get; set; }
    public double PerMinute { get; set; }

    public bool IsValid => Burst is >= 1 and <= 1_000_000_000 && PerMinute is > 0 and <= 1_000_000_000;

    public TokenBucketRateLimiterOptions ToOptions()
    {
        // One token per period, but no period shorter than a second: a partitioned limiter refills on a 100 ms heartbeat,
        // and the high rates a test host or a benchmark sets would otherwise ask for sub-millisecond periods.
        var period = TimeSpan.FromSeconds(Math.Max(1, 60 / PerMinute));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = (int)Math.Clamp(Math.Round(PerMinute * period.TotalMinutes), 1, int.MaxValue),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    public override string ToString() => $"{Burst} then {PerMinute}/min";
}

/// <summary>
/// <c>Ujar:Limits</c>, checked at start: how much one client may ask of the service. The defaults are sized for a city of
/// 230,000 that files a few hundred complaints on its worst day, where many phones share one address (mobile carriers'
/// CGNAT, a kelurahan office's Wi-Fi): generous for people, far below what a script sends.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Ujar:Limits";

    /// <summary>Per client address: <c>POST /api/complaints</c> and <c>POST /api/complaints/{ticket}/photos</c>, one bucket.</summary>
    public TokenBucket Filing { get; set; } = new() { Burst = 20, PerMinute = 2 };

    /// <summary>Per Open311 channel key on <c>POST requests</c>: a key is a whole system (a FixMyStreet install, a call centre).</summary>
    public TokenBucket Open311 { get; set; } = new() { Burst = 100, PerMinute = 60 };

    /// <summary>Complaints one WhatsApp number may file in an hour, counted in the database (so across instances).</summary>
    public int WhatsAppPerSenderPerHour { get; set; } = 10;

    /// <summary>Per client address: <c>POST /api/complaints/{ticket}/support</c>.</summary>
    public TokenBucket Support { get; set; } = new() { Burst = 30, PerMinute = 10 };

    /// <summary>Supports one client address may add to one complaint, whatever device tokens it sends: a household's
    /// phones, or neighbours behind one carrier address, count; a hundred forged tokens do not.</summary>
    public int SupportsPerAddressPerComplaint { get; set; } = 3;

    /// <summary>Per client address: <c>POST /api/auth/login</c>, a flood guard beside the per-account lockout.</summary>
    public TokenBucket SignIn { get; set; } = new() { Burst = 30, PerMinute = 10 };

    /// <summary>Per client address: the hotspot layers (<c>/api/hotspots/…</c>).</summary>
    public TokenBucket HeavyQueries { get; set; } = new() { Burst = 20, PerMinute = 30 };

    /// <summary>Hotspot requests one client address may have computing at once; <see cref="HeavyQueriesQueued"/> more wait.</summary>
    public int HeavyQueriesConcurrent { get; set; } = 2;
    public int HeavyQueriesQueued { get; set; } = 4;

    /// <summary>The most Gi* neighbour pairs (cells × neighbours within the band) one hex or trend request may need: 4 bytes
    /// each, kept for the next request with the same band, so 10 million is about 40 MB and a band far wider than a hot spot.</summary>
    public long HotspotMaxPairs { get; set; } = 10_000_000;

    /// <summary>The most DBSCAN distance tests one clusters request may need (each point against the points of the 3×3
    /// eps-cells around it): 500 million took about a second on the 2-core machine it was measured on.</summary>
    public long ClusterMaxComparisons { get; set; } = 500_000_000;

    /// <summary>Tickets one hub connection may watch at once (a tracking page watches one).</summary>
    public int HubWatchedTickets { get; set; } = 50;

    /// <summary>Per hub connection: <c>WatchArea</c>, <c>WatchTicket</c> and <c>WatchQueue</c> calls (a pan of the map is one).</summary>
    public TokenBucket HubWatchCalls { get; set; } = new() { Burst = 30, PerMinute = 60 };

    /// <summary>The secret key of the keyed hash (HMAC-SHA256) that stands for a client address in <c>supports.address_hash</c>;
    /// at least 32 characters, from the environment. Every instance must share it, and it must outlive restarts, for the
    /// per-address count to hold; unset, each process makes a random one and says so in its log.</summary>
    public string? AddressHashKey { get; set; }

    public const int MinAddressHashKeyLength = 32;

    public IEnumerable<(string Name, TokenBucket Bucket)> Buckets =>
    [
        (nameof(Filing), Filing), (nameof(Open311), Open311), (nameof(Support), Support), (nameof(SignIn), SignIn),
        (nameof(HeavyQueries), HeavyQueries), (nameof(HubWatchCalls), HubWatchCalls),
    ];
}
