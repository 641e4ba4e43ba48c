using NetTopologySuite.Geometries;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>What one service request needs from the database, read for a whole page in one SELECT: the complaint, its
/// names (<see cref="PublicComplaintQueries.WithNames"/>) and its latest step, each a correlated subquery.</summary>
public sealed record ServiceRequestRow(
    string Ticket, ComplaintStatus Status, string Category, string Description, Point Location,
    string? KelurahanName, string? KecamatanName, string? OpdName, DateTime CreatedAt, Guid? FirstPhotoId,
    DateTime? LastStepAt, string? LastStepNote)
{
    /// <param name="categories">The router's cached categories (retired ones included): service names and deadlines
    /// without a query per row.</param>
    public ServiceRequest ToOpen311(IReadOnlyDictionary<string, Category> categories, WorkingCalendar calendar, PublicSite site)
    {
        var category = categories.GetValueOrDefault(Category);
        var deadline = category is null ? null : ComplaintDeadlines.Next(Status, CreatedAt, category, calendar);
        return new ServiceRequest(
            ServiceRequestId: Ticket,
            Status: Open311Statuses.OfRequest(Status),
            // The latest step's public note: why the status is what it is. Internal notes are never read here.
            StatusNotes: string.IsNullOrWhiteSpace(LastStepNote) ? null : LastStepNote,
            ServiceName: category?.NameId ?? Category,
            ServiceCode: Category,
            Description: Description,
            AgencyResponsible: OpdName,
            RequestedDatetime: Open311Time.Format(CreatedAt),
            UpdatedDatetime: Open311Time.Format(LastStepAt ?? CreatedAt),
            ExpectedDatetime: deadline is null ? null : Open311Time.Format(deadline.DueUtc),
            Address: string.Join(", ", new[] { KelurahanName, KecamatanName }.Where(n => !string.IsNullOrEmpty(n))) is { Length: > 0 } address
                ? address : null,
            Lat: Location.Y,
            Long: Location.X,
            // Our own copy of the first report photo; a media_url the reporting system sent is its link, not ours to show.
            MediaUrl: FirstPhotoId is { } photo ? site.Absolute(PhotoUrls.Full(photo)) : null);
    }
}

public static class Open311RequestQueries
{
    /// <summary>Projects complaints (already filtered, ordered and paged) to <see cref="ServiceRequestRow"/>: still one
    /// query, so a page of 200 costs one round trip, not 200.</summary>
    public static IQueryable<ServiceRequestRow> SelectServiceRequests(this IQueryable<Complaint> complaints, UjarDb db) =>
        complaints.WithNames(db).Select(n => new ServiceRequestRow(
            n.Complaint.Ticket, n.Complaint.Status, n.Complaint.CategoryCode, n.Complaint.Description, n.Complaint.Location,
            n.KelurahanName, n.KecamatanName, n.OpdName, n.Complaint.CreatedAt, n.FirstPhotoId,
            db.StatusChanges.Where(s => s.ComplaintId == n.Complaint.Id).OrderByDescending(s => s.At).ThenByDescending(s => s.Id)
                .Select(s => (DateTime?)s.At).FirstOrDefault(),
            db.StatusChanges.Where(s => s.ComplaintId == n.Complaint.Id).OrderByDescending(s => s.At).ThenByDescending(s => s.Id)
                .Select(s => s.Note).FirstOrDefault()));
}
