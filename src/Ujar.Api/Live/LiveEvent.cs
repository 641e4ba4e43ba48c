namespace Ujar.Api.Live;

public enum LiveEventType
{
    ComplaintFiled,
    StatusChanged,
    SupportChanged,
    /// <summary>A deadline passed; sent once per complaint and deadline to the OPD's staff and to admins only.</summary>
    Escalated,
}

/// <summary>
/// One entry of the live event log. <see cref="Seq"/> is assigned in commit order (appends are serialised by an
/// advisory lock in the writing transaction), so a client that knows the last sequence it saw can ask for exactly
/// what it missed.
/// </summary>
public sealed class LiveEventRecord
{
    public long Seq { get; set; }
    public LiveEventType Type { get; set; }
    public long ComplaintId { get; set; }
    public required string Ticket { get; set; }
    public required string Category { get; set; }
    public required string Status { get; set; }
    public required string KecamatanCode { get; set; }
    /// <summary>The OPD holding the complaint at that moment: which staff queue the event goes to.</summary>
    public string OpdCode { get; set; } = "";
    public double Lat { get; set; }
    public double Lon { get; set; }
    public int SupportCount { get; set; }
    public DateTime At { get; set; }
}
