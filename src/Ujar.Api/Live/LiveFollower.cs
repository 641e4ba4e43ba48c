using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Live;

/// <summary>
/// Delivers the live event log (<c>live_events</c>) to SignalR in sequence order, from the log itself: reads the
/// events after its cursor, sends each to its groups, moves the cursor. Appends commit in sequence order
/// (<see cref="LiveEvents.AppendAsync"/>), so a missing number is a rolled-back transaction, never one still on its
/// way, and nothing waits for it. Every append notifies <see cref="LiveEvents.NotifyChannel"/> on commit, which wakes
/// the follower at once; a read every <see cref="PollInterval"/> is the safety net.
/// <para>
/// Without a Redis backplane every instance follows the log and sends to its own connections. With one
/// (<c>ConnectionStrings:Redis</c>) a single instance follows and publishes through the backplane, which reaches every
/// instance's connections, so each event reaches each client once: the leader, which holds a session-level advisory
/// lock on its listening connection. The others try for the lock every <see cref="LeaderRetry"/>; the lock ends with
/// the leader's connection (the process died, or its database connection did), so another takes over within about
/// that long. It starts after the last sequence the leader announced on <see cref="DeliveredChannel"/> (at most every
/// <see cref="AnnounceInterval"/>), so a handover repeats a few events at worst (clients drop repeats by seq) and
/// skips none.
/// </para>
/// </summary>
public sealed class LiveFollower(IHubContext<LiveHub, ILiveClient> hub, IDbContextFactory<UjarDb> dbFactory, IConfiguration configuration,
    ILogger<LiveFollower> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LeaderRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromMilliseconds(250);
    public const string DeliveredChannel = "ujar_live_delivered";
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);
    private const int BatchSize = 500;

    // Touched only by the loop in ExecuteAsync (the notification handler runs inside its awaits).
    private long? _cursor;
    private long _announced;
    private long _announcedAt;
    private int _failedSends;
    private volatile bool _delivering;

    /// <summary>True while this instance follows the log and sends: always once connected without a backplane, only on
    /// the leader with one.</summary>
    public bool IsDelivering => _delivering;

    private bool LeaderOnly => LiveApi.RedisConnectionString(configuration) is not null;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read before the server takes requests, so every event committed from then on is delivered.
        try
        {
            _cursor = await LastSeqAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not read the last live event sequence; following from wherever the log is when the database answers");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await OpenAsync(stoppingToken);
                // A database restored from a backup numbers again from below the cursor: follow it from its end.
                var last = await LastSeqAsync(stoppingToken);
                if (_cursor is null || _cursor > last) _cursor = last;
                if (LeaderOnly) await LeadAsync(connection, stoppingToken);
                await CommandAsync(connection, $"LISTEN {LiveEvents.NotifyChannel}", stoppingToken);
                _delivering = true;
                await FollowAsync(connection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // The database restarting, or the connection cut: followers and leaders alike start again, and a leader
                // that lost its connection lost its lock with it.
                _delivering = false;
                logger.LogWarning(ex, "Following the live event log failed; reconnecting in {Delay}", ReconnectDelay);
                await Task.Delay(ReconnectDelay, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
            finally
            {
                if (connection is not null)
                {
                    // A leader stopping says how far it got, so the next one repeats nothing.
                    if (_delivering && LeaderOnly) await TryAnnounceAsync(connection);
                    _delivering = false;
                    await connection.DisposeAsync();
                }
            }
        }
    }

    private async Task FollowAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var idle = false;
        while (true)
        {
            while (await DeliverNextAsync(ct) == BatchSize) { }
            if (LeaderOnly && _cursor > _announced && (idle || Stopwatch.GetElapsedTime(_announcedAt) >= AnnounceInterval))
                await AnnounceAsync(connection, ct);
            // Returns at the first notification (an append committed) or when the poll interval has passed.
            idle = !await connection.WaitAsync(PollInterval, ct);
        }
    }

    /// <summary>Sends the next events after the cursor; returns how many were read.</summary>
    private async Task<int> DeliverNextAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var after = _cursor!.Value;
        var events = await db.LiveEvents.AsNoTracking().Where(e => e.Seq > after).OrderBy(e => e.Seq).Take(BatchSize).ToListAsync(ct);
        foreach (var record in events)
        {
            await SendAsync(record);
            _cursor = record.Seq;
        }
        return events.Count;
    }

    private async Task SendAsync(LiveEventRecord record)
    {
        try
        {
            await hub.Clients.Groups(LiveGroups.For(record)).Event(LiveEventDto.From(record));
            if (_failedSends > 0) logger.LogWarning("Live delivery works again; {Count} events could not be sent", _failedSends);
            _failedSends = 0;
        }
        catch (Exception ex)
        {
            // One failed send (the backplane away) must not stop the live map: the event stays in the log, and clients
            // catch up from /api/events. Logged once per outage, not once per event.
            if (_failedSends++ == 0) logger.LogError(ex, "Could not deliver live event {Seq}; later failures are counted until a send works", record.Seq);
        }
    }

    /// <summary>
    /// Waits until this instance holds the leader's lock. Meanwhile it hears the leader's announcements, so it knows where
    /// to go on from; the cursor read at start counts as announced (a running leader is milliseconds behind the log).
    /// </summary>
    private async Task LeadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        void Heard(object sender, NpgsqlNotificationEventArgs e)
        {
            if (e.Channel == DeliveredChannel && long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > _cursor)
                _cursor = seq;
        }

        connection.Notification += Heard;
        try
        {
            await CommandAsync(connection, $"LISTEN {DeliveredChannel}", ct);
            var waiting = false;
            while (!await TryLockAsync(connection, ct))
            {
                if (!waiting) logger.LogInformation("Another instance delivers the live events; standing by");
                waiting = true;
                var waited = Stopwatch.StartNew();
                while (waited.Elapsed < LeaderRetry) await connection.WaitAsync(LeaderRetry - waited.Elapsed, ct);
            }
            await CommandAsync(connection, $"UNLISTEN {DeliveredChannel}", ct);
        }
        finally
        {
            connection.Notification -= Heard;
        }
        _announced = _cursor!.Value;
        logger.LogInformation("Delivering the live events through the backplane, after sequence {Seq}", _cursor);
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('ujar.live-leader'))", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task AnnounceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var seq = _cursor!.Value;
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{DeliveredChannel}', $1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = seq.ToString(CultureInfo.InvariantCulture) });
        await command.ExecuteNonQueryAsync(ct);
        _announced = seq;
        _announcedAt = Stopwatch.GetTimestamp();
    }

    private async Task TryAnnounceAsync(NpgsqlConnection connection)
    {
        if (_cursor <= _announced) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await AnnounceAsync(connection, timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogDebug(ex, "Could not announce the last delivered live event");
        }
    }

    /// <summary>
    /// The follower's own connection, outside the pool: a pooled one would keep a session lock (and LISTEN) after being
    /// handed back, and the lock must end with the connection. Announcements need no durability, so they do not wait
    /// for a disk flush.
    /// </summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(UjarSetup.ConnectionString(configuration))
        {
            Pooling = false,
            ApplicationName = "ujar live follower",
        }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await CommandAsync(connection, "SET synchronous_commit = off", ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task CommandAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<long> LastSeqAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LiveEvents.LastSeqAsync(db, ct);
    }
}
