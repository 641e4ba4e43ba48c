using Ujar.Api.Categories;
using Ujar.Api.Complaints;

namespace Ujar.Api.Deadlines;

public enum DeadlineKind { Verify, Response, Resolve }

/// <summary>The next thing owed on a complaint and when it is due (UTC; exclusive, see <see cref="WorkingCalendar"/>).</summary>
public sealed record Deadline(DeadlineKind Kind, DateTime DueUtc)
{
    public bool IsOverdue(DateTime nowUtc) => nowUtc >= DueUtc;

    /// <summary>The WIB date of the last day the work may be done on (the day before the exclusive bound).</summary>
    public DateOnly LastWibDay => DateOnly.FromDateTime(Wib.ToWib(DueUtc.AddTicks(-1)).DateTime);
}

/// <summary>What the public detail view shows: the deadline in WIB and whether it has passed. <see cref="Due"/> is the exclusive
/// bound (00:00 WIB after the last working day); <see cref="Day"/> is that last working day itself, what people are told
/// ("s.d. Senin 8 Des").</summary>
public sealed record DeadlineView(string Kind, DateTimeOffset Due, bool Overdue, DateOnly Day);

/// <summary>
/// The next deadline of a complaint. Rule: every deadline counts working days from the <b>filing</b>, never from a later
/// step, so no step times are needed:
/// <list type="bullet">
/// <item>received, not_our_remit → verify: created + VerifyDays. A re-routed complaint is received afresh by the new OPD
/// but keeps its filing clock (the issue: "the deadline history kept"), so bouncing it between agencies buys no time.</item>
/// <item>verified, assigned → first response: created + ResponseDays.</item>
/// <item>in_progress, reopened → resolve: created + ResolveDays. Reopening does not restart the clock: a fix that did
/// not hold is counted against the OPD, as the issue asks.</item>
/// <item>resolved, closed, rejected, duplicate → none: nothing more is owed by the OPD (the reporter's 10-day reply
/// window after resolved is the reporter's, not a deadline of the OPD).</item>
/// </list>
/// </summary>
public static class ComplaintDeadlines
{
    private static readonly Dictionary<ComplaintStatus, (DeadlineKind Kind, Func<Category, int> Days)> Rules = new()
    {
        [ComplaintStatus.Received] = (DeadlineKind.Verify, c => c.VerifyDays),
        [ComplaintStatus.NotOurRemit] = (DeadlineKind.Verify, c => c.VerifyDays),
        [ComplaintStatus.Verified] = (DeadlineKind.Response, c => c.ResponseDays),
        [ComplaintStatus.Assigned] = (DeadlineKind.Response, c => c.ResponseDays),
        [ComplaintStatus.InProgress] = (DeadlineKind.Resolve, c => c.ResolveDays),
        [ComplaintStatus.Reopened] = (DeadlineKind.Resolve, c => c.ResolveDays),
    };

    /// <summary>Null when nothing more is owed (resolved, closed, rejected, duplicate).</summary>
    public static Deadline? Next(ComplaintStatus status, DateTime createdUtc, Category sla, WorkingCalendar calendar) =>
        Rules.TryGetValue(status, out var rule)
            ? new Deadline(rule.Kind, calendar.AddWorkingDays(createdUtc, rule.Days(sla)))
            : null;

    /// <summary>The statuses that owe something, each with the kind of deadline it owes: what <see cref="SlaWatcher"/>
    /// asks the database about.</summary>
    public static IReadOnlyDictionary<ComplaintStatus, DeadlineKind> KindOwed { get; } =
        Rules.ToDictionary(r => r.Key, r => r.Value.Kind);

    private static readonly string[] KindName = Enum.GetValues<DeadlineKind>()
        .Select(k => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())).ToArray();

    public static DeadlineView ToView(this Deadline deadline, DateTime nowUtc) =>
        new(KindName[(int)deadline.Kind], Wib.ToWib(deadline.DueUtc), deadline.IsOverdue(nowUtc), deadline.LastWibDay);
}
