using Microsoft.AspNetCore.Http.HttpResults;
using Ujar.Api.Accounts;
using Ujar.Api.Admin;
using Ujar.Api.Data;
using Ujar.Api.Security;
using Ujar.Api.Setup;

namespace Ujar.Api.Channels;

/// <summary>
/// <c>/api/admin/channel-keys</c>: Diskominfo gives an outside system (FixMyStreet, a call centre) its own key for the
/// Open311 door, sees which keys exist and when each was last used, and revokes one. The key is in the answer to its
/// creation only; the list shows its last four characters. Admins only, like the rest of <c>/api/admin</c>.
/// </summary>
public static class ChannelKeysApi
{
    public sealed record ChannelKeyInput(string? Name, string? Channel);

    public static IEndpointRouteBuilder MapChannelKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/admin/channel-keys").WithTags("Admin")
            .RequireAuthorization(StaffPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        keys.MapGet("", ListAsync);
        keys.MapPost("", CreateAsync)
            .CarriesSecrets();   // the new key
        keys.MapDelete("/{name}", RevokeAsync);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ChannelKeyView>>> ListAsync(UjarDb db, CancellationToken ct) =>
        TypedResults.Ok(await ChannelKeys.ListAsync(db, ct));

    private static async Task<Results<Created<CreatedChannelKey>, ProblemHttpResult>> CreateAsync(ChannelKeyInput? body, HttpContext http,
        UjarDb db, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var admin = StaffScope.Of(http.User)?.Email ?? "";
        switch (await ChannelKeys.CreateAsync(db, body?.Name, body?.Channel, admin, clock.GetUtcNow().UtcDateTime, ct))
        {
            case ChannelKeys.Invalid invalid:
                return Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "validation_failed",
                    new Bilingual("Data tidak valid", "The data is not valid"),
                    new Bilingual("Periksa kolom yang ditandai lalu kirim ulang.", "Check the marked fields and send again."), invalid.Errors));
            case ChannelKeys.NameTaken taken:
                return Problems.Result(Problems.Create(StatusCodes.Status409Conflict, "name_taken",
                    new Bilingual("Nama kunci sudah dipakai", "Key name already in use"),
                    new Bilingual($"Kunci aktif bernama '{taken.Name}' sudah ada. Cabut dulu atau pilih nama lain.",
                        $"An active key named '{taken.Name}' exists. Revoke it first or choose another name.")));
            case ChannelKeys.Created created:
                var view = created.Result.ChannelKey;
                // The key itself is never logged: the audit line names the key by its name and last four characters.
                loggers.Audit().LogInformation("Admin {Admin} created channel key {Name} ({Channel}, …{Hint})", admin, view.Name, view.Channel, view.Hint);
                return TypedResults.Created($"/api/admin/channel-keys/{view.Name}", created.Result);
            default:
                throw new InvalidOperationException("unreachable");
        }
    }

    private static async Task<Results<Ok<ChannelKeyView>, ProblemHttpResult>> RevokeAsync(string name, HttpContext http, UjarDb db,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var admin = StaffScope.Of(http.User)?.Email ?? "";
        if (await ChannelKeys.RevokeAsync(db, name, admin, clock.GetUtcNow().UtcDateTime, ct) is not { } revoked)
            return Problems.Result(Problems.Create(StatusCodes.Status404NotFound, "not_found",
                new Bilingual($"Tidak ada kunci aktif bernama '{Shorten(name)}'", $"No active key named '{Shorten(name)}'")));
        loggers.Audit().LogInformation("Admin {Admin} revoked channel key {Name} ({Channel}, …{Hint})", admin, revoked.Name, revoked.Channel, revoked.Hint);
        return TypedResults.Ok(revoked);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
