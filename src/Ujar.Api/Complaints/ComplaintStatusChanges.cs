using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Live;

namespace Ujar.Api.Complaints;

/// <summary>
/// Moves a complaint to another status: the timeline step, the complaint itself and the live event commit together.
/// Any status may follow any other for now; the staff workflow (with accounts) brings the allowed transitions.
/// </summary>
public static class ComplaintStatusChanges
{
    public abstract record Outcome;
    public sealed record Changed(StatusChange Step, long Seq) : Outcome;
    public sealed record NotFound : Outcome;
    /// <summary>The complaint already has that status: nothing recorded, so the timeline never shows a step that did nothing.</summary>
    public sealed record AlreadyInStatus : Outcome;
    /// <summary>The complaint changed (status, supports) between reading and writing it; nothing was stored (for staff: 409, reload and retry).</summary>
    public sealed record ChangedMeanwhile : Outcome;

    public static async Task<Outcome> ChangeAsync(UjarDb db, LiveBroadcaster live, string ticket, ComplaintStatus to, string? note,
        CancellationToken ct)
    {
        ticket = ticket.Trim().ToUpperInvariant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var complaint = await db.Complaints.SingleOrDefaultAsync(c => c.Ticket == ticket, ct);
        if (complaint is null) return new NotFound();
        if (complaint.Status == to) return new AlreadyInStatus();

        var at = DateTime.UtcNow;
        var step = new StatusChange { ComplaintId = complaint.Id, From = complaint.Status, To = to, Note = note, At = at };
        db.StatusChanges.Add(step);
        complaint.Status = to;
        try
        {
            // The UPDATE checks the row version (xmin) read above: a concurrent change makes it touch no row.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ChangedMeanwhile();
        }
        var changed = LiveEvents.Of(LiveEventType.StatusChanged, complaint, at);
        await LiveEvents.AppendAsync(db, [changed], ct);
        await tx.CommitAsync(ct);
        live.Publish([changed]);
        return new Changed(step, changed.Seq);
    }
}
