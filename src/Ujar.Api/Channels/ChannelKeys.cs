using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Channels;

/// <summary>What anyone managing keys may see of one: never the key, never its hash.</summary>
public sealed record ChannelKeyView(string Name, string Channel, string Hint, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? RevokedAt, string? RevokedBy, DateTimeOffset? LastUsedAt, bool Active);

/// <summary>A key just made: the only time <paramref name="Key"/> is shown.</summary>
public sealed record CreatedChannelKey(ChannelKeyView ChannelKey, string Key);

/// <summary>
/// Making, finding and revoking channel keys; the command line (<c>channel-key</c>) and the admin API
/// (<c>/api/admin/channel-keys</c>) both come here. A key is 256 random bits, so its plain SHA-256 is a safe lookup
/// value: there is nothing to guess that a slow password hash would protect.
/// </summary>
public static partial class ChannelKeys
{
    public const int MaxNameLength = 60;

    /// <summary>The channels whose systems file with a key. WhatsApp proves itself by Meta's signature instead.</summary>
    public static readonly IReadOnlyList<IntakeChannel> Keyed = [IntakeChannel.Open311];

    /// <summary>A used key's <see cref="ChannelKey.LastUsedAt"/> is written at most this often.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();

    public abstract record Outcome;
    public sealed record Created(CreatedChannelKey Result) : Outcome;
    public sealed record Invalid(IReadOnlyDictionary<string, Bilingual> Errors) : Outcome;
    public sealed record NameTaken(string Name) : Outcome;

    public static bool TryParseChannel(string? text, out IntakeChannel channel)
    {
        var wanted = text?.Trim().ToLowerInvariant();
        foreach (var keyed in Keyed)
        {
            if (IntakeChannels.ToApi(keyed) != wanted) continue;
            channel = keyed;
            return true;
        }
        channel = default;
        return false;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static async Task<Outcome> CreateAsync(UjarDb db, string? name, string? channelText, string createdBy, DateTime nowUtc,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        name = name?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
            errors["name"] = new("nama wajib diisi (mis. fixmystreet)", "name is required (e.g. fixmystreet)");
        else if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
            errors["name"] = new($"huruf kecil, angka, titik, garis bawah atau tanda hubung; paling banyak {MaxNameLength} karakter",
                $"lower-case letters, digits, dots, underscores or hyphens; at most {MaxNameLength} characters");
        if (!TryParseChannel(channelText, out var channel))
        {
            var known = string.Join(", ", Keyed.Select(IntakeChannels.ToApi));
            errors["channel"] = new($"saluran harus salah satu dari: {known}", $"channel must be one of: {known}");
        }
        if (errors.Count > 0) return new Invalid(errors);
        if (await db.ChannelKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, ct)) return new NameTaken(name!);

        var key = $"ujar_{IntakeChannels.ToApi(channel)}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        var row = new ChannelKey
        {
            Name = name!, Channel = channel, KeyHash = Hash(key), Hint = key[^4..], CreatedAt = nowUtc, CreatedBy = createdBy,
        };
        db.ChannelKeys.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // The same name made at the same moment elsewhere.
            return new NameTaken(name!);
        }
        return new Created(new CreatedChannelKey(row.ToView(), key));
    }

    /// <summary>The key's row when it exists for <paramref name="channel"/> and is not revoked; null otherwise (a wrong
    /// key, another channel's key and a revoked key are all just "not valid").</summary>
    public static async Task<ChannelKey?> FindActiveAsync(UjarDb db, string? key, IntakeChannel channel, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 200) return null;
        var hash = Hash(key);
        return await db.ChannelKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.KeyHash == hash && k.Channel == channel && k.RevokedAt == null, ct);
    }

    /// <summary>Records that the key filed a complaint, at most once a minute per key.</summary>
    public static Task MarkUsedAsync(UjarDb db, int keyId, DateTime nowUtc, CancellationToken ct)
    {
        var before = nowUtc - LastUsedResolution;
        return db.ChannelKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < before))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, nowUtc), ct);
    }

    /// <summary>Revokes the active key named <paramref name="name"/>: it stops working at its next use. False when there is none.</summary>
    public static async Task<ChannelKeyView?> RevokeAsync(UjarDb db, string name, string revokedBy, DateTime nowUtc, CancellationToken ct)
    {
        var normalised = name.Trim().ToLowerInvariant();
        var row = await db.ChannelKeys.SingleOrDefaultAsync(k => k.Name == normalised && k.RevokedAt == null, ct);
        if (row is null) return null;
        row.RevokedAt = nowUtc;
        row.RevokedBy = revokedBy;
        await db.SaveChangesAsync(ct);
        return row.ToView();
    }

    /// <summary>Every key, active first, then newest first.</summary>
    public static async Task<IReadOnlyList<ChannelKeyView>> ListAsync(UjarDb db, CancellationToken ct) =>
        (await db.ChannelKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ToListAsync(ct))
        .Select(k => k.ToView()).ToList();

    public static ChannelKeyView ToView(this ChannelKey key) =>
        new(key.Name, IntakeChannels.ToApi(key.Channel), key.Hint, Wib.ToWib(key.CreatedAt), key.CreatedBy,
            key.RevokedAt is { } revoked ? Wib.ToWib(revoked) : null, key.RevokedBy,
            key.LastUsedAt is { } used ? Wib.ToWib(used) : null, key.RevokedAt is null);
}
