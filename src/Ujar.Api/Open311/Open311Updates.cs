using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Photos;
using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>One lifecycle step as <c>servicerequestupdates</c> needs it: the step's public note and first photo, never its
/// internal note.</summary>
public sealed record UpdateRow(long StepId, string Ticket, ComplaintStatus To, DateTime At, string? Note, Guid? PhotoId)
{
    public RequestUpdate ToOpen311(PublicSite site) => new(
        // The step's row id: stable, and unique across all complaints, so a client that stores it sees each step once.
        UpdateId: StepId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ServiceRequestId: Ticket,
        Status: Open311Statuses.OfStep(To),
        UpdatedDatetime: Open311Time.Format(At),
        // A step without a note still says what happened, so the reporter's side has text to show.
        Description: string.IsNullOrWhiteSpace(Note) ? $"{Lifecycle.Label[To].Id} / {Lifecycle.Label[To].En}" : Note,
        MediaUrl: PhotoId is { } photo ? site.Absolute(PhotoUrls.Full(photo)) : null);
}

public static class Open311Updates
{
    /// <summary>The steps made from <paramref name="fromUtc"/> to <paramref name="toUtc"/>, both included, oldest first
    /// (a client applies them in that order): one query, with the ticket joined and the photo a subquery.</summary>
    public static IQueryable<UpdateRow> InWindow(UjarDb db, DateTime fromUtc, DateTime toUtc) =>
        from s in db.StatusChanges
        where s.At >= fromUtc && s.At <= toUtc
        join c in db.Complaints on s.ComplaintId equals c.Id
        orderby s.At, s.Id
        select new UpdateRow(s.Id, c.Ticket, s.To, s.At, s.Note,
            // A resolving step's "after" photo shows the fix; its "before" photo only if there is no after.
            db.Photos.Where(p => p.StatusChangeId == s.Id).OrderBy(p => p.Kind == PhotoKind.After ? 0 : 1).ThenBy(p => p.CreatedAt)
                .Select(p => (Guid?)p.Id).FirstOrDefault());
}
