using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Limits;

/// <summary>The service on a real socket with small per-client limits (no refill within a test) and one configured reverse
/// proxy, <see cref="Proxy"/>. Each test sends from loopback addresses no other test uses, so the allowances it spends are
/// its own.</summary>
public sealed class LimitsCityApp : KestrelCityApp
{
    public const string Proxy = "127.0.0.9";
    public const string AddressHashKey = "uji-kunci-hmac-alamat-klien-0123456789abcdef";
    public const int FilingBurst = 3;
    public const int SupportBurst = 12;
    public const int SignInBurst = 3;
    public const int HeavyQueriesBurst = 3;
    public const int SupportsPerAddress = 2;

    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");

    protected override Dictionary<string, string> Settings() => new()
    {
        ["Ujar:MediaPath"] = MediaPath,
        // One token a thousand minutes: nothing comes back while a test runs.
        ["Ujar:Limits:Filing:Burst"] = $"{FilingBurst}", ["Ujar:Limits:Filing:PerMinute"] = "0.001",
        ["Ujar:Limits:Support:Burst"] = $"{SupportBurst}", ["Ujar:Limits:Support:PerMinute"] = "0.001",
        ["Ujar:Limits:SignIn:Burst"] = $"{SignInBurst}", ["Ujar:Limits:SignIn:PerMinute"] = "0.001",
        ["Ujar:Limits:HeavyQueries:Burst"] = $"{HeavyQueriesBurst}", ["Ujar:Limits:HeavyQueries:PerMinute"] = "0.001",
        ["Ujar:Limits:HeavyQueriesConcurrent"] = "1", ["Ujar:Limits:HeavyQueriesQueued"] = "0",
        ["Ujar:Limits:Open311:Burst"] = "2", ["Ujar:Limits:Open311:PerMinute"] = "0.001",
        ["Ujar:Limits:SupportsPerAddressPerComplaint"] = $"{SupportsPerAddress}",
        ["Ujar:Limits:AddressHashKey"] = AddressHashKey,
        ["Ujar:ForwardedHeaders:KnownProxies:0"] = Proxy,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }
}
