namespace Ujar.Api.Photos;

public enum PhotoKind
{
    /// <summary>Sent by the reporter with the complaint or later from the tracking page.</summary>
    Report,
    /// <summary>Evidence that the work was done, sent by the OPD when it resolves the complaint.</summary>
    After,
    /// <summary>The state a crew found on arrival, sent with a status step.</summary>
    Before,
}

/// <summary>
/// A photo of a complaint as stored: always our own re-encoded JPEG (no EXIF, no GPS, no camera serial), with a
/// thumbnail beside it. The files live under the media folder as <c>{Id}.jpg</c> and <c>{Id}.thumb.jpg</c>.
/// </summary>
public sealed class Photo
{
    public Guid Id { get; set; }
    public long ComplaintId { get; set; }
    public PhotoKind Kind { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long Bytes { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The status step this photo was sent with (a crew's before/after evidence); null for the reporter's photos.</summary>
    public long? StatusChangeId { get; set; }
}
