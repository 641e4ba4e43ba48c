using NetTopologySuite.Geometries;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Tasks;

public sealed record ReporterContact(string? Name, string? Phone, string? Email);

/// <summary>A complaint as OPD staff, crews and admins see it: the public facts plus the door it came in by, the row version,
/// the review flag and, for those who may read them, the reporter's contacts and the link to media the reporter's system
/// holds. <see cref="ChannelSource"/> names the Open311 system (its channel key) that sent it; <see cref="Assignee"/> the crew
/// member it was assigned to.</summary>
public sealed record StaffComplaint(
    string Ticket, string Category, string Status, string Opd, string Channel, string? ChannelSource, CodeName Kelurahan,
    CodeName Kecamatan, string Description, double Lat, double Lon, DateTimeOffset CreatedAt, int SupportCount, DeadlineView? Deadline,
    uint Version, bool NeedsReview, ReporterContact? Reporter, string? MediaLink, CrewMember? Assignee);

/// <summary>The database shape of <see cref="StaffComplaint"/>.</summary>
public sealed record StaffRow(
    long Id, string Ticket, string Category, ComplaintStatus Status, string OpdCode, IntakeChannel Channel, string? ChannelKeyName,
    string KelurahanCode, string? KelurahanName,
    string KecamatanCode, string? KecamatanName, string Description, Point Location, DateTime CreatedAt, int SupportCount, uint Version,
    bool NeedsReview, bool Anonymous, string? ReporterName, string? ReporterPhone, string? ReporterEmail, string? MediaLink,
    string? AssigneeId, string? AssigneeName)
{
    /// <summary>Contacts only for whom <paramref name="canReadInternals"/> says; none at all for an anonymous report.</summary>
    public StaffComplaint ToStaff(IReadOnlyDictionary<string, Category> categories, WorkingCalendar calendar, DateTime nowUtc,
        bool canReadInternals) =>
        new(Ticket, Category, ComplaintStatuses.ToApi(Status), OpdCode, IntakeChannels.ToApi(Channel), ChannelKeyName,
            new CodeName(KelurahanCode, KelurahanName),
            new CodeName(KecamatanCode, KecamatanName), Description, Location.Y, Location.X, Wib.ToWib(CreatedAt), SupportCount,
            StaffDeadlines.Of(Status, CreatedAt, Category, categories, calendar, nowUtc), Version, NeedsReview,
            canReadInternals && !Anonymous ? new ReporterContact(ReporterName, ReporterPhone, ReporterEmail) : null,
            canReadInternals ? MediaLink : null, AssigneeId is null ? null : new CrewMember(AssigneeId, AssigneeName ?? AssigneeId));
}

public static class StaffComplaintQueries
{
    /// <summary>Complaints whose latest step was (<paramref name="flagged"/>) or was not flagged for review (a closure far
    /// from the pin); one without steps is not.</summary>
    public static IQueryable<Complaint> WhereNeedsReview(this IQueryable<Complaint> complaints, UjarDb db, bool flagged) =>
        complaints.Where(c => db.StatusChanges.Where(s => s.ComplaintId == c.Id).OrderByDescending(s => s.At).ThenByDescending(s => s.Id)
            .Select(s => s.NeedsReview).FirstOrDefault() == flagged);

    /// <summary>Area names come from the generation the complaint was routed with, as in the public view.</summary>
    public static IQueryable<StaffRow> SelectStaff(this IQueryable<Complaint> complaints, UjarDb db) =>
        complaints.Select(c => new StaffRow(
            c.Id, c.Ticket, c.CategoryCode, c.Status, c.OpdCode, c.Channel,
            db.ChannelKeys.Where(k => k.Id == c.ChannelKeyId).Select(k => k.Name).FirstOrDefault(),
            c.KelurahanCode,
            db.Boundaries.Where(b => b.GenerationId == c.BoundaryGenerationId && b.Level == BoundaryLevel.Kelurahan && b.Code == c.KelurahanCode)
                .Select(b => b.Name).FirstOrDefault(),
            c.KecamatanCode,
            db.Boundaries.Where(b => b.GenerationId == c.BoundaryGenerationId && b.Level == BoundaryLevel.Kecamatan && b.Code == c.KecamatanCode)
                .Select(b => b.Name).FirstOrDefault(),
            c.Description, c.Location, c.CreatedAt, c.SupportCount, c.Version,
            db.StatusChanges.Where(s => s.ComplaintId == c.Id).OrderByDescending(s => s.At).ThenByDescending(s => s.Id)
                .Select(s => s.NeedsReview).FirstOrDefault(),
            c.Anonymous, c.ReporterName, c.ReporterPhone, c.ReporterEmail, c.MediaLink,
            c.AssigneeId, db.Users.Where(u => u.Id == c.AssigneeId).Select(u => u.DisplayName).FirstOrDefault()));
}

/// <summary>Deadlines for staff lists, from the cached categories and working calendar: no query per complaint.</summary>
public static class StaffDeadlines
{
    public static DeadlineView? Of(ComplaintStatus status, DateTime createdUtc, string category, IReadOnlyDictionary<string, Category> categories,
        WorkingCalendar calendar, DateTime nowUtc) =>
        categories.TryGetValue(category, out var sla) ? ComplaintDeadlines.Next(status, createdUtc, sla, calendar)?.ToView(nowUtc) : null;

    /// <summary>When the next deadline falls (UTC, exclusive); null when nothing is owed.</summary>
    public static DateTime? DueUtc(ComplaintStatus status, DateTime createdUtc, string category, IReadOnlyDictionary<string, Category> categories,
        WorkingCalendar calendar) =>
        categories.TryGetValue(category, out var sla) ? ComplaintDeadlines.Next(status, createdUtc, sla, calendar)?.DueUtc : null;
}
