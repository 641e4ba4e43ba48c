using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Ujar", ConnectionString);
        builder.UseSetting("Ujar:GisData", TestPaths.GisData);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
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
