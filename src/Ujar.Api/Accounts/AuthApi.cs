using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Limits;
using Ujar.Api.Security;
using Ujar.Api.Setup;

namespace Ujar.Api.Accounts;

/// <summary>Staff sign-in. Citizens never sign in: their reporter token proves a ticket is theirs.</summary>
public static class AuthApi
{
    public sealed record LoginRequest(string? Email, string? Password);
    public sealed record RefreshRequest(string? RefreshToken);
    public sealed record Me(string Email, string Name, string Role, string? Opd);

    // An unknown e-mail is checked against this hash, so it costs the same password check as a wrong password and the time
    // of the answer does not tell which e-mails have accounts. Made by the service's own hasher, with its work factor.
    private static string? _unknownAccountHash;

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/login", Login).ProducesProblem(401).ProducesProblem(403).ProducesProblem(422).ProducesProblem(429).AllowAnonymous()
            .RequireRateLimiting(AbuseLimits.SignIn)
            .CarriesSecrets();   // the access and refresh tokens
        auth.MapPost("/refresh", Refresh).ProducesProblem(401).ProducesProblem(422).ProducesProblem(429).AllowAnonymous()
            .RequireRateLimiting(AbuseLimits.SignIn)
            .CarriesSecrets();
        auth.MapPost("/logout", Logout).RequireAuthorization(StaffPolicies.AnyStaff);
        auth.MapGet("/me", (HttpContext context) => StaffScope.Of(context.User) is { } s
                ? Results.Ok(new Me(s.Email, s.DisplayName, s.Role, s.OpdCode))
                : Results.Forbid())
            .RequireAuthorization(StaffPolicies.AnyStaff);
        return app;
    }

    /// <summary>
    /// <c>POST /api/auth/login {email, password}</c> → <c>{tokenType, accessToken, expiresIn, refreshToken}</c>; with
    /// <c>?cookie=true</c> (the web pages, which must send it from our own origin) the staff cookie instead and the account
    /// as JSON. Either way a new session. Failed attempts are throttled per (account, address) and per address
    /// (<see cref="SignInThrottle"/>), never per account alone.
    /// </summary>
    private static async Task<IResult> Login(LoginRequest? body, HttpContext http, UjarDb db, SignInManager<StaffUser> signIn,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct, bool cookie = false)
    {
        if (string.IsNullOrWhiteSpace(body?.Email) || string.IsNullOrEmpty(body.Password))
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["email"] = new("email dan kata sandi wajib diisi", "email and password are required"),
            });
        if (ComplaintRules.HasNul(body.Email))
            return Problems.Validation(new Dictionary<string, Bilingual> { ["email"] = ComplaintRules.NulRefused });
        // Signing a browser in to an account of someone else's choosing is a forgery too.
        if (cookie && !CrossSiteRequests.IsSameOrigin(http.Request)) return Problems.Result(CrossSiteRequests.Refused());

        var email = body.Email.Trim();
        var now = clock.GetUtcNow();
        var throttle = SignInThrottle.KeysFor(email, ClientAddress.Of(http));
        if (await SignInThrottle.BeginAttemptAsync(db, throttle, now, ct) is { } wait) return TooManyAttempts(http, wait);

        var users = signIn.UserManager;
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            var hash = _unknownAccountHash ??= users.PasswordHasher.HashPassword(new StaffUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
            users.PasswordHasher.VerifyHashedPassword(new StaffUser(), hash, body.Password);
            return InvalidCredentials();
        }
        if (!await users.CheckPasswordAsync(user, body.Password)) return InvalidCredentials();

        await SignInThrottle.ForgiveAsync(db, throttle, now, ct);
        if (StaffAccounts.IsDisabled(user)) return AccountDisabled();
        var kind = cookie ? SessionKind.Cookie : SessionKind.Bearer;
        if (await Sessions.StartAsync(db, signIn, user, user.PasswordHash, kind, http, now, ct) is not { } started)
            return StaffAccounts.IsDisabled(user) ? AccountDisabled() : InvalidCredentials();
        loggers.CreateLogger(typeof(AuthApi).FullName!).LogInformation("Account {Email} signed in: {Kind} session {Session} from {Address}",
            user.Email, kind, started.Session.Id, started.Session.ClientAddress);

        if (!cookie) return TypedResults.Ok(Sessions.Tokens(http, started.Principal, started.RefreshToken!, now));
        await http.SignInAsync(IdentityConstants.ApplicationScheme, started.Principal);
        var me = StaffScope.Of(started.Principal)!;
        return TypedResults.Ok(new Me(me.Email, me.DisplayName, me.Role, me.OpdCode));
    }

    /// <summary><c>POST /api/auth/refresh {refreshToken}</c> → the same answer as a bearer sign-in, in the same session. The
    /// refresh token is rotated: the one sent stops working, and sending it again ends the session.</summary>
    private static async Task<IResult> Refresh(RefreshRequest? body, HttpContext http, UjarDb db, SignInManager<StaffUser> signIn,
        SessionCache cache, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body?.RefreshToken))
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["refreshToken"] = new("refreshToken wajib diisi", "refreshToken is required"),
            });
        var now = clock.GetUtcNow();
        switch (await Sessions.RotateAsync(db, cache, body.RefreshToken, now, ct))
        {
            case Sessions.Rotated rotated when await signIn.UserManager.FindByIdAsync(rotated.Session.UserId) is { } user:
                var principal = await Sessions.PrincipalAsync(signIn, user, rotated.Session.Id);
                return TypedResults.Ok(Sessions.Tokens(http, principal, rotated.RefreshToken, now));
            case Sessions.Reused reused:
                loggers.CreateLogger(typeof(AuthApi).FullName!).LogWarning(
                    "A refresh token of session {Session} (account {UserId}) came back after it had been replaced: stolen or copied; the session is ended",
                    reused.Session.Id, reused.Session.UserId);
                return SessionEnded();
            default:
                return SessionEnded();
        }
    }

    /// <summary>Ends the session this request is signed in with: its cookie, access tokens and refresh token stop at once,
    /// here and (through NOTIFY) on every other instance.</summary>
    private static async Task<IResult> Logout(HttpContext http, UjarDb db, SessionCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (SessionRef.Of(http.User) is { } session) await Sessions.EndOneAsync(db, cache, session.Id, "logout", clock.GetUtcNow(), ct);
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);   // and the browser forgets the cookie
        return Results.NoContent();
    }

    private static IResult InvalidCredentials() =>
        Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials",
            new Bilingual("Email atau kata sandi salah", "Wrong email or password")));

    private static IResult AccountDisabled() =>
        Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "account_disabled",
            new Bilingual("Akun dinonaktifkan", "Account disabled"),
            new Bilingual("Akun ini dinonaktifkan oleh admin. Hubungi admin Diskominfo.",
                "An admin has disabled this account. Contact the Diskominfo admin.")));

    private static IResult SessionEnded() =>
        Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "invalid_refresh_token",
            new Bilingual("Sesi sudah berakhir", "Session ended"),
            new Bilingual("Token penyegar tidak berlaku lagi. Silakan masuk kembali.", "The refresh token is no longer valid. Please sign in again.")));

    private static IResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Result(Problems.Create(StatusCodes.Status429TooManyRequests, "too_many_attempts",
            new Bilingual("Terlalu banyak percobaan masuk", "Too many sign-in attempts"),
            new Bilingual($"Terlalu banyak percobaan gagal dari alamat ini. Coba lagi dalam {seconds} detik.",
                $"Too many failed attempts from this address. Try again in {seconds} seconds.")));
    }
}
