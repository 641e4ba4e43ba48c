namespace Ujar.Api.Accounts;

/// <summary>How a session was started: the staff cookie (the web pages) or bearer and refresh tokens (API clients).</summary>
public enum SessionKind
{
    Cookie,
    Bearer,
}

/// <summary>
/// One sign-in, kept on the server (<c>staff_sessions</c>). The staff cookie and every access token carry only its id, so
/// ending the row ends all of them, on every instance (see <see cref="Sessions"/>). Rows stay after they end: they are
/// the account's sign-in history.
/// </summary>
public sealed class StaffSession
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public SessionKind Kind { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The last signed-in request or refresh, to within <see cref="SessionCache.Lifetime"/>.</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>Sliding: <see cref="Sessions.IdleLifetime"/> after <see cref="LastSeenAt"/>.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>Why it ended early: <c>logout</c>, <c>account_changed</c> or <c>refresh_token_reused</c>.</summary>
    public string? RevokedReason { get; set; }

    /// <summary>The address the sign-in came from, kept in clear: these are staff at work, and an admin looking into a
    /// stolen token needs it.</summary>
    public string? ClientAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Lower-case hex SHA-256 of the current refresh token (bearer sessions only); the token itself is never stored.</summary>
    public string? RefreshTokenHash { get; set; }
}

/// <summary>
/// Recent failed sign-ins under one throttling key (<c>sign_in_throttle</c>): an (account, address) pair or an address,
/// stored as a SHA-256 so neither typed e-mails (sometimes a password typed in the wrong field) nor addresses sit in clear.
/// See <see cref="SignInThrottle"/>.
/// </summary>
public sealed class SignInThrottleEntry
{
    public required string Key { get; set; }

    public int Failures { get; set; }

    public DateTime LastFailureAt { get; set; }

    public DateTime? BlockedUntil { get; set; }
}
