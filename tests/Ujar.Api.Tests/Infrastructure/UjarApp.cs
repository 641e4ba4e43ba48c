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

    /// <summary>When set, the host logs every category at every level into it, and nowhere else.</summary>
    public CapturedLogs? Logs { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Ujar", ConnectionString);
        builder.UseSetting("Ujar:GisData", TestPaths.GisData);
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
