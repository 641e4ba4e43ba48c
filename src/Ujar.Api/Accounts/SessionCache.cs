using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Accounts;

/// <summary>A session named by a sign-in: its id and the account it must belong to.</summary>
public readonly record struct SessionRef(Guid Id, string UserId)
{
    public static SessionRef? Of(ClaimsPrincipal user) =>
        Guid.TryParseExact(user.FindFirstValue(StaffClaims.Session), "N", out var id) && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId
            ? new SessionRef(id, userId)
            : null;
}

/// <summary>
/// The sessions this instance has lately found open, so that a signed-in request costs no database read (a crew's phone
/// polls its nearby tasks; a read per request was measured to halve that endpoint's rate). It stays right across instances
/// because every end of a session is announced by NOTIFY and <see cref="SessionListener"/> forgets that session here as
/// soon as it arrives; while the listener is not connected (starting, or its connection lost), nothing is trusted from
/// memory and every signed-in request reads its session. A remembered session is read again after <see cref="Lifetime"/>,
/// which also moves its sliding expiry. Open hub connections register here to be closed when their session ends.
/// Thread-safe: one instance per service.
/// </summary>
public sealed class SessionCache(IDbContextFactory<UjarDb> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private sealed record Known(string UserId, SessionKind Kind, DateTime ExpiresAt, DateTime CheckedAt);

    private sealed record Watched(string UserId, Dictionary<object, Action> Callbacks);

    private readonly ConcurrentDictionary<Guid, Known> _known = new();
    private readonly Dictionary<Guid, Watched> _watched = [];
    // Counts every forgetting; a check remembers what it read only if no forgetting happened while it read (see CheckAsync).
    private long _forgets;
    private volatile bool _trusted;

    /// <summary>The kind of the open session <paramref name="user"/> was signed in with; null when it has ended, expired or
    /// was never one (a sign-in naming no session, or another account's).</summary>
    public ValueTask<SessionKind?> CheckAsync(ClaimsPrincipal user, CancellationToken ct) =>
        SessionRef.Of(user) is { } session ? CheckAsync(session, touch: true, ct) : ValueTask.FromResult<SessionKind?>(null);

    private async ValueTask<SessionKind?> CheckAsync(SessionRef session, bool touch, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_trusted && _known.TryGetValue(session.Id, out var known) && known.UserId == session.UserId
            && known.CheckedAt > now.UtcDateTime - Lifetime && known.ExpiresAt > now.UtcDateTime)
            return known.Kind;

        var forgetsBefore = Interlocked.Read(ref _forgets);
        var trustedBefore = _trusted;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await Sessions.ReadOpenAsync(db, session.Id, now, touch, ct) is not { } open || open.UserId != session.UserId)
        {
            _known.TryRemove(session.Id, out _);
            return null;
        }
        if (trustedBefore)
        {
            // Remember first, then look: an end announced after the read began may have been forgotten before this line
            // ran, so what was just read is taken back unless no forgetting happened since.
            var entry = new Known(open.UserId, open.Kind, open.ExpiresAt, now.UtcDateTime);
            _known[session.Id] = entry;
            if (Interlocked.Read(ref _forgets) != forgetsBefore) _known.TryRemove(KeyValuePair.Create(session.Id, entry));
        }
        return open.Kind;
    }

    /// <summary>These sessions have ended: forget them and close what was watching them (hub connections).</summary>
    public void Ended(IEnumerable<Guid> sessionIds)
    {
        Interlocked.Increment(ref _forgets);
        var callbacks = new List<Action>();
        lock (_watched)
        {
            foreach (var id in sessionIds)
            {
                _known.TryRemove(id, out _);
                if (_watched.Remove(id, out var watched)) callbacks.AddRange(watched.Callbacks.Values);
            }
        }
        foreach (var callback in callbacks) callback();
    }

    /// <summary>Calls <paramref name="ended"/> once <paramref name="user"/>'s session ends; dispose to stop watching.</summary>
    public IDisposable Watch(ClaimsPrincipal user, Action ended)
    {
        if (SessionRef.Of(user) is not { } session) return new Unwatch(() => { });
        var key = new object();
        lock (_watched)
        {
            if (!_watched.TryGetValue(session.Id, out var watched)) _watched[session.Id] = watched = new Watched(session.UserId, []);
            watched.Callbacks[key] = ended;
        }
        return new Unwatch(() =>
        {
            lock (_watched)
            {
                if (_watched.TryGetValue(session.Id, out var watched) && watched.Callbacks.Remove(key) && watched.Callbacks.Count == 0)
                    _watched.Remove(session.Id);
            }
        });
    }

    /// <summary>
    /// Forgets what has not been checked for a while, and checks again every watched session: this closes connections whose
    /// session expired while they were open, or ended while the listener was away (a watched session's check does not
    /// count as use, so an open connection alone does not keep a session alive).
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var stale = clock.GetUtcNow().UtcDateTime - Lifetime;
        foreach (var (id, known) in _known)
            if (known.CheckedAt <= stale) _known.TryRemove(KeyValuePair.Create(id, known));

        List<SessionRef> watched;
        lock (_watched) watched = [.. _watched.Select(w => new SessionRef(w.Key, w.Value.UserId))];
        foreach (var session in watched)
            if (await CheckAsync(session, touch: false, ct) is null)
                Ended([session.Id]);
    }

    /// <summary>The listener is connected and hears every end from now on: memory may be trusted again, from empty.</summary>
    public void StartTrusting()
    {
        Interlocked.Increment(ref _forgets);
        _known.Clear();
        _trusted = true;
    }

    /// <summary>The listener lost its connection: ends announced now would go unheard.</summary>
    public void StopTrusting() => _trusted = false;

    private sealed class Unwatch(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}

/// <summary>
/// Hears <c>NOTIFY</c> on <see cref="Sessions.EndedChannel"/> and tells <see cref="SessionCache"/>, so a logout or an account
/// change on any instance ends the session here within moments. Its connection is its own, outside the pool (a service
/// with a small pool should not lend one of its connections to waiting), with keepalives so a dead connection is noticed.
/// </summary>
public sealed class SessionListener(SessionCache cache, IConfiguration configuration, ILogger<SessionListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(UjarSetup.ConnectionString(configuration))
                {
                    Pooling = false,
                    KeepAlive = (int)SessionCache.Lifetime.TotalSeconds,
                }.ConnectionString;
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => cache.Ended(ParseIds(e.Payload));
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Sessions.EndedChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                cache.StartTrusting();
                logger.LogInformation("Listening for ended sessions on {Channel}", Sessions.EndedChannel);
                var nextSweep = DateTime.UtcNow + SessionCache.Lifetime;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(SessionCache.Lifetime, stoppingToken);
                    if (DateTime.UtcNow < nextSweep) continue;
                    await cache.SweepAsync(stoppingToken);
                    nextSweep = DateTime.UtcNow + SessionCache.Lifetime;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                cache.StopTrusting();
                logger.LogWarning(ex, "Listening for ended sessions failed; every signed-in request reads its session until it works again");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private static IEnumerable<Guid> ParseIds(string payload) =>
        payload.Split(',').Select(text => Guid.TryParseExact(text, "N", out var id) ? id : (Guid?)null).OfType<Guid>();
}
