using System.Linq.Expressions;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Tasks;

/// <summary>
/// "Overdue" as a SQL predicate, so the queue pages and counts in the database. A deadline depends only on the status,
/// the category and the WIB date of the filing (see <see cref="WorkingCalendar"/>: the filing day never counts, whatever
/// the hour), and a later filing date never gives an earlier deadline. So for each category and status there is a last
/// filing date whose deadline has passed, and a complaint is overdue exactly when it was filed before the end of that day.
/// </summary>
public static class OverdueFilter
{
    // Deadlines are at most a few weeks of working days; this only stops a broken calendar from looping for ever.
    private const int MaxDaysBack = 3660;

    public static Expression<Func<Complaint, bool>> Overdue(IReadOnlyDictionary<string, Category> categories, WorkingCalendar calendar,
        DateTime nowUtc)
    {
        var complaint = Expression.Parameter(typeof(Complaint), "c");
        Expression? any = null;
        foreach (var sla in categories.Values)
        {
            var byCutoff = new Dictionary<DateTime, List<ComplaintStatus>>();
            foreach (var status in Enum.GetValues<ComplaintStatus>())
                if (FiledBefore(status, sla, calendar, nowUtc) is { } cutoff)
                    (byCutoff.TryGetValue(cutoff, out var list) ? list : byCutoff[cutoff] = []).Add(status);
            foreach (var (cutoff, statuses) in byCutoff)
            {
                var clause = Clause(sla.Code, statuses.ToArray(), cutoff);
                var body = new Rebind(clause.Parameters[0], complaint).Visit(clause.Body);
                any = any is null ? body : Expression.OrElse(any, body);
            }
        }
        return Expression.Lambda<Func<Complaint, bool>>(any ?? Expression.Constant(false), complaint);
    }

    public static Expression<Func<Complaint, bool>> NotOverdue(IReadOnlyDictionary<string, Category> categories, WorkingCalendar calendar,
        DateTime nowUtc)
    {
        var overdue = Overdue(categories, calendar, nowUtc);
        return Expression.Lambda<Func<Complaint, bool>>(Expression.Not(overdue.Body), overdue.Parameters);
    }

    /// <summary>The instant (UTC) before which a complaint of <paramref name="status"/> and this category is overdue now;
    /// null when the status owes nothing.</summary>
    public static DateTime? FiledBefore(ComplaintStatus status, Category sla, WorkingCalendar calendar, DateTime nowUtc)
    {
        if (ComplaintDeadlines.Next(status, nowUtc, sla, calendar) is null) return null;
        var day = DateOnly.FromDateTime(Wib.ToWib(nowUtc).DateTime);
        for (var back = 0; back < MaxDaysBack; back++, day = day.AddDays(-1))
            if (ComplaintDeadlines.Next(status, StartOfWibDayUtc(day), sla, calendar)!.IsOverdue(nowUtc))
                return StartOfWibDayUtc(day.AddDays(1));
        return null;
    }

    private static DateTime StartOfWibDayUtc(DateOnly wibDate) =>
        DateTime.SpecifyKind(wibDate.ToDateTime(TimeOnly.MinValue) - Wib.Offset, DateTimeKind.Utc);

    private static Expression<Func<Complaint, bool>> Clause(string category, ComplaintStatus[] statuses, DateTime filedBefore) =>
        c => c.CategoryCode == category && statuses.Contains(c.Status) && c.CreatedAt < filedBefore;

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
