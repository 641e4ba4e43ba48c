namespace Ujar.Api.Complaints;

/// <summary>One step of a complaint's status timeline: its tracking page and the audit trail (who, in which role, for which OPD).</summary>
public sealed class StatusChange
{
    public long Id { get; set; }
    public long ComplaintId { get; set; }
    public ComplaintStatus? From { get; set; }
    public ComplaintStatus To { get; set; }
    /// <summary>What the reporter reads on the tracking page.</summary>
    public string? Note { get; set; }
    /// <summary>Staff-only: never in any public output.</summary>
    public string? InternalNote { get; set; }
    public DateTime At { get; set; }

    /// <summary>The staff account that made the step; null for the reporter, Ujar itself and steps from before accounts.</summary>
    public string? ActorId { get; set; }
    /// <summary><c>admin</c>, <c>opd_staff</c>, <c>crew</c>, <c>reporter</c> or <c>system</c>; null for the filing and older steps.</summary>
    public string? ActorRole { get; set; }
    /// <summary>The staff member's display name as it was then (accounts can be renamed or removed later).</summary>
    public string? ActorName { get; set; }
    /// <summary>The OPD holding the complaint when the step was made: what performance figures count it against.</summary>
    public string? OpdCode { get; set; }

    /// <summary>A closure made more than <see cref="ComplaintStatusChanges.ReviewDistanceMeters"/> from the pin, kept but
    /// flagged so OPD staff look at it.</summary>
    public bool NeedsReview { get; set; }
    /// <summary>How far from the pin the person making the step said they were, in metres (null when no position was sent).</summary>
    public double? DistanceFromPinMeters { get; set; }
}
