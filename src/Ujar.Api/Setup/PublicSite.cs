namespace Ujar.Api.Setup;

/// <summary>
/// <c>Ujar:PublicBaseUrl</c>: the address citizens reach this service at (e.g. <c>https://ujar.tanjungpinangkota.go.id</c>).
/// Links that leave the request they were made in need it: the tracking link in a WhatsApp reply, Open311's
/// <c>media_url</c> read by another system. Behind a proxy the request's own host may be an internal name, so this is
/// configuration, checked at start.
/// </summary>
public sealed class PublicSite
{
    public const string DefaultBaseUrl = UjarCommand.DefaultUrl;

    public string PublicBaseUrl { get; set; } = DefaultBaseUrl;

    public static bool IsValid(PublicSite site) =>
        Uri.TryCreate(site.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0;

    /// <summary><paramref name="path"/> (starting with <c>/</c>) under the public address.</summary>
    public string Absolute(string path) => PublicBaseUrl.TrimEnd('/') + path;

    public string TrackingUrl(string ticket) => Absolute($"/lacak/{Uri.EscapeDataString(ticket)}");
}
