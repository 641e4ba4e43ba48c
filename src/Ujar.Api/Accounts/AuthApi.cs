using Microsoft.AspNetCore.Identity;
using Ujar.Api.Limits;
using Ujar.Api.Security;
using Ujar.Api.Setup;

namespace Ujar.Api.Accounts;

/// <summary>Staff sign-in. Citizens never sign in: their reporter token proves a ticket is theirs.</summary>
public static class AuthApi
{
    public sealed record LoginRequest(string? Email, string? Password);
    public sealed record Me(string Email, string Name, string Role, string? Opd);

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/login", Login).ProducesProblem(401).ProducesProblem(422).ProducesProblem(429).AllowAnonymous()
            .RequireRateLimiting(AbuseLimits.SignIn)
            .CarriesSecrets();   // the access and refresh tokens
        auth.MapPost("/logout", Logout).RequireAuthorization(StaffPolicies.AnyStaff);
        auth.MapGet("/me", (HttpContext context) => StaffScope.Of(context.User) is { } s
                ? Results.Ok(new Me(s.Email, s.DisplayName, s.Role, s.OpdCode))
                : Results.Forbid())
            .RequireAuthorization(StaffPolicies.AnyStaff);
        return app;
    }

    /// <summary>
    /// <c>POST /api/auth/login {email, password}</c> → <c>{tokenType, accessToken, expiresIn, refreshToken}</c>;
    /// with <c>?cookie=true</c> (the web pages) a session cookie instead and the account as JSON. Five wrong passwords
    /// lock the account for 15 minutes.
    /// </summary>
    private static async Task<IResult> Login(LoginRequest? body, SignInManager<StaffUser> signIn, bool cookie = false)
    {
        if (string.IsNullOrWhiteSpace(body?.Email) || string.IsNullOrEmpty(body.Password))
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["email"] = new("email dan kata sandi wajib diisi", "email and password are required"),
            });

        signIn.AuthenticationScheme = cookie ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(body.Email.Trim(), body.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut && await signIn.UserManager.FindByEmailAsync(body.Email.Trim()) is { } locked && StaffAccounts.IsDisabled(locked))
            return Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "account_disabled",
                new Bilingual("Akun dinonaktifkan", "Account disabled"),
                new Bilingual("Akun ini dinonaktifkan oleh admin. Hubungi admin Diskominfo.",
                    "An admin has disabled this account. Contact the Diskominfo admin.")));
        if (result.IsLockedOut)
            return Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "locked_out",
                new Bilingual("Akun dikunci sementara", "Account temporarily locked"),
                new Bilingual($"Terlalu banyak percobaan gagal. Coba lagi dalam {AccountsSetup.LockoutTime.TotalMinutes:0} menit.",
                    $"Too many failed attempts. Try again in {AccountsSetup.LockoutTime.TotalMinutes:0} minutes.")));
        if (!result.Succeeded)
            return Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials",
                new Bilingual("Email atau kata sandi salah", "Wrong email or password")));

        if (!cookie) return Results.Empty;   // the bearer handler has written the token
        var user = await signIn.UserManager.FindByEmailAsync(body.Email.Trim());
        var roles = await signIn.UserManager.GetRolesAsync(user!);
        return Results.Ok(new Me(user!.Email!, user.DisplayName, roles.Single(), user.OpdCode));
    }

    private static async Task<IResult> Logout(SignInManager<StaffUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.NoContent();
    }
}
