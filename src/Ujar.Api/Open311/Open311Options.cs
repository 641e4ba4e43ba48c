using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>What this server tells Open311 clients about itself: the city folder's <c>open311</c>, which <c>Ujar:Open311</c>
/// may override; checked at start.</summary>
public sealed class Open311Options
{
    /// <summary>The jurisdiction this server answers for. <c>jurisdiction_id</c> is optional in every request; given, it must
    /// be this one (compared without regard to case, as domain names are), else 404.</summary>
    public string JurisdictionId { get; set; } = "";

    /// <summary>Discovery's <c>contact</c>: whom client developers ask.</summary>
    public string Contact { get; set; } = "";

    /// <summary>Discovery's <c>key_service</c>: how a system gets an API key.</summary>
    public string KeyService { get; set; } = "";

    public static bool IsValid(Open311Options options) =>
        !string.IsNullOrWhiteSpace(options.JurisdictionId) && !options.JurisdictionId.Any(char.IsWhiteSpace)
        && !string.IsNullOrWhiteSpace(options.Contact) && !string.IsNullOrWhiteSpace(options.KeyService);

    public bool Serves(string jurisdictionId) => string.Equals(jurisdictionId.Trim(), JurisdictionId, StringComparison.OrdinalIgnoreCase);

    public Open311Errors UnknownJurisdiction(Open311Format format, string given) =>
        Open311Errors.NotFound(format, new Bilingual(
            $"jurisdiction_id '{Shorten(given)}' tidak dilayani di sini; gunakan '{JurisdictionId}' atau kosongkan",
            $"jurisdiction_id '{Shorten(given)}' is not served here; use '{JurisdictionId}' or leave it out"));

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
