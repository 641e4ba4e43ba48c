using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.Accounts;

/// <summary>Creating accounts: one role each, and an OPD exactly when the role works for one.</summary>
public static class StaffAccounts
{
    /// <summary>
    /// Identity has no "disabled": a lockout ending in the year 9999 is one (wrong passwords lock nothing: they are
    /// throttled per address, see <see cref="SignInThrottle"/>). A disabled account cannot sign in, whatever password it is given.
    /// </summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsDisabled(StaffUser user) => user.LockoutEnd >= DisabledUntil;

    public abstract record Outcome;
    public sealed record Created(StaffUser User) : Outcome;
    public sealed record Refused(string Code, string Reason) : Outcome;

    public static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    public static async Task<Outcome> CreateAsync(IServiceProvider services, string email, string password, string role, string? opdCode,
        string displayName, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) return new Refused("unknown_role", $"role must be one of {string.Join(", ", Roles.All)}");
        if (Roles.BelongsToOpd(role) != opdCode is not null)
            return new Refused("opd_mismatch", Roles.BelongsToOpd(role) ? $"{role} needs an OPD" : $"{role} has no OPD");
        var db = services.GetRequiredService<UjarDb>();
        if (opdCode is not null && !await db.Opds.AnyAsync(o => o.Code == opdCode, ct))
            return new Refused("unknown_opd", $"no OPD with code '{opdCode}'");

        await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, OpdCode = opdCode };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return new Refused("invalid_account", string.Join(" ", created.Errors.Select(e => e.Description)));
        var inRole = await users.AddToRoleAsync(user, role);
        if (!inRole.Succeeded)
        {
            await users.DeleteAsync(user);
            return new Refused("invalid_account", string.Join(" ", inRole.Errors.Select(e => e.Description)));
        }
        return new Created(user);
    }
}
