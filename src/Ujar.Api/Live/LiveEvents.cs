using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;

namespace Ujar.Api.Live;

/// <summary>Appends to the live event log (<c>live_events</c>) and reads it back.</summary>
public static class LiveEvents
{
    public static LiveEventRecord Of(LiveEventType type, Complaint complaint, DateTime atUtc) => new()
    {
        Type = type,
        ComplaintId = complaint.Id,
        Ticket = complaint.Ticket,
        Category = complaint.CategoryCode,
        Status = ComplaintStatuses.ToApi(complaint.Status),
        KecamatanCode = complaint.KecamatanCode,
        OpdCode = complaint.OpdCode,
        Lat = complaint.Location.Y,
        Lon = complaint.Location.X,
        SupportCount = complaint.SupportCount,
        At = atUtc,
    };

    /// <summary>The channel every append notifies in its transaction: PostgreSQL delivers it on commit, and
    /// <see cref="LiveFollower"/> reads the log at once instead of at its next poll.</summary>
    public const string NotifyChannel = "ujar_live";

    /// <summary>
    /// Inserts <paramref name="events"/> inside the caller's open transaction and fills in their <c>Seq</c>.
    /// An identity column alone hands out numbers in insert order, not commit order: a reader could see seq 8
    /// committed while seq 7 is still in flight, move its cursor past 7 and never see it. The transaction-scoped
    /// advisory lock makes appends (and so commits) take turns across every instance, so when a reader sees seq N
    /// every lower seq that will ever commit is already visible. Call it after your own writes, right before the
    /// commit: the lock is held until then, and waiting for a row lock while holding it would stall every writer.
    /// The same statement queues <c>NOTIFY ujar_live</c>, sent only if the transaction commits.
    /// </summary>
    public static async Task AppendAsync(UjarDb db, IReadOnlyCollection<LiveEventRecord> events, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Live events are appended inside the transaction that makes the change they describe.");
        if (events.Count == 0) return;
        await db.Database.ExecuteSqlRawAsync(
            $"SELECT pg_advisory_xact_lock(hashtext('ujar.live-events')), pg_notify('{NotifyChannel}', '')", ct);
        db.LiveEvents.AddRange(events);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The newest committed sequence number (0 when the log is empty).</summary>
    public static async Task<long> LastSeqAsync(UjarDb db, CancellationToken ct) =>
        await db.LiveEvents.MaxAsync(e => (long?)e.Seq, ct) ?? 0;
}
