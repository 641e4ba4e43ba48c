using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Ujar.Api.Setup;

namespace Ujar.Api.Limits;

/// <summary>
/// How much one client may ask of the service (<c>Ujar:Limits</c>, see README "Abuse limits, headers and health"). Routes
/// take a policy with a one-line <c>.RequireRateLimiting(AbuseLimits.…)</c>; limits keyed by something only the handler
/// knows (an Open311 channel key, a hub connection) are in <see cref="KeyedLimits"/>. A refusal is <c>429</c>
/// ProblemDetails <c>too_many_requests</c> with <c>Retry-After</c> in seconds.
/// </summary>
public static class AbuseLimits
{
    /// <summary>Per client address: filing a complaint and adding its photos later.</summary>
    public const string Filing = "filing";
    /// <summary>Per client address: "Dukung".</summary>
    public const string Support = "support";
    /// <summary>Per client address: staff sign-in.</summary>
    public const string SignIn = "sign-in";
    /// <summary>Per client address: the hotspot layers, a token bucket and a cap on requests computing at once.</summary>
    public const string HeavyQueries = "heavy-queries";

    public static IServiceCollection AddAbuseLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section)
            .Validate(o => o.Buckets.All(b => b.Bucket.IsValid), "Ujar:Limits: each bucket (Filing, Open311, Support, SignIn, HeavyQueries, "
                + "HubWatchCalls) needs Burst from 1 to 1e9 and PerMinute above 0 (at most 1e9)")
            .Validate(o => o.WhatsAppPerSenderPerHour >= 1 && o.SupportsPerAddressPerComplaint >= 1 && o.HubWatchedTickets >= 1
                && o.HeavyQueriesConcurrent >= 1 && o.HeavyQueriesQueued >= 0 && o.HotspotMaxPairs >= 1 && o.ClusterMaxComparisons >= 1,
                "Ujar:Limits: WhatsAppPerSenderPerHour, SupportsPerAddressPerComplaint, HubWatchedTickets, HeavyQueriesConcurrent, "
                + "HotspotMaxPairs and ClusterMaxComparisons must be at least 1, HeavyQueriesQueued at least 0")
            .Validate(o => o.AddressHashKey is null || o.AddressHashKey.Length >= LimitsOptions.MinAddressHashKeyLength,
                $"Ujar:Limits:AddressHashKey must be at least {LimitsOptions.MinAddressHashKeyLength} characters")
            .ValidateOnStart();
        services.AddSingleton<AddressHasher>();
        services.AddSingleton<KeyedLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((o, limits) =>
        {
            var l = limits.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => RefuseAsync(context.HttpContext, context.Lease);
            PerAddress(o, Filing, l.Filing);
            PerAddress(o, Support, l.Support);
            PerAddress(o, SignIn, l.SignIn);
            PerAddress(o, HeavyQueries, l.HeavyQueries);
            // An endpoint takes one policy, so the second half of the heavy-query rule, how many of one address's requests
            // compute at once, is the global limiter, which passes every other endpoint through.
            var concurrency = new ConcurrencyLimiterOptions
            {
                PermitLimit = l.HeavyQueriesConcurrent,
                QueueLimit = l.HeavyQueriesQueued,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            };
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == HeavyQueries
                    ? RateLimitPartition.GetConcurrencyLimiter(ClientAddress.Of(context), _ => concurrency)
                    : RateLimitPartition.GetNoLimiter(""));
        });
        return services;
    }

    /// <summary>After the staff sign-in (so it could key by account later) and before the endpoints.</summary>
    public static WebApplication UseAbuseLimits(this WebApplication app)
    {
        // Made now rather than at the first support, so a missing key is reported when the service starts.
        app.Services.GetRequiredService<AddressHasher>();
        app.UseRateLimiter();
        return app;
    }

    private static void PerAddress(RateLimiterOptions options, string policy, TokenBucket bucket)
    {
        var settings = bucket.ToOptions();
        options.AddPolicy(policy, context => RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(context), _ => settings));
    }

    /// <summary>The wait a refused lease names, in whole seconds (at least 1); a concurrency cap names none: 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? RetryAfterSeconds(wait) : 1;

    public static int RetryAfterSeconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);

    private static async ValueTask RefuseAsync(HttpContext context, RateLimitLease lease)
    {
        var seconds = RetryAfterSeconds(lease);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Result(TooManyRequests(seconds)).ExecuteAsync(context);
    }

    public static ProblemDetails TooManyRequests(int retryAfterSeconds)
    {
        var problem = Problems.Create(StatusCodes.Status429TooManyRequests, "too_many_requests",
            new Bilingual("Terlalu banyak permintaan", "Too many requests"),
            new Bilingual($"Terlalu banyak permintaan dari alamat jaringan ini dalam waktu singkat. Coba lagi dalam {retryAfterSeconds} detik.",
                $"Too many requests from this network address in a short time. Try again in {retryAfterSeconds} seconds."));
        problem.Extensions["retryAfterSeconds"] = retryAfterSeconds;
        return problem;
    }
}

/// <summary>
/// Limits keyed by what only a handler knows: the Open311 channel key (known once the form is read and the key checked)
/// and the hub connection. Partitioned limiters refill on one shared timer and forget idle partitions.
/// </summary>
public sealed class KeyedLimits(IOptions<LimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<int> _open311 = PartitionedRateLimiter.Create<int, int>(keyId =>
        RateLimitPartition.GetTokenBucketLimiter(keyId, _ => options.Value.Open311.ToOptions()));

    private readonly PartitionedRateLimiter<string> _hubWatchCalls = PartitionedRateLimiter.Create<string, string>(connectionId =>
        RateLimitPartition.GetTokenBucketLimiter(connectionId, _ => options.Value.HubWatchCalls.ToOptions()));

    public int HubWatchedTickets => options.Value.HubWatchedTickets;

    /// <summary>Takes one filing from the key's bucket; false with the wait when it is empty.</summary>
    public bool TryOpen311Filing(int channelKeyId, out int retryAfterSeconds) => TryTake(_open311, channelKeyId, out retryAfterSeconds);

    /// <summary>Takes one watch call from the connection's bucket; false with the wait when it is empty.</summary>
    public bool TryHubWatchCall(string connectionId, out int retryAfterSeconds) => TryTake(_hubWatchCalls, connectionId, out retryAfterSeconds);

    private static bool TryTake<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key, out int retryAfterSeconds)
    {
        using var lease = limiter.AttemptAcquire(key);
        retryAfterSeconds = lease.IsAcquired ? 0 : AbuseLimits.RetryAfterSeconds(lease);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _open311.Dispose();
        _hubWatchCalls.Dispose();
    }
}
