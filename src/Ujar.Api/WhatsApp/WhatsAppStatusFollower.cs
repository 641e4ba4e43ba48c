using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// Tells WhatsApp reporters when their complaint's status changes, by following the live event log from a durable
/// cursor. One transaction locks the cursor row, reads the next events, queues one outbox row per change (unique key:
/// the event's sequence) and moves the cursor; two instances therefore take turns on the cursor and a change gives at
/// most one row. Sequences become visible in commit order (<see cref="LiveEvents.AppendAsync"/>), so the cursor never
/// passes a change still being committed. A re-route is two events: the intermediate "not our remit" is not sent, and
/// the "received" that follows says the complaint was forwarded to the new OPD, with the reason. Each message carries
/// the step's public note, never the internal one.
/// </summary>
public sealed class WhatsAppStatusFollower(IDbContextFactory<UjarDb> dbFactory, WhatsAppOutboxSender outbox, IOptions<PublicSite> site,
    IOptions<WhatsAppOptions> options, TimeProvider clock, ILogger<WhatsAppStatusFollower> logger) : BackgroundService
{
    public const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds));
            do
            {
                try
                {
                    int read, queued = 0;
                    do
                    {
                        (read, var added) = await FollowAsync(stoppingToken);
                        queued += added;
                    }
                    while (read == BatchSize);
                    if (queued > 0) outbox.Wake();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Following status changes for WhatsApp failed; trying again");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads up to <see cref="BatchSize"/> events after the cursor; returns how many were read and how many messages queued.</summary>
    public async Task<(int Read, int Queued)> FollowAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The first start begins at the end of the log: changes from before WhatsApp was set up are not news.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO whatsapp_status_cursor (id, last_seq) SELECT {WhatsAppStatusCursor.RowId}, coalesce(max(seq), 0) FROM live_events
            ON CONFLICT (id) DO NOTHING
            """, ct);
        var cursor = (await db.WhatsAppStatusCursor
            .FromSql($"SELECT * FROM whatsapp_status_cursor WHERE id = {WhatsAppStatusCursor.RowId} FOR UPDATE").ToListAsync(ct)).Single();
        var events = await db.LiveEvents.AsNoTracking().Where(e => e.Seq > cursor.LastSeq).OrderBy(e => e.Seq).Take(BatchSize).ToListAsync(ct);
        if (events.Count == 0)
        {
            // Committed all the same: the cursor row made just now must stay where the log ended.
            await tx.CommitAsync(ct);
            return (0, 0);
        }

        var changes = events.Where(e => e.Type == LiveEventType.StatusChanged).ToList();
        var ids = changes.Select(e => e.ComplaintId).Distinct().ToList();
        var reporters = await (
                from r in db.WhatsAppReports
                join c in db.Complaints on r.ComplaintId equals c.Id
                where ids.Contains(r.ComplaintId) && c.ReporterPhone != null
                select new { r.ComplaintId, r.Language, c.ReporterPhone, c.IsDemo })
            .ToDictionaryAsync(x => x.ComplaintId, ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var queued = 0;
        foreach (var change in changes)
        {
            if (!reporters.TryGetValue(change.ComplaintId, out var reporter) || !ComplaintStatuses.TryParse(change.Status, out var status)) continue;
            if (status == ComplaintStatus.NotOurRemit) continue;
            var waId = reporter.ReporterPhone!.TrimStart('+');
            if (waId.Length == 0 || !waId.All(char.IsAsciiDigit)) continue;

            var url = site.Value.TrackingUrl(change.Ticket);
            Bilingual text;
            if (status == ComplaintStatus.Received)
            {
                // Only a re-route leads back to Diterima: the complaint now sits with the OPD this event names.
                var reason = await NoteAsync(db, change.ComplaintId, ComplaintStatus.NotOurRemit, change.At, ct);
                text = WhatsAppTexts.Forwarded(change.Ticket, await WhatsAppConversations.OpdNamesAsync(db, change.OpdCode, ct), reason, url);
            }
            else
            {
                var label = Lifecycle.Label[status];
                text = WhatsAppTexts.StatusChanged(change.Ticket, new Bilingual(label.Id, label.En),
                    await NoteAsync(db, change.ComplaintId, status, change.At, ct), url);
            }
            var body = reporter.Language == ChatLanguage.English ? text.En : text.Id;
            if (await WhatsAppOutbox.EnqueueAsync(db, $"status:{change.Seq}", waId, GraphMessages.Text(body), reporter.IsDemo, change.ComplaintId, now, ct))
                queued++;
        }
        cursor.LastSeq = events[^1].Seq;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (events.Count, queued);
    }

    /// <summary>
    /// The public note of the step an event announced: the latest step of the complaint to <paramref name="to"/> made by
    /// the event's time. The two steps of a re-route are a microsecond apart; a later step to the same status (assigned
    /// again after a reopening) comes after the event's time and is left out.
    /// </summary>
    private static async Task<string?> NoteAsync(UjarDb db, long complaintId, ComplaintStatus to, DateTime at, CancellationToken ct)
    {
        var upTo = at.AddMilliseconds(1);
        var note = await db.StatusChanges.AsNoTracking()
            .Where(s => s.ComplaintId == complaintId && s.To == to && s.At <= upTo)
            .OrderByDescending(s => s.At).ThenByDescending(s => s.Id)
            .Select(s => s.Note)
            .FirstOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(note) ? null : note.Trim();
    }
}
