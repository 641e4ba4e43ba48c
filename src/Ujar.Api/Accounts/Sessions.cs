using System.Linq.Expressions;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;

namespace Ujar.Api.Accounts;

/// <summary>
/// Staff sessions (<see cref="StaffSession"/>): a sign-in starts one; each signed-in request or refresh keeps it alive for
/// <see cref="IdleLifetime"/> more; logout, an account change or the reuse of a rotated refresh token ends it. The staff
/// cookie and the short-lived access tokens carry the session's id (<see cref="StaffClaims.Session"/>), and
/// <see cref="SessionCache"/> refuses every cookie and token whose session has ended. Each end is announced to every
/// instance by <c>NOTIFY</c> on <see cref="EndedChannel"/>, sent in the transaction that ends the session.
/// </summary>
public static class Sessions
{
    /// <summary>A crew's working day: a session unused for this long ends; each request or refresh starts the time again.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(12);

    /// <summary>Short, so an access token copied out of a client is worth little; <c>POST /api/auth/refresh</c> gives the next.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(10);

    public const int MaxUserAgentLength = 300;

    /// <summary>The NOTIFY channel: ids of sessions just ended, comma-separated.</summary>
    public const string EndedChannel = "ujar_sessions";

    // 200 ids of 36 characters stay well under PostgreSQL's 8,000-byte payload limit.
    private const int IdsPerNotification = 200;

    /// <summary>The bearer answer, in the shape Identity's own endpoints use.</summary>
    public sealed record TokenAnswer(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

    public sealed record Started(StaffSession Session, ClaimsPrincipal Principal, string? RefreshToken);

    public abstract record Rotation;
    public sealed record Rotated(StaffSession Session, string RefreshToken) : Rotation;
    /// <summary>Not a token of any open session (unknown, ended, expired, garbled).</summary>
    public sealed record Refused : Rotation;
    /// <summary>A token this session had already rotated away: the session has been ended.</summary>
    public sealed record Reused(StaffSession Session) : Rotation;

    /// <summary>
    /// Starts a session for <paramref name="user"/>, whose password was just found to match <paramref name="verifiedPasswordHash"/>,
    /// and the principal its cookie or tokens carry. Null when, meanwhile, the account was disabled or given a new password.
    /// </summary>
    public static async Task<Started?> StartAsync(UjarDb db, SignInManager<StaffUser> signIn, StaffUser user, string? verifiedPasswordHash,
        SessionKind kind, HttpContext http, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The account's row stays share-locked until the session is in. An admin's change writes that row and ends the
        // account's open sessions in its own transaction, so it either committed before this lock (and the reload below
        // sees it) or waits for this commit and then ends this session with the others. Without the lock, a sign-in
        // racing a "disable" could outlive it.
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "AspNetUsers" WHERE id = {user.Id} FOR SHARE""", ct);
        await db.Entry(user).ReloadAsync(ct);
        if (StaffAccounts.IsDisabled(user) || user.PasswordHash != verifiedPasswordHash) return null;

        var session = new StaffSession
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            Kind = kind,
            CreatedAt = now.UtcDateTime,
            LastSeenAt = now.UtcDateTime,
            ExpiresAt = (now + IdleLifetime).UtcDateTime,
            ClientAddress = ClientAddress(http)?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, MaxUserAgentLength)] : null,
        };
        var refreshToken = kind == SessionKind.Bearer ? NewRefreshToken(session.Id) : null;
        session.RefreshTokenHash = refreshToken is null ? null : Hash(refreshToken);
        db.StaffSessions.Add(session);
        await db.SaveChangesAsync(ct);
        var principal = await PrincipalAsync(signIn, user, session.Id);
        await tx.CommitAsync(ct);
        return new Started(session, principal, refreshToken);
    }

    /// <summary>The account's current claims (role, OPD, name: read now, so a new name shows at the next refresh) plus the session.</summary>
    public static async Task<ClaimsPrincipal> PrincipalAsync(SignInManager<StaffUser> signIn, StaffUser user, Guid sessionId)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(StaffClaims.Session, sessionId.ToString("N")));
        return principal;
    }

    /// <summary>An access token for <paramref name="principal"/> (Identity's bearer format, data-protected, <see cref="AccessTokenLifetime"/>).</summary>
    public static TokenAnswer Tokens(HttpContext http, ClaimsPrincipal principal, string refreshToken, DateTimeOffset now)
    {
        var bearer = http.RequestServices.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = now + AccessTokenLifetime },
            IdentityConstants.BearerScheme);
        return new TokenAnswer("Bearer", bearer.BearerTokenProtector.Protect(ticket), (long)AccessTokenLifetime.TotalSeconds, refreshToken);
    }

    /// <summary>
    /// Exchanges a refresh token for the next one. Each token works once: presenting one that was already rotated away means
    /// two parties hold tokens of this session (the client and whoever copied the old one), and which is which cannot be
    /// told, so the session ends for both. A client must therefore not refresh twice at once.
    /// </summary>
    public static async Task<Rotation> RotateAsync(UjarDb db, SessionCache cache, string refreshToken, DateTimeOffset now, CancellationToken ct)
    {
        if (SessionIdOf(refreshToken) is not { } id) return new Refused();
        var session = await db.StaffSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is not { Kind: SessionKind.Bearer, RevokedAt: null } || session.ExpiresAt <= now.UtcDateTime) return new Refused();

        var presented = Hash(refreshToken);
        var next = NewRefreshToken(id);
        var nextHash = Hash(next);
        var expires = (now + IdleLifetime).UtcDateTime;
        var rotated = await db.StaffSessions
            .Where(s => s.Id == id && s.RefreshTokenHash == presented && s.RevokedAt == null && s.ExpiresAt > now.UtcDateTime)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.RefreshTokenHash, nextHash)
                .SetProperty(s => s.LastSeenAt, now.UtcDateTime)
                .SetProperty(s => s.ExpiresAt, expires), ct);
        if (rotated == 1) return new Rotated(session, next);

        // Not the current token (or the session ended in the meantime, and then this changes nothing).
        await EndOneAsync(db, cache, id, "refresh_token_reused", now, ct);
        return new Reused(session);
    }

    /// <summary>Ends one session now (logout, a reused refresh token): on this instance at once, on the others at the NOTIFY.</summary>
    public static async Task EndOneAsync(UjarDb db, SessionCache cache, Guid sessionId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ended = await EndAsync(db, s => s.Id == sessionId, reason, now, ct);
        await tx.CommitAsync(ct);
        cache.Ended(ended);
    }

    /// <summary>
    /// Ends every open session of an account, inside the caller's transaction (an admin's change to the account, made after
    /// the account's row was written: see <see cref="StartAsync"/>). The NOTIFY goes out at commit; after committing, pass
    /// the ids to <see cref="SessionCache.Ended"/> so this instance stops at once too.
    /// </summary>
    public static Task<IReadOnlyList<Guid>> EndAllOfAsync(UjarDb db, string userId, DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("An account's sessions are ended in the transaction that changes the account.");
        return EndAsync(db, s => s.UserId == userId, "account_changed", now, ct);
    }

    private static async Task<IReadOnlyList<Guid>> EndAsync(UjarDb db, Expression<Func<StaffSession, bool>> which, string reason,
        DateTimeOffset now, CancellationToken ct)
    {
        var ids = await db.StaffSessions.Where(which).Where(s => s.RevokedAt == null).Select(s => s.Id).ToListAsync(ct);
        if (ids.Count == 0) return ids;
        await db.StaffSessions.Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now.UtcDateTime).SetProperty(s => s.RevokedReason, reason), ct);
        foreach (var chunk in ids.Chunk(IdsPerNotification))
        {
            var payload = string.Join(',', chunk.Select(id => id.ToString("N")));
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({EndedChannel}, {payload})", ct);
        }
        return ids;
    }

    /// <summary>The open session's account, kind and expiry; with <paramref name="touch"/> (a signed-in request) the session's
    /// sliding expiry moves on, written at most once per <see cref="SessionCache.Lifetime"/>.</summary>
    public static async Task<(string UserId, SessionKind Kind, DateTime ExpiresAt)?> ReadOpenAsync(UjarDb db, Guid id, DateTimeOffset now,
        bool touch, CancellationToken ct)
    {
        var utcNow = now.UtcDateTime;
        var open = await db.StaffSessions.AsNoTracking()
            .Where(s => s.Id == id && s.RevokedAt == null && s.ExpiresAt > utcNow)
            .Select(s => new { s.UserId, s.Kind, s.ExpiresAt, s.LastSeenAt })
            .SingleOrDefaultAsync(ct);
        if (open is null) return null;
        if (!touch || open.LastSeenAt > utcNow - SessionCache.Lifetime) return (open.UserId, open.Kind, open.ExpiresAt);
        var expires = utcNow + IdleLifetime;
        await db.StaffSessions.Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, utcNow).SetProperty(s => s.ExpiresAt, expires), ct);
        return (open.UserId, open.Kind, expires);
    }

    /// <summary>The client's address, IPv4 written as IPv4 even when it arrived on an IPv6 socket.</summary>
    public static IPAddress? ClientAddress(HttpContext http) =>
        http.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : http.Connection.RemoteIpAddress;

    /// <summary><c>{session id}.{32 random bytes, base64url}</c>: the id finds the session, so a token rotated away is
    /// recognised as this session's when it comes back.</summary>
    private static string NewRefreshToken(Guid sessionId) =>
        $"{sessionId:N}.{System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";

    private static Guid? SessionIdOf(string refreshToken) =>
        refreshToken.Length is > 33 and <= 200 && refreshToken[32] == '.' && Guid.TryParseExact(refreshToken.AsSpan(0, 32), "N", out var id)
            ? id
            : null;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
