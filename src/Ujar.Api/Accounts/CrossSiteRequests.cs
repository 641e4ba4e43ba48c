using Microsoft.AspNetCore.Mvc;
using Ujar.Api.Setup;

namespace Ujar.Api.Accounts;

/// <summary>
/// Cross-site request forgery. A browser adds the staff cookie to any request to our host, whoever's page made it;
/// SameSite=Strict keeps it off requests from other sites, but a "site" is the registrable domain, so a page on any other
/// <c>*.tanjungpinangkota.go.id</c> host would still send it. So a request the cookie signs in that could change something
/// (any method but GET, HEAD, OPTIONS or TRACE, and a WebSocket, which the browser opens with the cookie) must show it
/// came from one of our own pages: <c>Sec-Fetch-Site: same-origin</c>, or, from a browser too old to send that header, an
/// <c>Origin</c> equal to this request's own scheme and host. The browser sets both; no page script can. Bearer tokens
/// need no such proof: a browser never adds them on its own. The pages need no token of ours for this.
/// </summary>
public static class CrossSiteRequests
{
    public static bool NeedProof(HttpContext context) =>
        !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        || context.WebSockets.IsWebSocketRequest;

    public static bool IsSameOrigin(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"] is [var site]) return site == "same-origin";
        return request.Headers.Origin is [var origin]
            && string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    public static ProblemDetails Refused() =>
        Problems.Create(StatusCodes.Status403Forbidden, "cross_site_request",
            new Bilingual("Permintaan dari situs lain ditolak", "Cross-site request refused"),
            new Bilingual("Perubahan dengan cookie petugas hanya diterima dari halaman Ujar sendiri. Muat ulang halaman lalu coba lagi.",
                "Changes signed in by the staff cookie are accepted from Ujar's own pages only. Reload the page and try again."));
}
