using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Routing;

namespace Ujar.Api.Admin;

/// <summary>
/// Commits an admin's change to categories, OPDs or holidays so that it is used at once: the same
/// <c>NOTIFY ujar_routing</c> as <c>migrate</c> (delivered at commit) makes every running instance reload, and this
/// instance reloads before answering, so the admin's next complaint or deadline already follows the change.
/// </summary>
public static class ReferenceChanges
{
    public static async Task CommitAsync(UjarDb db, IDbContextTransaction tx, ComplaintRouter router, WorkingCalendars calendars, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"NOTIFY {RoutingReloader.Channel}", ct);
        await tx.CommitAsync(ct);
        await router.ReloadAsync(db, ct);
        await calendars.ReloadAsync(db, ct);
    }
}
