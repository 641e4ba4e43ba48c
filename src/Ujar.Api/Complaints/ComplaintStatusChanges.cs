using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Photos;

namespace Ujar.Api.Complaints;

/// <summary>
/// Moves a complaint to another status: the timeline step, the complaint itself and the live event commit together.
/// Only the moves of <see cref="Lifecycle"/> are made; who may make them comes with the staff accounts.
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
    /// <summary>The lifecycle refuses this move, or something it needs is missing (for staff: 409 with the allowed transitions).</summary>
    public sealed record NotAllowed(Lifecycle.Refusal Refusal) : Outcome;

    public static async Task<Outcome> ChangeAsync(UjarDb db, LiveBroadcaster live, string ticket, ComplaintStatus to, string? note,
        string? duplicateOf, CancellationToken ct)
    {
        ticket = ticket.Trim().ToUpperInvariant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var complaint = await db.Complaints.SingleOrDefaultAsync(c => c.Ticket == ticket, ct);
        if (complaint is null) return new NotFound();
        if (complaint.Status == to) return new AlreadyInStatus();
        var hasAfterPhoto = await db.Photos.AnyAsync(p => p.ComplaintId == complaint.Id && p.Kind == PhotoKind.After, ct);
        // An original that does not exist (or is this complaint) counts as no original given.
        var original = duplicateOf?.Trim().ToUpperInvariant();
        if (original is not null && (original == ticket || !await db.Complaints.AnyAsync(c => c.Ticket == original, ct))) original = null;
        if (Lifecycle.Check(complaint.Status, to, note, hasAfterPhoto, original) is { } refusal) return new NotAllowed(refusal);

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
