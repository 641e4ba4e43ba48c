using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Ujar.Api.Live;

/// <summary>
/// <c>/healthz/ready</c>'s <c>redis</c> check: a PING to the backplane's Redis over a connection of its own (the
/// backplane does not expose its own). Redis away is <see cref="HealthStatus.Degraded"/>, not unhealthy: filing and every
/// page keep working and live maps catch up from <c>/api/events</c>, so taking every instance out of the load balancer
/// at once over it would turn a late map into an outage. Without <c>ConnectionStrings:Redis</c> the check reports
/// itself as not configured and the readiness answer leaves it out.
/// </summary>
public sealed class RedisReachable(IConfiguration configuration) : IHealthCheck, IAsyncDisposable
{
    public const string NotConfigured = "not configured";
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (LiveApi.RedisConnectionString(configuration) is not { } connectionString) return HealthCheckResult.Healthy(NotConfigured);
        try
        {
            var redis = await ConnectAsync(connectionString, ct);
            await redis.GetDatabase().PingAsync().WaitAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Redis unreachable: live pushes wait, clients catch up from /api/events", ex);
        }
    }

    /// <summary>One connection for the life of the process; StackExchange.Redis reconnects it by itself.</summary>
    private async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, CancellationToken ct)
    {
        if (_redis is { } connected) return connected;
        await _connecting.WaitAsync(ct);
        try
        {
            if (_redis is null)
            {
                var options = ConfigurationOptions.Parse(connectionString);
                options.AbortOnConnectFail = false;
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ConnectTimeout = 2000;
                _redis = await ConnectionMultiplexer.ConnectAsync(options);
            }
            return _redis;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        _connecting.Dispose();
    }
}
