using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Ujar.Api.Complaints;

/// <summary>
/// The secret a reporter gets once, in the answer to their filing, to add photos to their own complaint later without
/// an account. Only its SHA-256 is stored: a leaked database does not let anyone act as the reporter.
/// </summary>
public static class ReporterToken
{
    public const string Header = "X-Reporter-Token";

    /// <summary>32 random bytes, base64url: URL- and header-safe, unguessable.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="token"/> is the one whose hash is stored. Compared in constant time, so the
    /// answer's timing tells nothing about how much of a guess was right.</summary>
    public static bool Matches(string? token, string? storedHash)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || storedHash is not { Length: 64 }) return false;
        var expected = new byte[32];
        if (Convert.FromHexString(storedHash, expected, out _, out _) != System.Buffers.OperationStatus.Done) return false;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), expected);
    }
}
