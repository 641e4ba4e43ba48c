using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Admin;

/// <summary>
/// Staff accounts: list, create, change role/OPD/name, disable, set a password. Any change that should end the person's
/// current sign-ins (role, OPD, disabling, a new password) ends the account's open sessions in the same transaction
/// (<see cref="Sessions.EndAllOfAsync"/>), so its cookies, access and refresh tokens and open hub connections stop at
/// once, on every instance.
/// </summary>
public static class UserAdmin
{
    public sealed record UserView(string Id, string Email, string Name, string? Role, string? Opd, bool Disabled);

    public sealed record NewUser(string? Email, string? Name, string? Role, string? Opd, string? Password);

    /// <summary>
    /// Absent fields stay as they are. <c>opd</c> is kept when the (new) role works for an OPD and none is given, and
    /// dropped when the new role is admin or planner.
    /// </summary>
    public sealed record UserChange(string? Name, string? Role, string? Opd, bool? Disabled);

    public sealed record NewPassword(string? Password);

    public static async Task<IResult> ListAsync(UjarDb db, CancellationToken ct)
    {
        var roles = (await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct))
            .ToLookup(x => x.UserId, x => x.Name);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return TypedResults.Ok(users.Select(u => View(u, roles[u.Id].FirstOrDefault())).ToList());
    }

    public static async Task<IResult> CreateAsync(NewUser? body, HttpContext http, UserManager<StaffUser> users, UjarDb db,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        var email = body?.Email?.Trim() ?? "";
        var name = body?.Name?.Trim() ?? "";
        var role = body?.Role?.Trim() ?? "";
        var opd = NullIfBlank(body?.Opd);
        if (!IsEmail(email)) errors["email"] = new("alamat email tidak valid", "not a valid email address");
        else if (ComplaintRules.HasNul(email)) errors["email"] = ComplaintRules.NulRefused;
        if (name.Length is 0 or > 200) errors["name"] = new("nama wajib diisi (paling banyak 200 karakter)", "a name is required (at most 200 characters)");
        else if (ComplaintRules.HasNul(name)) errors["name"] = ComplaintRules.NulRefused;
        await CheckRoleAndOpdAsync(db, role, opd, errors, ct);
        await CheckPasswordAsync(users, body?.Password, errors);
        if (errors.Count > 0) return AdminProblems.Invalid(errors);
        if (await users.FindByEmailAsync(email) is not null) return EmailTaken(email);

        StaffAccounts.Outcome outcome;
        try
        {
            outcome = await StaffAccounts.CreateAsync(http.RequestServices, email, body!.Password!, role, opd, name, ct);
        }
        catch (DbUpdateException ex) when (AdminProblems.IsUniqueViolation(ex))
        {
            return EmailTaken(email);
        }
        switch (outcome)
        {
            case StaffAccounts.Created created:
                loggers.Audit().LogInformation("Admin {Admin} created account {Email} ({Role}, OPD {Opd})",
                    StaffScope.Of(http.User)?.Email, email, role, opd ?? "-");
                return TypedResults.Created($"/api/admin/users/{created.User.Id}", View(created.User, role));
            case StaffAccounts.Refused refused:
                // The checks above make these rare (an OPD deleted meanwhile, an address Identity finds invalid).
                return AdminProblems.Invalid(new Dictionary<string, Bilingual> { [FieldOf(refused.Code)] = RefusalText(refused) });
            default:
                throw new InvalidOperationException("unreachable");
        }
    }

    public static async Task<IResult> ChangeAsync(string id, UserChange? body, HttpContext http, UserManager<StaffUser> users, UjarDb db,
        SessionCache sessions, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var me = StaffScope.Of(http.User)!;
        if (await users.FindByIdAsync(id) is not { } user) return AccountNotFound();
        body ??= new UserChange(null, null, null, null);
        var currentRole = (await users.GetRolesAsync(user)).FirstOrDefault();
        var role = NullIfBlank(body.Role) ?? currentRole ?? "";
        var given = NullIfBlank(body.Opd);
        var opd = Roles.BelongsToOpd(role) ? given ?? user.OpdCode : given;

        if (user.Id == me.UserId && role != Roles.Admin)
            return AdminProblems.Conflict("cannot_change_own_role",
                new Bilingual("Tidak dapat mencabut peran admin Anda sendiri", "You cannot remove your own admin role"),
                new Bilingual("Minta admin lain untuk mengubah peran Anda.", "Ask another admin to change your role."));
        if (user.Id == me.UserId && body.Disabled == true)
            return AdminProblems.Conflict("cannot_disable_self",
                new Bilingual("Tidak dapat menonaktifkan akun Anda sendiri", "You cannot disable your own account"));

        var errors = new Dictionary<string, Bilingual>();
        var name = body.Name?.Trim();
        if (name is { Length: 0 or > 200 }) errors["name"] = new("nama tidak boleh kosong (paling banyak 200 karakter)", "the name cannot be empty (at most 200 characters)");
        else if (ComplaintRules.HasNul(name)) errors["name"] = ComplaintRules.NulRefused;
        await CheckRoleAndOpdAsync(db, role, opd, errors, ct);
        if (errors.Count > 0) return AdminProblems.Invalid(errors);

        var changes = new List<string>();
        var endSignIns = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (name is not null && name != user.DisplayName)
        {
            user.DisplayName = name;
            changes.Add("name");
        }
        if (opd != user.OpdCode)
        {
            changes.Add($"opd {user.OpdCode ?? "-"} → {opd ?? "-"}");
            user.OpdCode = opd;
            endSignIns = true;
        }
        var results = new List<IdentityResult>();
        if (changes.Count > 0) results.Add(await users.UpdateAsync(user));
        if (role != currentRole)
        {
            if (currentRole is not null) results.Add(await users.RemoveFromRoleAsync(user, currentRole));
            results.Add(await users.AddToRoleAsync(user, role));
            changes.Add($"role {currentRole ?? "-"} → {role}");
            endSignIns = true;
        }
        var disabled = StaffAccounts.IsDisabled(user);
        if (body.Disabled == true && !disabled)
        {
            results.Add(await users.SetLockoutEnabledAsync(user, true));
            results.Add(await users.SetLockoutEndDateAsync(user, StaffAccounts.DisabledUntil));
            changes.Add("disabled");
            endSignIns = true;
        }
        else if (body.Disabled == false && disabled)
        {
            results.Add(await users.SetLockoutEndDateAsync(user, null));
            changes.Add("enabled");
        }
        if (results.FirstOrDefault(r => !r.Succeeded) is { } failed) return NotChanged(failed);
        IReadOnlyList<Guid> ended = endSignIns ? await Sessions.EndAllOfAsync(db, user.Id, clock.GetUtcNow(), ct) : [];
        await tx.CommitAsync(ct);
        sessions.Ended(ended);

        if (changes.Count > 0)
            loggers.Audit().LogInformation("Admin {Admin} changed account {Email}: {Changes}; {Ended} sessions ended", me.Email, user.Email,
                string.Join(", ", changes), ended.Count);
        return TypedResults.Ok(View(user, role));
    }

    public static async Task<IResult> SetPasswordAsync(string id, NewPassword? body, HttpContext http, UserManager<StaffUser> users, UjarDb db,
        SessionCache sessions, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id) is not { } user) return AccountNotFound();
        var errors = new Dictionary<string, Bilingual>();
        await CheckPasswordAsync(users, body?.Password, errors, user);
        if (errors.Count > 0) return AdminProblems.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await users.RemovePasswordAsync(user);
        if (!removed.Succeeded) return NotChanged(removed);
        var added = await users.AddPasswordAsync(user, body!.Password!);
        if (!added.Succeeded) return NotChanged(added);
        var ended = await Sessions.EndAllOfAsync(db, user.Id, clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        sessions.Ended(ended);

        loggers.Audit().LogInformation("Admin {Admin} set a new password for account {Email}; {Ended} sessions ended",
            StaffScope.Of(http.User)?.Email, user.Email, ended.Count);
        return TypedResults.NoContent();
    }

    private static UserView View(StaffUser user, string? role) =>
        new(user.Id, user.Email ?? "", user.DisplayName, role, user.OpdCode, StaffAccounts.IsDisabled(user));

    /// <summary>The rule of <see cref="StaffAccounts"/>: one known role, and an existing OPD exactly when the role works for one.</summary>
    private static async Task CheckRoleAndOpdAsync(UjarDb db, string role, string? opd, Dictionary<string, Bilingual> errors, CancellationToken ct)
    {
        if (!Roles.All.Contains(role))
        {
            errors["role"] = new($"peran harus salah satu dari {string.Join(", ", Roles.All)}", $"role must be one of {string.Join(", ", Roles.All)}");
            return;
        }
        if (ComplaintRules.HasNul(opd))
            errors["opd"] = ComplaintRules.NulRefused;
        else if (Roles.BelongsToOpd(role) && opd is null)
            errors["opd"] = new($"peran {role} wajib memiliki OPD", $"the {role} role needs an OPD");
        else if (!Roles.BelongsToOpd(role) && opd is not null)
            errors["opd"] = new($"peran {role} tidak memiliki OPD", $"the {role} role has no OPD");
        else if (opd is not null && !await db.Opds.AnyAsync(o => o.Code == opd, ct))
            errors["opd"] = new($"tidak ada OPD dengan kode '{opd}'", $"no OPD with code '{opd}'");
    }

    /// <summary>Identity's own password rules (see <see cref="AccountsSetup"/>), answered in both languages.</summary>
    private static async Task CheckPasswordAsync(UserManager<StaffUser> users, string? password, Dictionary<string, Bilingual> errors,
        StaffUser? user = null)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = new("kata sandi wajib diisi", "a password is required");
            return;
        }
        var failures = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
            failures.AddRange((await validator.ValidateAsync(users, user ?? new StaffUser(), password)).Errors);
        if (failures.Count == 0) return;
        var texts = failures.Select(PasswordText).ToList();
        errors["password"] = new(string.Join("; ", texts.Select(t => t.Id)), string.Join("; ", texts.Select(t => t.En)));
    }

    private static Bilingual PasswordText(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => new("terlalu pendek", error.Description),
        nameof(IdentityErrorDescriber.PasswordRequiresDigit) => new("harus memuat angka", error.Description),
        nameof(IdentityErrorDescriber.PasswordRequiresLower) => new("harus memuat huruf kecil", error.Description),
        nameof(IdentityErrorDescriber.PasswordRequiresUpper) => new("harus memuat huruf besar", error.Description),
        nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => new("harus memuat simbol", error.Description),
        _ => new("tidak memenuhi aturan kata sandi", error.Description),
    };

    private static string FieldOf(string refusalCode) => refusalCode switch
    {
        "unknown_role" => "role",
        "opd_mismatch" or "unknown_opd" => "opd",
        _ => "account",
    };

    private static Bilingual RefusalText(StaffAccounts.Refused refused) => refused.Code switch
    {
        "unknown_role" => new("peran tidak dikenal", refused.Reason),
        "opd_mismatch" => new("OPD tidak sesuai dengan peran", refused.Reason),
        "unknown_opd" => new("OPD tidak dikenal", refused.Reason),
        _ => new("akun tidak dapat dibuat", refused.Reason),
    };

    private static IResult EmailTaken(string email) =>
        AdminProblems.Conflict("email_taken",
            new Bilingual("Email sudah dipakai", "Email already in use"),
            new Bilingual($"Sudah ada akun dengan email {email}.", $"An account with email {email} already exists."));

    private static IResult AccountNotFound() => Problems.NotFound(new Bilingual("Akun tidak ditemukan", "Account not found"));

    /// <summary>Identity refused a step (in practice: another admin changed the account at the same moment); nothing was saved.</summary>
    private static IResult NotChanged(IdentityResult failed) =>
        AdminProblems.Conflict("account_not_changed",
            new Bilingual("Akun tidak diubah", "The account was not changed"),
            new Bilingual("Akun sedang diubah oleh orang lain; muat ulang lalu coba lagi. " + string.Join(" ", failed.Errors.Select(e => e.Code)),
                "Someone else changed the account meanwhile; reload and try again. " + string.Join(" ", failed.Errors.Select(e => e.Description))));

    private static bool IsEmail(string email) =>
        email.Length is > 0 and <= 256 && MailAddress.TryCreate(email, out var address) && address.Address == email;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
