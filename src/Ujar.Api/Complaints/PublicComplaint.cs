using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Boundaries;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Photos;

namespace Ujar.Api.Complaints;

public sealed record CodeName(string Code, string? Name);

/// <summary>What anyone may see of a complaint. Reporter contact data has no field here, so it cannot leak.</summary>
public sealed record PublicComplaint(
    long Id,
    string Ticket,
    string Status,
    string Category,
    string Description,
    double Lat,
    double Lon,
    CodeName Kelurahan,
    CodeName Kecamatan,
    CodeName Opd,
    bool Snapped,
    double SnappedMeters,
    int BoundaryGeneration,
    DateTimeOffset CreatedAt,
    int SupportCount,
    string? ThumbUrl);

public sealed record PhotoView(Guid Id, string Kind, string Url, string ThumbUrl, int Width, int Height);

/// <summary>
/// One step as the public sees it: who made it by role only (<c>reporter</c> for the filing and the reporter's answer,
/// <c>opd_staff</c>, <c>crew</c>, <c>admin</c>, <c>system</c>; null for steps from before roles were recorded), and the
/// staff member's name only where the city chose to show it (<see cref="TrackingOptions.ShowStaffNames"/>). Internal
/// notes, contacts and the distance checks of staff steps have no field here, so they cannot leak. <c>PhotoIds</c> names
/// the photos (of the detail's <c>photos</c>) sent with the step, a crew's before/after evidence, so the page can show
/// the proof beside the step it proves.
/// </summary>
public sealed record TimelineStep(string? From, string To, string? Note, DateTimeOffset At, string? ActorRole = null, string? ActorName = null,
    IReadOnlyList<Guid>? PhotoIds = null);

/// <summary><c>Ujar:Tracking</c>: what the public tracking page shows.</summary>
public sealed class TrackingOptions
{
    /// <summary>Names of the staff who made each step. Off by default: a crew member's name on a public page invites
    /// calls to their private phone; a city may turn it on for accountability.</summary>
    public bool ShowStaffNames { get; set; }
}

/// <summary>The tracking page's view: the public complaint with its photos, status timeline and next deadline (null when nothing more is owed).</summary>
public sealed record PublicComplaintDetail(PublicComplaint Complaint, IReadOnlyList<PhotoView> Photos, IReadOnlyList<TimelineStep> Timeline,
    DeadlineView? Deadline);

public static class PublicComplaintQueries
{
    /// <summary>The role <see cref="ChangeActor.Reporter"/> records, and the filing's: the citizen made both.</summary>
    private const string ReporterRole = "reporter";

    /// <summary>Each complaint with what public views show beside it: the names of its kelurahan and kecamatan from the
    /// boundary generation it was routed with, its OPD's name, and its first report photo. One helper, so every public
    /// projection (the map's, Open311's) asks for these the same way; each is a correlated subquery of the one SELECT.</summary>
    public static IQueryable<NamedComplaint> WithNames(this IQueryable<Complaint> complaints, UjarDb db) =>
        complaints.Select(c => new NamedComplaint
        {
            Complaint = c,
            KelurahanName = db.Boundaries
                .Where(b => b.GenerationId == c.BoundaryGenerationId && b.Level == BoundaryLevel.Kelurahan && b.Code == c.KelurahanCode)
                .Select(b => b.Name).FirstOrDefault(),
            KecamatanName = db.Boundaries
                .Where(b => b.GenerationId == c.BoundaryGenerationId && b.Level == BoundaryLevel.Kecamatan && b.Code == c.KecamatanCode)
                .Select(b => b.Name).FirstOrDefault(),
            OpdName = db.Opds.Where(o => o.Code == c.OpdCode).Select(o => o.Name).FirstOrDefault(),
            FirstPhotoId = db.Photos.Where(p => p.ComplaintId == c.Id && p.Kind == PhotoKind.Report).OrderBy(p => p.CreatedAt)
                .Select(p => (Guid?)p.Id).FirstOrDefault(),
        });

    /// <summary>Projects to the public view; area and agency names come from the generation the complaint was routed with.</summary>
    public static IQueryable<PublicRow> SelectPublic(this IQueryable<Complaint> complaints, UjarDb db) =>
        complaints.WithNames(db).Select(n => new PublicRow(
            n.Complaint.Id, n.Complaint.Ticket, n.Complaint.Status, n.Complaint.CategoryCode, n.Complaint.Description, n.Complaint.Location,
            n.Complaint.KelurahanCode, n.KelurahanName, n.Complaint.KecamatanCode, n.KecamatanName, n.Complaint.OpdCode, n.OpdName,
            n.Complaint.Snapped, n.Complaint.SnapDistanceMeters, n.Complaint.BoundaryGenerationId, n.Complaint.CreatedAt,
            n.Complaint.SupportCount, n.FirstPhotoId));

    public static Task<PublicRow?> FindPublicAsync(this UjarDb db, string ticket, CancellationToken ct) =>
        db.Complaints.AsNoTracking().Where(c => c.Ticket == ticket).SelectPublic(db).FirstOrDefaultAsync(ct);

    /// <summary>The tracking page's view; <paramref name="showStaffNames"/> is <see cref="TrackingOptions.ShowStaffNames"/>.</summary>
    public static async Task<PublicComplaintDetail?> FindDetailAsync(this UjarDb db, string ticket, WorkingCalendar calendar,
        DateTime nowUtc, CancellationToken ct, bool showStaffNames = false)
    {
        if (await db.FindPublicAsync(ticket, ct) is not { } row) return null;
        var photos = await db.Photos.AsNoTracking().Where(p => p.ComplaintId == row.Id).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var steps = await db.StatusChanges.AsNoTracking().Where(s => s.ComplaintId == row.Id).OrderBy(s => s.At).ThenBy(s => s.Id)
            .ToListAsync(ct);
        var photosByStep = photos.Where(p => p.StatusChangeId is not null).ToLookup(p => p.StatusChangeId!.Value, p => p.Id);
        // The filing itself is the first step of every timeline.
        var timeline = new List<TimelineStep>
        {
            new(null, ComplaintStatuses.ToApi(ComplaintStatus.Received), null, Wib.ToWib(row.CreatedAt), ReporterRole, PhotoIds: []),
        };
        timeline.AddRange(steps.Select(s => new TimelineStep(s.From is { } from ? ComplaintStatuses.ToApi(from) : null,
            ComplaintStatuses.ToApi(s.To), s.Note, Wib.ToWib(s.At), s.ActorRole,
            showStaffNames ? s.ActorName : null, photosByStep[s.Id].ToList())));
        var sla = await db.Categories.AsNoTracking().SingleAsync(c => c.Code == row.Category, ct);
        var deadline = ComplaintDeadlines.Next(row.Status, row.CreatedAt, sla, calendar);
        return new PublicComplaintDetail(row.ToPublic(),
            photos.Select(p => p.ToView()).ToList(),
            timeline,
            deadline?.ToView(nowUtc));
    }
}

/// <summary>A complaint and the names public views show with it (see <see cref="PublicComplaintQueries.WithNames"/>). A class
/// with settable members, not a positional record, so EF Core can keep composing queries over it.</summary>
public sealed class NamedComplaint
{
    public required Complaint Complaint { get; init; }
    public string? KelurahanName { get; init; }
    public string? KecamatanName { get; init; }
    public string? OpdName { get; init; }
    public Guid? FirstPhotoId { get; init; }
}

/// <summary>The database shape of <see cref="PublicComplaint"/>, before names become JSON.</summary>
public sealed record PublicRow(
    long Id, string Ticket, ComplaintStatus Status, string Category, string Description, Point Location,
    string KelurahanCode, string? KelurahanName, string KecamatanCode, string? KecamatanName,
    string OpdCode, string? OpdName, bool Snapped, double SnappedMeters, int BoundaryGeneration, DateTime CreatedAt,
    int SupportCount, Guid? FirstPhotoId)
{
    public PublicComplaint ToPublic() => new(
        Id, Ticket, ComplaintStatuses.ToApi(Status), Category, Description, Location.Y, Location.X,
        new CodeName(KelurahanCode, KelurahanName), new CodeName(KecamatanCode, KecamatanName), new CodeName(OpdCode, OpdName),
        Snapped, Math.Round(SnappedMeters, 1), BoundaryGeneration, Wib.ToWib(CreatedAt), SupportCount,
        FirstPhotoId is { } photo ? PhotoUrls.Thumb(photo) : null);
}

/// <summary>Where photos are served (see Photos/PhotosApi.cs).</summary>
public static class PhotoUrls
{
    public static string Full(Guid id) => $"/media/photos/{id:N}.jpg";
    public static string Thumb(Guid id) => $"/media/photos/{id:N}.thumb.jpg";
}

/// <summary>Status names in the API: snake_case English (<c>in_progress</c>); Indonesian labels are the UI's job.</summary>
public static class ComplaintStatuses
{
    // Converted once: every listed complaint (a map page, a crew's nearby tasks) names its status.
    private static readonly string[] ApiNameOf = Enum.GetValues<ComplaintStatus>()
        .Select(s => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString())).ToArray();

    private static readonly Dictionary<string, ComplaintStatus> ByApiName =
        Enum.GetValues<ComplaintStatus>().ToDictionary(ToApi, s => s, StringComparer.OrdinalIgnoreCase);

    public static string ToApi(ComplaintStatus status) => ApiNameOf[(int)status];

    public static bool TryParse(string text, out ComplaintStatus status) => ByApiName.TryGetValue(text.Trim(), out status);

    public static IEnumerable<string> ApiNames => ByApiName.Keys;
}
