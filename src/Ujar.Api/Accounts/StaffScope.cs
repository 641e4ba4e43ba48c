using System.Security.Claims;
using Ujar.Api.Complaints;

namespace Ujar.Api.Accounts;

/// <summary>
/// What a signed-in person may see and do, read from their claims. Every staff endpoint and hub method asks this,
/// so the rule "one OPD's people neither read the contacts of nor change another OPD's complaints" lives in one place.
/// </summary>
public sealed record StaffScope(string UserId, string Email, string DisplayName, string Role, string? OpdCode)
{
    public static StaffScope? Of(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var role = Roles.All.FirstOrDefault(user.IsInRole);
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (role is null || id is null) return null;
        return new StaffScope(id, user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name ?? "",
            user.FindFirstValue(StaffClaims.DisplayName) ?? "", role, user.FindFirstValue(StaffClaims.Opd));
    }

    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Admin sees every complaint's internals; staff and crew only their own OPD's; planners no one's contacts.</summary>
    public bool CanReadInternals(string complaintOpd) => IsAdmin || (Roles.BelongsToOpd(Role) && OpdCode == complaintOpd);

    /// <summary>How the lifecycle table names this role; admins act as OPD staff of every OPD.</summary>
    public Actors Actor => Role switch
    {
        Roles.Admin or Roles.OpdStaff => Actors.Staff,
        Roles.Crew => Actors.Crew,
        _ => Actors.None,
    };
}
