using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Ujar.Api.Live;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>
/// A class fixture: two instances of the service, A and B, on one database (the fixture city) and one real Redis as
/// the SignalR backplane, with the deadline watcher looking every second on both.
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public UjarApp A { get; private set; } = null!;
    public UjarApp B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(database);
        var redis = await TestRedis.NewConnectionStringAsync();
        A = Instance(database, redis);
        B = Instance(database, redis);
        _ = A.Server;
        _ = B.Server;
        await OneDeliversAsync(A, B);
    }

    public async Task DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
    }

    /// <summary>
    /// One instance as it runs in a deployment of several: the backplane, and a machine of its own. Each keeps its
    /// data-protection keys on its own disk unless the service itself says where they live (the sign-in tokens of one
    /// instance are then readable by another only when the service stores its keys where all instances find them).
    /// </summary>
    public static UjarApp Instance(string database, string redis) => new(database,
        new Dictionary<string, string> { ["ConnectionStrings:Redis"] = redis, ["Ujar:Sla:IntervalSeconds"] = "1" },
        services => services.AddOptions<KeyManagementOptions>().PostConfigure(o => o.XmlRepository ??= new FileSystemXmlRepository(
            Directory.CreateTempSubdirectory("ujar-keys-"), NullLoggerFactory.Instance)));

    public static LiveFollower Follower(UjarApp app) => app.Services.GetRequiredService<LiveFollower>();

    /// <summary>Waits until exactly one of the instances delivers the live events (the leader), and returns it.</summary>
    public static async Task<UjarApp> OneDeliversAsync(params UjarApp[] apps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var delivering = apps.Where(a => Follower(a).IsDelivering).ToList();
            if (delivering.Count == 1) return delivering[0];
            Assert.True(delivering.Count == 0, $"{delivering.Count} instances deliver the live events at once");
            Assert.True(DateTime.UtcNow < deadline, "no instance took the lead within 20 s");
            await Task.Delay(50);
        }
    }
}
