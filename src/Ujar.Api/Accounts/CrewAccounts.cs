using Ujar.Api.Data;

namespace Ujar.Api.Accounts;

public static class CrewAccounts
{
    /// <summary>Crew accounts of <paramref name="opdCode"/> that can still sign in.</summary>
    public static IQueryable<StaffUser> CrewOf(this UjarDb db, string opdCode) =>
        db.Users.Where(u => u.OpdCode == opdCode
                            && (u.LockoutEnd == null || u.LockoutEnd < StaffAccounts.DisabledUntil)
                            && db.UserRoles.Any(ur => ur.UserId == u.Id
                                                      && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Crew)));
}
