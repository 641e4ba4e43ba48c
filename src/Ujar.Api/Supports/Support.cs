namespace Ujar.Api.Supports;

/// <summary>
/// "Dukung": a citizen backs an existing open complaint instead of filing a duplicate. One per complaint and device;
/// the device token is a random id the browser keeps, stored only as a SHA-256 hash.
/// </summary>
public sealed class Support
{
    public long ComplaintId { get; set; }
    public required string DeviceTokenHash { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>A keyed hash of the client address the support came from (never the address itself), so one address
    /// cannot add a support per forged device token. Null for supports from before it was kept.</summary>
    public string? AddressHash { get; set; }
}
