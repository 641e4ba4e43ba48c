using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Accounts;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Routing;

namespace Ujar.Api.Complaints;

/// <summary>Who asks for a status change. <see cref="OpdCode"/> null means any OPD (admins, the reporter, Ujar itself).</summary>
public sealed record ChangeActor(Actors Kind, string Role, string? UserId = null, string? Name = null, string? OpdCode = null,
    string? ReporterToken = null)
{
    public static ChangeActor Of(StaffScope staff) =>
        new(staff.Actor, staff.Role, staff.UserId, staff.DisplayName, staff.IsAdmin ? null : staff.OpdCode);

    public static ChangeActor Reporter(string? token) => new(Actors.Reporter, "reporter", ReporterToken: token);

    public static readonly ChangeActor System = new(Actors.System, "system");
}

/// <summary>
/// What to change. <see cref="ExpectedVersion"/> is the complaint's <c>version</c> as the client last read it: when
/// given and no longer current, nothing is written (409). <see cref="Position"/> is where the person making the step
/// says they are (EPSG:4326); <see cref="Photos"/> are already written to disk and are attached to the step.
/// <see cref="Assignee"/> is the crew account a move to Didisposisikan names (one of the complaint's OPD's crews).
/// </summary>
public sealed record ChangeRequest(ComplaintStatus To, string? Note = null, string? DuplicateOf = null, string? TargetOpd = null,
    uint? ExpectedVersion = null, Point? Position = null, IReadOnlyList<(ProcessedPhoto Photo, PhotoKind Kind)>? Photos = null,
    string? InternalNote = null, string? Assignee = null);

/// <summary>
/// Moves a complaint to another status: the timeline steps, the complaint itself, its photos and the live events commit
/// together. Only the moves of <see cref="Lifecycle"/> are made, and only by the actors its table names.
/// </summary>
public static class ComplaintStatusChanges
{
    /// <summary>A step sent from farther than this from the pin is kept but flagged for staff review.</summary>
    public const double ReviewDistanceMeters = 100;

    public abstract record Outcome;
    /// <summary><paramref name="Steps"/>: one, or two for a re-route (Bukan Wewenang, then Diterima at the new OPD).</summary>
    public sealed record Changed(Complaint Complaint, IReadOnlyList<StatusChange> Steps, long Seq) : Outcome;
    public sealed record NotFound : Outcome;
    /// <summary>Another OPD's complaint, a role the move is not for, or a wrong reporter token (403).</summary>
    public sealed record Forbidden : Outcome;
    /// <summary>The complaint already has that status: nothing recorded, so the timeline never shows a step that did nothing.</summary>
    public sealed record AlreadyInStatus(ComplaintStatus Status) : Outcome;
    /// <summary>The complaint changed (status, supports) since the client read it; nothing was stored (409: reload and retry).</summary>
    public sealed record ChangedMeanwhile(uint CurrentVersion) : Outcome;
    /// <summary>The lifecycle refuses this move, or something it needs is missing (409 with the allowed transitions).</summary>
    public sealed record NotAllowed(Lifecycle.Refusal Refusal) : Outcome;
    /// <summary>The original of a duplicate belongs to an OPD the actor does not work for (403): its supporters would be
    /// changed by someone who may not touch it.</summary>
    public sealed record OriginalOutOfScope(string Original, string OriginalOpd) : Outcome;
    /// <summary>The assignee named is no crew account of the complaint's OPD, or the move is not to Didisposisikan (422).</summary>
    public sealed record AssigneeRefused(string Assignee, string Opd, bool WrongMove) : Outcome;

    public static Task<Outcome> ChangeAsync(UjarDb db, string ticket, ChangeRequest request, ChangeActor actor,
        CancellationToken ct) => ChangeAsync(db, ticket, request, actor, DateTime.UtcNow, ct);

    /// <summary>The change as made at <paramref name="atUtc"/>: the time its steps, photos and live events carry. The deadline
    /// watcher passes the moment it judged by; the demo history passes the moments it plays.</summary>
    public static async Task<Outcome> ChangeAsync(UjarDb db, string ticket, ChangeRequest request, ChangeActor actor,
        DateTime atUtc, CancellationToken ct)
    {
        ticket = ticket.Trim().ToUpperInvariant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var complaint = await db.Complaints.SingleOrDefaultAsync(c => c.Ticket == ticket, ct);
        if (complaint is null) return new NotFound();
        if (!MayTouch(actor, complaint)) return new Forbidden();
        if (complaint.Status == request.To) return new AlreadyInStatus(complaint.Status);
        if (request.ExpectedVersion is { } expected && expected != complaint.Version) return new ChangedMeanwhile(complaint.Version);

        var hasAfterPhoto = request.Photos?.Any(p => p.Kind == PhotoKind.After) == true
                            || await db.Photos.AnyAsync(p => p.ComplaintId == complaint.Id && p.Kind == PhotoKind.After, ct);
        // An original that does not exist (or is this complaint), or a target OPD that does not exist (or already holds
        // it), counts as none given.
        var original = request.DuplicateOf?.Trim().ToUpperInvariant() is { Length: > 0 } o && o != ticket
            ? await db.Complaints.SingleOrDefaultAsync(c => c.Ticket == o, ct)
            : null;
        // Marking a duplicate moves its supporters onto the original, which changes the original too: staff may do that
        // only when it is also their OPD's; across OPDs it is an admin's call.
        if (request.To == ComplaintStatus.Duplicate && original is not null && !MayTouch(actor, original))
            return new OriginalOutOfScope(original.Ticket, original.OpdCode);
        var targetOpd = request.TargetOpd?.Trim().ToLowerInvariant() is { Length: > 0 } t && t != complaint.OpdCode
                        && await db.Opds.AnyAsync(x => x.Code == t, ct)
            ? t
            : null;
        if (Lifecycle.Check(complaint.Status, request.To, request.Note, hasAfterPhoto, original?.Ticket, targetOpd) is { } refusal)
            return new NotAllowed(refusal);
        var transition = Lifecycle.AllowedFrom(complaint.Status).Single(x => x.To == request.To);
        if (!transition.By.HasFlag(actor.Kind)) return new Forbidden();
        if (request.Assignee is { } assignee)
        {
            if (request.To != ComplaintStatus.Assigned) return new AssigneeRefused(assignee, complaint.OpdCode, WrongMove: true);
            if (!await db.CrewOf(complaint.OpdCode).AnyAsync(u => u.Id == assignee, ct))
                return new AssigneeRefused(assignee, complaint.OpdCode, WrongMove: false);
        }

        var at = DateTime.SpecifyKind(atUtc, DateTimeKind.Utc);
        var distance = request.Position is { } position ? MetersBetween(position, complaint.Location) : (double?)null;
        var step = Step(complaint, request.To, request.Note, actor, at);
        step.InternalNote = string.IsNullOrWhiteSpace(request.InternalNote) ? null : request.InternalNote.Trim();
        step.DistanceFromPinMeters = distance;
        step.NeedsReview = distance > ReviewDistanceMeters;
        // A new assignment replaces the last one (a reopened complaint may go to another crew member).
        if (request.To == ComplaintStatus.Assigned) complaint.AssigneeId = request.Assignee;
        var steps = new List<StatusChange> { step };
        var events = new List<LiveEventRecord> { LiveEvents.Of(LiveEventType.StatusChanged, complaint, at) };

        if (request.To == ComplaintStatus.NotOurRemit)
        {
            // The new OPD receives it afresh; the steps before stay in the timeline, and with them the deadline history.
            complaint.OpdCode = targetOpd!;
            complaint.AssigneeId = null;   // the old OPD's crew no longer works it
            steps.Add(Step(complaint, ComplaintStatus.Received, null, actor, at.AddTicks(TimeSpan.TicksPerMicrosecond)));
            events.Add(LiveEvents.Of(LiveEventType.StatusChanged, complaint, at));
        }
        if (request.To == ComplaintStatus.Duplicate) complaint.DuplicateOfId = original!.Id;
        db.StatusChanges.AddRange(steps);
        try
        {
            // The UPDATE checks the row version (xmin) read above: a concurrent change makes it touch no row.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // complaint.Version is what this request read, which is stale now: the client retries with the committed one.
            return new ChangedMeanwhile(await db.Complaints.AsNoTracking().Where(c => c.Id == complaint.Id).Select(c => c.Version).SingleAsync(ct));
        }

        if (request.Photos is { Count: > 0 } photos)
        {
            db.Photos.AddRange(photos.Select((p, i) => new Photo
            {
                Id = p.Photo.Id, ComplaintId = complaint.Id, Kind = p.Kind, Width = p.Photo.Width, Height = p.Photo.Height,
                Bytes = p.Photo.Jpeg.Length, CreatedAt = at.AddTicks(i * TimeSpan.TicksPerMicrosecond), StatusChangeId = step.Id,
            }));
            await db.SaveChangesAsync(ct);
        }
        if (original is not null) events.Add(await MoveSupportersAsync(db, complaint, original, at, ct));

        await LiveEvents.AppendAsync(db, events, ct);
        await tx.CommitAsync(ct);
        return new Changed(complaint, steps, events[^1].Seq);
    }

    private static bool MayTouch(ChangeActor actor, Complaint complaint) => actor.Kind switch
    {
        Actors.Reporter => ReporterToken.Matches(actor.ReporterToken, complaint.ReporterTokenHash),
        Actors.System => true,
        Actors.Staff or Actors.Crew => actor.OpdCode is null || actor.OpdCode == complaint.OpdCode,
        _ => false,
    };

    private static StatusChange Step(Complaint complaint, ComplaintStatus to, string? note, ChangeActor actor, DateTime at)
    {
        var step = new StatusChange
        {
            ComplaintId = complaint.Id, From = complaint.Status, To = to, Note = note, At = at,
            ActorId = actor.UserId, ActorRole = actor.Role, ActorName = actor.Name, OpdCode = complaint.OpdCode,
        };
        complaint.Status = to;
        return step;
    }

    /// <summary>The duplicate's supporters now back the original (a device that backed both counts once there), with the
    /// client address each came from, so the per-address count of the original holds them too.</summary>
    private static async Task<LiveEventRecord> MoveSupportersAsync(UjarDb db, Complaint duplicate, Complaint original, DateTime at,
        CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO supports (complaint_id, device_token_hash, address_hash, created_at)
            SELECT {original.Id}, device_token_hash, address_hash, created_at FROM supports WHERE complaint_id = {duplicate.Id}
            ON CONFLICT DO NOTHING
            """, ct);
        await db.Database.ExecuteSqlAsync($"DELETE FROM supports WHERE complaint_id = {duplicate.Id}", ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE complaints c SET support_count = (SELECT count(*) FROM supports s WHERE s.complaint_id = c.id)
            WHERE c.id IN ({duplicate.Id}, {original.Id})
            """, ct);
        await db.Entry(original).ReloadAsync(ct);
        await db.Entry(duplicate).ReloadAsync(ct);
        return LiveEvents.Of(LiveEventType.SupportChanged, original, at);
    }

    private static double MetersBetween(Point a, Point b)
    {
        var (ax, ay) = MetricProjection.Project(a.X, a.Y);
        var (bx, by) = MetricProjection.Project(b.X, b.Y);
        return Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
    }
}
