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
}
