namespace Ujar.Api.Complaints;

/// <summary>One step of a complaint's status timeline, shown on its tracking page.</summary>
public sealed class StatusChange
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    public ComplaintStatus? From { get; set; }
    public ComplaintStatus To { get; set; }
    public string? Note { get; set; }
    public DateTime At { get; set; }
}
