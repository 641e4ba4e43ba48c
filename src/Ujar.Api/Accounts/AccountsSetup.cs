using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Accounts;

public static class AccountsSetup
{
    /// <summary>Every instance must name the same application, or each would read the shared keys as someone else's.</summary>
    public const string DataProtectionApplicationName = "ujar";

    /// <summary>
    /// Staff accounts on Identity over the same database: cookie sign-in for the web pages, bearer tokens for API clients
    /// (and for the hub, where a browser's WebSocket cannot send headers: <c>?access_token=</c> on <c>/hubs</c> only), each
    /// bound to a server-side session (<see cref="Sessions"/>). Cookies and tokens are sealed with data-protection keys kept
    /// in PostgreSQL, so any instance accepts what another issued, also after restarts. An unauthenticated call gets 401 and
    /// a forbidden one 403, never a redirect to a login page.
    /// </summary>
    public static IServiceCollection AddStaffAccounts(this IServiceCollection services)
    {
        services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<UjarDb>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>();
        services.AddDataProtection()
            .SetApplicationName(DataProtectionApplicationName)
            .PersistKeysToDbContext<UjarDb>();
        // First of all hosted services: data protection's own start-up load of the key ring (which makes a key when it
        // finds none) must come after it.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SharedKeyRing>());

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "ujar.staff";
            o.Cookie.SameSite = SameSiteMode.Strict;   // no request from another site carries the staff cookie
            o.Cookie.HttpOnly = true;
            // The cookie slides as its session does: renewed by use, gone after a working day without any.
            o.ExpireTimeSpan = Sessions.IdleLifetime;
            o.SlidingExpiration = true;
            // Identity would re-check the security stamp every 30 minutes and rebuild the sign-in without its session id;
            // the session check (RequireOpenSessionAsync) does that job, on every request.
            o.Events.OnValidatePrincipal = _ => Task.CompletedTask;
            o.Events.OnRedirectToLogin = context => Status(context.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Status(context.Response, StatusCodes.Status403Forbidden);
        });
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, o =>
        {
            o.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    context.Token = token;
                return Task.CompletedTask;
            };
        });
        services.AddSingleton<SessionCache>();
        services.AddHostedService<SessionListener>();
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.AnyStaff, p => p.RequireRole(Roles.All))
            .AddPolicy(StaffPolicies.OpdWork, p => p.RequireRole(Roles.Admin, Roles.OpdStaff, Roles.Crew))
            .AddPolicy(StaffPolicies.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }

    public static WebApplication UseStaffAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(RequireOpenSessionAsync);
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// A cookie or access token counts only while its session is open: one that ended (logout, an account change, a
    /// reused refresh token) or went unused for <see cref="Sessions.IdleLifetime"/> leaves the request anonymous. A request
    /// signed in by the cookie that could change something must also come from our own pages (<see cref="CrossSiteRequests"/>).
    /// </summary>
    private static async Task RequireOpenSessionAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var kind = await context.RequestServices.GetRequiredService<SessionCache>().CheckAsync(context.User, context.RequestAborted);
            if (kind is null)
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
            else if (kind == SessionKind.Cookie && CrossSiteRequests.NeedProof(context) && !CrossSiteRequests.IsSameOrigin(context.Request))
            {
                await Problems.Result(CrossSiteRequests.Refused()).ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Loads the data-protection key ring before the service takes requests, under a PostgreSQL advisory lock: on an empty key
/// table, instances starting together would each make a first key of their own (measured: 2 keys in 2 of 3 starts of
/// two instances without the lock), and until its next refresh (a day) each would refuse the others' cookies and tokens.
/// With the lock the first makes it and the rest find it. Later keys are made two days before they take over, so every
/// instance has read them by then.
/// </summary>
public sealed class SharedKeyRing(IDataProtectionProvider protection, IDbContextFactory<UjarDb> dbFactory, ILogger<SharedKeyRing> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('ujar.data-protection-keys'))", cancellationToken);
            protection.CreateProtector(nameof(SharedKeyRing)).Protect([0]);
            await tx.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not load the data-protection keys (has `migrate` been run?)");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
