using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.Accounts;

/// <summary>
/// Slows down password guessing without letting a stranger lock anyone out. Failed sign-ins are counted per (account,
/// client address) and per client address. After <see cref="PairLimit"/> failures for one account from one address, that
/// pair waits <see cref="FirstWait"/> before its next try, and each further failure doubles the wait up to
/// <see cref="LongestWait"/>; after <see cref="AddressLimit"/> failures from one address across any accounts, the address
/// waits the same way. The owner of the account, signing in from another address, is never slowed. A right password
/// clears its pair; it does not clear its address, so knowing one account's password does not buy more guesses at others.
/// Counts are forgotten <see cref="Memory"/> after an address's or pair's last failure.
/// </summary>
/// <remarks>
/// The counts live in PostgreSQL (<c>sign_in_throttle</c>), not in memory: with several instances behind a balancer,
/// in-memory counts would each allow their own five guesses, multiplying the limit by the number of instances (and a
/// restart would forget them). Sign-ins are rare beside the password hash they cost (about 100 ms of CPU), so two small
/// writes each are nothing. An attempt is counted as a failure before the password is checked and taken back when it was
/// right: a burst of parallel guesses cannot slip past the limit while each is still being checked. IPv6 clients are
/// counted per /64, the block one subscriber usually holds.
/// </remarks>
public static class SignInThrottle
{
    public const int PairLimit = 5;
    public const int AddressLimit = 30;
    public static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Memory = TimeSpan.FromHours(1);

    /// <summary>The two keys one attempt counts under.</summary>
    public sealed record Keys(string Pair, string Address);

    /// <param name="client">The client's address as the abuse limits count it (<see cref="Limits.ClientAddress"/>).</param>
    public static Keys KeysFor(string email, string client) =>
        new(Hash($"pair\n{email.Trim().ToUpperInvariant()}\n{client}"), Hash($"address\n{client}"));

    /// <summary>
    /// Counts an attempt under both keys, or, when either is waiting, counts nothing and returns how long it still waits.
    /// </summary>
    public static async Task<TimeSpan?> BeginAttemptAsync(UjarDb db, Keys keys, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (key, limit) in new[] { (keys.Pair, PairLimit), (keys.Address, AddressLimit) })
        {
            if (await CountAsync(db, key, limit, now.UtcDateTime, ct)) continue;
            var blockedUntil = await db.SignInThrottle.Where(t => t.Key == key).Select(t => t.BlockedUntil).SingleAsync(ct);
            return blockedUntil!.Value - now.UtcDateTime;   // the transaction rolls back: nothing counted
        }
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>The password was right: the pair starts again from zero and the address's count takes this attempt back.
    /// Entries past <see cref="Memory"/> are swept here too (sign-ins that succeed come daily; nothing else needs them gone).</summary>
    public static async Task ForgiveAsync(UjarDb db, Keys keys, DateTimeOffset now, CancellationToken ct)
    {
        var utcNow = now.UtcDateTime;
        var forgotten = utcNow - Memory;
        await db.SignInThrottle.Where(t => t.Key == keys.Pair || t.LastFailureAt < forgotten).ExecuteDeleteAsync(ct);
        await db.SignInThrottle.Where(t => t.Key == keys.Address).ExecuteUpdateAsync(u => u
            .SetProperty(t => t.Failures, t => t.Failures - 1)
            .SetProperty(t => t.BlockedUntil, t => t.Failures - 1 >= AddressLimit ? t.BlockedUntil : null), ct);
    }

    /// <summary>How long a key waits after its <paramref name="failures"/>-th failure.</summary>
    public static TimeSpan WaitAfter(int failures, int limit) =>
        failures < limit ? TimeSpan.Zero
        : failures - limit >= 10 ? LongestWait
        : TimeSpan.FromTicks(Math.Min(FirstWait.Ticks << (failures - limit), LongestWait.Ticks));

    /// <summary>Adds one failure under <paramref name="key"/> unless it is waiting (then false). The row stays locked until
    /// the caller's transaction ends, so parallel attempts count one after another.</summary>
    private static async Task<bool> CountAsync(UjarDb db, string key, int limit, DateTime now, CancellationToken ct)
    {
        var forgotten = now - Memory;
        var failures = await db.Database.SqlQuery<int>($"""
            INSERT INTO sign_in_throttle AS t (key, failures, last_failure_at)
            VALUES ({key}, 1, {now})
            ON CONFLICT (key) DO UPDATE
                SET failures = CASE WHEN t.last_failure_at < {forgotten} THEN 1 ELSE t.failures + 1 END,
                    last_failure_at = {now}
                WHERE t.blocked_until IS NULL OR t.blocked_until <= {now}
            RETURNING failures AS "Value"
            """).ToListAsync(ct);
        if (failures is not [var count]) return false;
        var wait = WaitAfter(count, limit);
        DateTime? blockedUntil = wait > TimeSpan.Zero ? now + wait : null;
        await db.SignInThrottle.Where(t => t.Key == key).ExecuteUpdateAsync(u => u.SetProperty(t => t.BlockedUntil, blockedUntil), ct);
        return true;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
