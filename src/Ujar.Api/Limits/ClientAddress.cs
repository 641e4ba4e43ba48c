using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Ujar.Api.Limits;

/// <summary>
/// The client address that per-address limits count by: the connection's remote address, which behind a configured proxy
/// is the one it forwarded (see <c>Security/ForwardedClients.cs</c>) and otherwise the socket's own, so a client cannot
/// choose it by sending <c>X-Forwarded-For</c>. An IPv4 address in IPv6 form counts as IPv4, and an IPv6 address by its
/// /64: a home or a phone is given a whole /64 and may use any address in it.
/// </summary>
public static class ClientAddress
{
    /// <summary>For requests with no address (an in-process test server).</summary>
    public const string Unknown = "unknown";

    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

/// <summary>
/// A keyed hash (HMAC-SHA256 under <see cref="LimitsOptions.AddressHashKey"/>) standing for a client address where the
/// database must recognise it again (<c>supports.address_hash</c>) without holding it: 2³² IPv4 addresses are quickly
/// tried against a plain hash, never against one whose key stays on the server.
/// </summary>
public sealed class AddressHasher
{
    private readonly byte[] _key;

    public AddressHasher(IOptions<LimitsOptions> options, ILogger<AddressHasher> logger)
    {
        if (options.Value.AddressHashKey is { } configured)
        {
            _key = Encoding.UTF8.GetBytes(configured);
            return;
        }
        _key = RandomNumberGenerator.GetBytes(32);
        logger.LogWarning("Ujar:Limits:AddressHashKey is not set: this process hashes client addresses under a random key, so the "
            + "per-address count of supports starts again at its restart and is not shared with other instances. Set it to a secret "
            + "of at least {Length} characters, the same on every instance", LimitsOptions.MinAddressHashKeyLength);
    }

    /// <summary>64 lower-case hex digits for the client of <paramref name="context"/>.</summary>
    public string Hash(HttpContext context) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(ClientAddress.Of(context))));
}
