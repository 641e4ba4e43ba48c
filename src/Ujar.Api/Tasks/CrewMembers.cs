using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Data;

namespace Ujar.Api.Tasks;

/// <summary>A crew member a complaint can be assigned to.</summary>
public sealed record CrewMember(string Id, string Name);

/// <summary>GET /api/staff/crew: the crew accounts of the caller's OPD (an admin names one with <c>?opd=</c>), the people an
/// assignment may name.</summary>
public static class CrewMembers
{
    public sealed record CrewList(IReadOnlyList<CrewMember> Items);

    public static async Task<IResult> ListAsync(ClaimsPrincipal user, UjarDb db, CancellationToken ct, string? opd = null)
    {
        var scope = StaffScope.Of(user)!;
        if (TaskProblems.OpdOutOfScope(scope, opd) is { } forbidden) return forbidden;
        var opdCode = scope.IsAdmin ? opd?.Trim().ToLowerInvariant() ?? "" : scope.OpdCode ?? "";
        var crew = await db.CrewOf(opdCode).OrderBy(u => u.DisplayName).ThenBy(u => u.Email)
            .Select(u => new CrewMember(u.Id, u.DisplayName == "" ? u.Email ?? u.Id : u.DisplayName)).ToListAsync(ct);
        return TypedResults.Ok(new CrewList(crew));
    }
}
