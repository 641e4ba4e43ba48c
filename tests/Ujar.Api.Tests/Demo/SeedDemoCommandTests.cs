using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

public sealed class SeedDemoCommandTests
{
    [Fact]
    public async Task Seed_demo_if_empty_seeds_a_new_city_once_and_then_leaves_it_alone()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        var media = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ujar"] = connectionString, ["Ujar__GisData"] = TestPaths.GisData, ["Ujar__MediaPath"] = media,
        };

        // Generous: each run starts a service, creates the demo accounts and plays half a year of history, on a busy machine.
        var first = await UjarCli.RunAsync(environment, TimeSpan.FromMinutes(5), "seed-demo", "--count", "40", "--if-empty");
        var second = await UjarCli.RunAsync(environment, TimeSpan.FromMinutes(5), "seed-demo", "--count", "40", "--if-empty");
        var third = await UjarCli.RunAsync(environment, TimeSpan.FromMinutes(5), "seed-demo", "--count", "10");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.True(third.ExitCode == 0, third.Output);
        await using var db = TestDb.Create(connectionString);
        Assert.Equal(50, await db.Complaints.CountAsync());
        Assert.Equal(1, await db.BoundaryGenerations.CountAsync(g => g.IsActive));
        // The command plays the history too: everything filed over a month ago has been answered by its OPD.
        var monthAgo = DateTime.UtcNow.AddDays(-30);
        Assert.False(await db.Complaints.AnyAsync(c => c.CreatedAt < monthAgo && !db.StatusChanges.Any(s => s.ComplaintId == c.Id)));
        Assert.True(await db.Complaints.CountAsync(c => c.CreatedAt < monthAgo) > 20);
        Directory.Delete(media, recursive: true);
    }

    [Fact]
    public async Task A_bad_count_is_a_usage_error()
    {
        var result = await UjarCli.RunAsync(new Dictionary<string, string?> { ["ConnectionStrings__Ujar"] = "Host=127.0.0.1;Port=1" },
            TimeSpan.FromMinutes(1), "seed-demo", "--count", "many");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--count", result.Output);
    }
}
