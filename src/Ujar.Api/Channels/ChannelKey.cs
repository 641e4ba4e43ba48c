using Ujar.Api.Complaints;

namespace Ujar.Api.Channels;

/// <summary>
/// The API key one outside system (a FixMyStreet install, a city call centre's software) files complaints with over
/// Open311. Only the key's SHA-256 is stored: the key itself is shown once, when it is made, and never again, so a copy
/// of the database or a log cannot be used to file in the system's name. Revoked keys stay, so the complaints filed with
/// them keep saying which system sent them.
/// </summary>
public sealed class ChannelKey
{
    public int Id { get; set; }

    /// <summary>Who holds the key, e.g. <c>fixmystreet</c>; unique among keys not revoked.</summary>
    public required string Name { get; set; }

    public IntakeChannel Channel { get; set; }

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The key's last four characters, so an operator can tell two keys apart without the key.</summary>
    public required string Hint { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The admin's e-mail, or <c>cli</c> for the command line.</summary>
    public string? CreatedBy { get; set; }

    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    /// <summary>When the key last filed a complaint (updated at most once a minute).</summary>
    public DateTime? LastUsedAt { get; set; }
}
