using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.Live;

/// <summary>
/// Delivers committed live events to SignalR groups in sequence order. Writers hand their events over after their
/// commit (<see cref="Publish"/>, which never blocks); two writers that commit seq 7 then 8 may hand them over as 8
/// then 7, so an event waits here until every lower sequence has been delivered. A transaction that rolled back after
/// taking a sequence leaves a hole that nobody will fill, so a hole is skipped once the event above it has waited
/// <see cref="GapWait"/>. An event that arrives after its hole was skipped is still delivered, late, rather than lost.
/// With several instances each one sees only its own events and would wait out the others' sequences; a
/// multi-instance deployment should publish from one place (the log itself), not from every writer.
/// </summary>
public sealed class LiveBroadcaster(IHubContext<LiveHub, ILiveClient> hub, IDbContextFactory<UjarDb> dbFactory,
    ILogger<LiveBroadcaster> logger) : BackgroundService
{
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(1);

    private readonly Channel<LiveEventRecord> _committed = Channel.CreateUnbounded<LiveEventRecord>(new UnboundedChannelOptions { SingleReader = true });

    // Touched only by the delivery loop.
    private readonly SortedDictionary<long, LiveEventRecord> _held = new();
    private long? _nextSeq;
    private long? _gapNoticedAt;

    /// <summary>Hands over events whose transaction has committed. Call it after the commit, never before.</summary>
    public void Publish(IEnumerable<LiveEventRecord> committed)
    {
        foreach (var record in committed) _committed.Writer.TryWrite(record);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read before the server takes requests, so the first event after a restart is not mistaken for one after a hole.
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            _nextSeq = await LiveEvents.LastSeqAsync(db, cancellationToken) + 1;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not read the last live event sequence; the first published event sets it");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var arrivals = _committed.Reader;
        try
        {
            while (true)
            {
                while (arrivals.TryRead(out var record)) await AcceptAsync(record);
                await DeliverInOrderAsync();
                if (_held.Count == 0)
                {
                    await arrivals.WaitToReadAsync(stoppingToken);
                    continue;
                }
                // Something waits behind a hole: wake up for a new arrival or when the hole may be skipped.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wake.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (GapWait - Stopwatch.GetElapsedTime(_gapNoticedAt!.Value)).Ticks)));
                try
                {
                    await arrivals.WaitToReadAsync(wake.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task AcceptAsync(LiveEventRecord record)
    {
        _nextSeq ??= record.Seq;
        if (record.Seq >= _nextSeq)
        {
            _held[record.Seq] = record;
            return;
        }
        logger.LogWarning("Live event {Seq} arrived after its place was skipped; delivered out of order", record.Seq);
        await SendAsync(record);
    }

    private async Task DeliverInOrderAsync()
    {
        while (_held.Count > 0)
        {
            var (seq, record) = _held.First();
            if (seq != _nextSeq)
            {
                _gapNoticedAt ??= Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(_gapNoticedAt.Value) < GapWait) return;
                logger.LogDebug("Live event sequence skips {From}–{To} (rolled back)", _nextSeq, seq - 1);
            }
            _held.Remove(seq);
            _nextSeq = seq + 1;
            _gapNoticedAt = null;
            await SendAsync(record);
        }
    }

    private async Task SendAsync(LiveEventRecord record)
    {
        try
        {
            await hub.Clients.Groups(LiveGroups.For(record)).Event(LiveEventDto.From(record));
        }
        catch (Exception ex)
        {
            // One failed send must not stop the live map for everyone; clients catch up from /api/events.
            logger.LogError(ex, "Could not deliver live event {Seq}", record.Seq);
        }
    }
}
