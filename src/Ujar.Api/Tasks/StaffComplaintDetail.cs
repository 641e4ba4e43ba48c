using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Photos;
using Ujar.Api.Routing;

namespace Ujar.Api.Tasks;

/// <summary>One step of the audit trail as staff see it: internal notes and who made it included.</summary>
public sealed record AuditStep(string? From, string To, DateTimeOffset At, string? Note, string? InternalNote, string? ActorRole,
    string? ActorName, string? Opd, bool NeedsReview, double? DistanceFromPinMeters, IReadOnlyList<PhotoView> Photos);

/// <summary>GET /api/staff/complaints/{ticket}: the staff view, the whole audit trail and the moves this person may make now.</summary>
public sealed record StaffComplaintDetailView(
    [property: JsonIgnore] StaffComplaint Complaint, IReadOnlyList<AuditStep> Timeline, IReadOnlyList<PhotoView> Photos,
    IReadOnlyList<AllowedMove> Allowed)
{
    // The complaint's fields sit at the top level beside the timeline, as the contract's "StaffComplaint + timeline".
    public string Ticket => Complaint.Ticket;
    public string Category => Complaint.Category;
    public string Status => Complaint.Status;
    public string Opd => Complaint.Opd;
    public string Channel => Complaint.Channel;
    public string? ChannelSource => Complaint.ChannelSource;
    public CodeName Kelurahan => Complaint.Kelurahan;
    public CodeName Kecamatan => Complaint.Kecamatan;
    public string Description => Complaint.Description;
    public double Lat => Complaint.Lat;
    public double Lon => Complaint.Lon;
    public DateTimeOffset CreatedAt => Complaint.CreatedAt;
    public int SupportCount => Complaint.SupportCount;
    public DeadlineView? Deadline => Complaint.Deadline;
    public uint Version => Complaint.Version;
    public bool NeedsReview => Complaint.NeedsReview;
    public ReporterContact? Reporter => Complaint.Reporter;
    public string? MediaLink => Complaint.MediaLink;
    public CrewMember? Assignee => Complaint.Assignee;
}

public static class StaffComplaintDetail
{
    public static async Task<IResult> GetAsync(string ticket, ClaimsPrincipal user, UjarDb db, ComplaintRouter router,
        WorkingCalendars calendars, TimeProvider clock, CancellationToken ct)
    {
        var scope = StaffScope.Of(user)!;
        var wanted = ticket.Trim().ToUpperInvariant();
        var row = await db.Complaints.AsNoTracking().Where(c => c.Ticket == wanted).SelectStaff(db).SingleOrDefaultAsync(ct);
        if (row is null) return TaskProblems.TicketNotFound(ticket);
        // Another OPD's complaint: not even its timeline, which names staff and carries internal notes.
        if (!scope.CanReadInternals(row.OpdCode)) return TaskProblems.Forbidden();

        var steps = await db.StatusChanges.AsNoTracking().Where(s => s.ComplaintId == row.Id).OrderBy(s => s.At).ThenBy(s => s.Id).ToListAsync(ct);
        var photos = await db.Photos.AsNoTracking().Where(p => p.ComplaintId == row.Id).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var photosByStep = photos.Where(p => p.StatusChangeId is not null).ToLookup(p => p.StatusChangeId!.Value);

        // The filing is the first step, as on the tracking page; the reporter's photos came with it.
        var timeline = new List<AuditStep>
        {
            new(null, ComplaintStatuses.ToApi(ComplaintStatus.Received), Wib.ToWib(row.CreatedAt), null, null, null, null, null, false, null,
                photos.Where(p => p.Kind == PhotoKind.Report && p.StatusChangeId is null).Select(p => p.ToView()).ToList()),
        };
        timeline.AddRange(steps.Select(s => new AuditStep(s.From is { } from ? ComplaintStatuses.ToApi(from) : null,
            ComplaintStatuses.ToApi(s.To), Wib.ToWib(s.At), s.Note, s.InternalNote, s.ActorRole, s.ActorName, s.OpdCode, s.NeedsReview,
            s.DistanceFromPinMeters is { } meters ? Math.Round(meters, 1) : null, photosByStep[s.Id].Select(p => p.ToView()).ToList())));

        var now = clock.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new StaffComplaintDetailView(row.ToStaff(router.Categories, calendars.Current, now, canReadInternals: true),
            timeline, photos.Select(p => p.ToView()).ToList(), StatusChangeResults.AllowedFor(row.Status, scope.Actor)));
    }
}
