using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ujar.Api.Data;
using Ujar.Api.Routing;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>The real service (Program.cs, real HTTP pipeline) over a test's own PostGIS database; <paramref name="settings"/>
/// adds configuration (e.g. <c>Ujar:MediaPath</c>); <paramref name="testServices"/> replaces services after the app's own
/// (a clock the test moves, a log collector).</summary>
public sealed class UjarApp(string connectionString, IReadOnlyDictionary<string, string>? settings = null,
    Action<IServiceCollection>? testServices = null) : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>
    /// The suite files many complaints, supports and sign-ins from one client (the test server gives no address, so all
    /// share one): the per-client limits of <c>Ujar:Limits</c> are set out of its way here. A test of a limit sets its own,
    /// every number of it (a bucket's <c>Burst</c> and <c>PerMinute</c> both), through <c>settings</c>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SuiteLimits = new Dictionary<string, string>
    {
        ["Ujar:Limits:Filing:Burst"] = "1000000", ["Ujar:Limits:Filing:PerMinute"] = "1000000",
        ["Ujar:Limits:Open311:Burst"] = "1000000", ["Ujar:Limits:Open311:PerMinute"] = "1000000",
        ["Ujar:Limits:Support:Burst"] = "1000000", ["Ujar:Limits:Support:PerMinute"] = "1000000",
        ["Ujar:Limits:SignIn:Burst"] = "1000000", ["Ujar:Limits:SignIn:PerMinute"] = "1000000",
        ["Ujar:Limits:HeavyQueries:Burst"] = "1000000", ["Ujar:Limits:HeavyQueries:PerMinute"] = "1000000",
        ["Ujar:Limits:HubWatchCalls:Burst"] = "1000000", ["Ujar:Limits:HubWatchCalls:PerMinute"] = "1000000",
        ["Ujar:Limits:HeavyQueriesConcurrent"] = "1000", ["Ujar:Limits:HeavyQueriesQueued"] = "1000",
        ["Ujar:Limits:WhatsAppPerSenderPerHour"] = "1000000",
        ["Ujar:Limits:SupportsPerAddressPerComplaint"] = "1000000",
        ["Ujar:Limits:HubWatchedTickets"] = "1000000",
    };

    /// <summary>When set, the host logs every category at every level into it, and nowhere else.</summary>
    public CapturedLogs? Logs { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Ujar", ConnectionString);
        builder.UseSetting("Ujar:GisData", TestPaths.GisData);
        foreach (var (key, value) in SuiteLimits) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        if (Logs is { } logs)
        {
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore" })
                builder.UseSetting($"Logging:LogLevel:{category}", "Trace");
            builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs));
        }
        if (testServices is not null) builder.ConfigureTestServices(testServices);
    }

    public UjarDb NewDb() => TestDb.Create(ConnectionString);

    /// <summary>Reloads the router now, as the NOTIFY listener would shortly, so a test need not wait for it.</summary>
    public async Task ReloadRoutingAsync()
    {
        await using var db = NewDb();
        await Services.GetRequiredService<ComplaintRouter>().ReloadAsync(db);
    }
}
