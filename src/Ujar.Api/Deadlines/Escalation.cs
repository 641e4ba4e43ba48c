namespace Ujar.Api.Deadlines;

/// <summary>
/// A deadline that passed, recorded once: the unique key (complaint, kind, due) is what makes the escalation fire once
/// even with several service instances watching (the second INSERT does nothing).
/// </summary>
public sealed class Escalation
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    public DeadlineKind Kind { get; set; }
    public DateTime DueUtc { get; set; }
    public string OpdCode { get; set; } = "";
    public DateTime At { get; set; }
}
