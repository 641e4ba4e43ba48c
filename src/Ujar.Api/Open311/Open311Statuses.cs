using Ujar.Api.Complaints;

namespace Ujar.Api.Open311;

/// <summary>
/// Ujar's lifecycle (<see cref="Lifecycle"/>) in Open311's words. A table per vocabulary, each naming every status, so a
/// status added to Ujar fails the test that walks them all until it is given its Open311 name here.
/// </summary>
public static class Open311Statuses
{
    public const string Open = "open";
    public const string Closed = "closed";

    /// <summary>GeoReport v2's <c>status</c>: open while the city still owes the reporter something, closed once the
    /// problem is fixed (resolved, closed) or will not be acted on here (rejected, duplicate). Not our remit is a hand-over
    /// between the city's own agencies, so the request stays open.</summary>
    private static readonly IReadOnlyDictionary<ComplaintStatus, string> OpenOrClosed = new Dictionary<ComplaintStatus, string>
    {
        [ComplaintStatus.Received] = Open,
        [ComplaintStatus.Verified] = Open,
        [ComplaintStatus.Assigned] = Open,
        [ComplaintStatus.InProgress] = Open,
        [ComplaintStatus.Reopened] = Open,
        [ComplaintStatus.NotOurRemit] = Open,
        [ComplaintStatus.Resolved] = Closed,
        [ComplaintStatus.Closed] = Closed,
        [ComplaintStatus.Rejected] = Closed,
        [ComplaintStatus.Duplicate] = Closed,
    };

    /// <summary>
    /// mySociety's extended status of one step of <c>servicerequestupdates</c>, by the status the step moved to (how
    /// FixMyStreet reads each in brackets):
    /// <list type="bullet">
    /// <item>received → OPEN (open): only a re-routed complaint is received again, by the right OPD.</item>
    /// <item>verified → INVESTIGATING (investigating): the OPD checked the report.</item>
    /// <item>assigned → ACTION_SCHEDULED (action scheduled): a crew is dispatched.</item>
    /// <item>in_progress → IN_PROGRESS (in progress).</item>
    /// <item>resolved → FIXED (fixed - council).</item>
    /// <item>closed → CLOSED (fixed - council, or closed with extended statuses): Ujar closes only what was resolved.</item>
    /// <item>rejected → NO_FURTHER_ACTION (unable to fix).</item>
    /// <item>duplicate → DUPLICATE (duplicate).</item>
    /// <item>not_our_remit → OPEN (open): the complaint goes to another of the city's OPDs in the same request, so the city
    /// stays responsible; NOT_COUNCILS_RESPONSIBILITY would tell the reporter nobody here will act.</item>
    /// <item>reopened → OPEN (open): FixMyStreet has no "reopened" state; open brings a fixed report back.</item>
    /// </list>
    /// </summary>
    private static readonly IReadOnlyDictionary<ComplaintStatus, string> UpdateStatus = new Dictionary<ComplaintStatus, string>
    {
        [ComplaintStatus.Received] = "OPEN",
        [ComplaintStatus.Verified] = "INVESTIGATING",
        [ComplaintStatus.Assigned] = "ACTION_SCHEDULED",
        [ComplaintStatus.InProgress] = "IN_PROGRESS",
        [ComplaintStatus.Resolved] = "FIXED",
        [ComplaintStatus.Closed] = "CLOSED",
        [ComplaintStatus.Rejected] = "NO_FURTHER_ACTION",
        [ComplaintStatus.Duplicate] = "DUPLICATE",
        [ComplaintStatus.NotOurRemit] = "OPEN",
        [ComplaintStatus.Reopened] = "OPEN",
    };

    public static string OfRequest(ComplaintStatus status) => OpenOrClosed[status];

    public static string OfStep(ComplaintStatus to) => UpdateStatus[to];

    /// <summary>The Ujar statuses an Open311 <c>status</c> filter (<c>open</c> or <c>closed</c>) stands for.</summary>
    public static IReadOnlyList<ComplaintStatus> Meaning(string open311Status) =>
        OpenOrClosed.Where(s => s.Value == open311Status).Select(s => s.Key).ToList();
}
