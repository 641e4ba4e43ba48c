using Microsoft.Extensions.Caching.Memory;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;

namespace Ujar.Api.Accounts;

public static class AccountsSetup
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);
    /// <summary>A crew's working day and then some: long enough not to sign in again in the field, short enough for a lost phone.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    /// <summary>
    /// Staff accounts on Identity over the same database: cookie sign-in for the web pages, bearer tokens for API clients
    /// (and for the hub, where a browser's WebSocket cannot send headers: <c>?access_token=</c> on <c>/hubs</c> only).
    /// An unauthenticated call gets 401 and a forbidden one 403, never a redirect to a login page.
    /// </summary>
    public static IServiceCollection AddStaffAccounts(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<CurrentStamps>();
        services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = LockoutTime;
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<UjarDb>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "ujar.staff";
            o.Cookie.SameSite = SameSiteMode.Strict;   // no cross-site request carries the staff cookie
            o.Cookie.HttpOnly = true;
            o.ExpireTimeSpan = TokenLifetime;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => Status(context.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Status(context.Response, StatusCodes.Status403Forbidden);
        });
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, o =>
        {
            o.BearerTokenExpiration = TokenLifetime;
            o.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    context.Token = token;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.AnyStaff, p => p.RequireRole(Roles.All))
            .AddPolicy(StaffPolicies.OpdWork, p => p.RequireRole(Roles.Admin, Roles.OpdStaff, Roles.Crew))
            .AddPolicy(StaffPolicies.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }

    public static WebApplication UseStaffAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(RefuseRevokedSignInsAsync);
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Identity checks a cookie's security stamp only every 30 minutes and a bearer token's never: a token stays valid
    /// for its whole 12 hours. An admin who disables an account, changes its role or OPD, or sets its password updates
    /// the stamp, so checking it here (one primary-key read per signed-in request) makes such a change bite at the next
    /// request, whichever way the person signed in. A hub connection already open keeps its sign-in until it closes.
    /// A stamp found current is trusted for <see cref="CurrentStamps.Lifetime"/> (a crew's phone polls nearby tasks;
    /// a database read per request halved its rate): the instance that makes a change forgets it at once, other
    /// instances within that time.
    /// </summary>
    private static async Task RefuseRevokedSignInsAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true && !await StillValidAsync(context))
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        await next(context);
    }

    private static async Task<bool> StillValidAsync(HttpContext context)
    {
        var stamps = context.RequestServices.GetRequiredService<CurrentStamps>();
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = context.User.FindFirstValue(context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value
            .ClaimsIdentity.SecurityStampClaimType);
        if (userId is not null && stamp is not null && stamps.IsKnownCurrent(userId, stamp)) return true;
        if (await context.RequestServices.GetRequiredService<SignInManager<StaffUser>>().ValidateSecurityStampAsync(context.User) is null)
            return false;
        if (userId is not null && stamp is not null) stamps.Remember(userId, stamp);
        return true;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}

/// <summary>Authorization policies by name, for <c>RequireAuthorization(...)</c> in the route tables.</summary>
public static class StaffPolicies
{
    /// <summary>Any signed-in staff account, planners included (reading).</summary>
    public const string AnyStaff = "any-staff";
    /// <summary>Those who work complaints: admin, OPD staff and crews (planners change nothing).</summary>
    public const string OpdWork = "opd-work";
    public const string Admin = "admin";
}

/// <summary>Adds the account's OPD and display name to its sign-in, beside Identity's id, name, email, stamp and role claims.</summary>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.OpdCode is { } opd) identity.AddClaim(new Claim(StaffClaims.Opd, opd));
        identity.AddClaim(new Claim(StaffClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

/// <summary>The security stamp last found current per account, remembered briefly (see <c>RefuseRevokedSignInsAsync</c>).</summary>
public sealed class CurrentStamps(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    public bool IsKnownCurrent(string userId, string stamp) => cache.TryGetValue(Key(userId), out string? known) && known == stamp;

    public void Remember(string userId, string stamp) => cache.Set(Key(userId), stamp, Lifetime);

    /// <summary>Called after an account's stamp changes, so this instance checks it again at the next request.</summary>
    public void Forget(string userId) => cache.Remove(Key(userId));

    private static string Key(string userId) => $"stamp:{userId}";
}
