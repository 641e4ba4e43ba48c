using System.Net;

namespace Ujar.Api.Photos;

/// <summary>
/// Each client address's share of the photo decodes: at most <see cref="PerClient"/> at once. The global limit in
/// <see cref="PhotoStore"/> keeps memory bounded; this keeps one client from holding every slot of it, so a script
/// uploading in a loop makes itself wait, not the citizens behind it. A client over its share waits up to
/// <see cref="Wait"/> for one of its own decodes to finish, then is refused (429) and told when to come back.
/// </summary>
public sealed class DecodeShares
{
    public const int PerClient = 2;
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<IPAddress, Share> _shares = [];
    private readonly Lock _lock = new();

    /// <summary>A lease on one of <paramref name="client"/>'s decodes (dispose it when the decode is done), or null when
    /// its share stayed taken for <see cref="Wait"/>. Without an address (a background worker, not a client) the
    /// lease is free: only the global limit applies.</summary>
    public async Task<IDisposable?> EnterAsync(IPAddress? client, CancellationToken ct)
    {
        if (client is null) return NoShare.Instance;
        // 127.0.0.1 and ::ffff:127.0.0.1 are one client.
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        Share share;
        lock (_lock)
        {
            if (!_shares.TryGetValue(address, out share!)) _shares[address] = share = new Share();
            share.Users++;
        }
        var entered = false;
        try
        {
            entered = await share.Gate.WaitAsync(Wait, ct);
        }
        finally
        {
            if (!entered) Leave(address, share, release: false);
        }
        return entered ? new Lease(this, address, share) : null;
    }

    /// <summary>An address's entry lives only while someone uses or waits for it, so the table holds the clients of the moment.</summary>
    private void Leave(IPAddress address, Share share, bool release)
    {
        if (release) share.Gate.Release();
        lock (_lock)
        {
            if (--share.Users == 0) _shares.Remove(address);
        }
    }

    private sealed class Share
    {
        public SemaphoreSlim Gate { get; } = new(PerClient, PerClient);
        /// <summary>Holders and waiters; guarded by the table's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Lease(DecodeShares shares, IPAddress address, Share share) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) shares.Leave(address, share, release: true);
        }
    }

    private sealed class NoShare : IDisposable
    {
        public static readonly NoShare Instance = new();

        public void Dispose()
        {
        }
    }
}
