using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Boundaries;

public sealed class GenerationSwitchTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task Complaints_keep_the_generation_they_were_routed_with_and_new_ones_use_the_new_generation()
    {
        var client = fixture.App.CreateClient();
        var oldGeneration = fixture.App.Services.GetRequiredService<ComplaintRouter>().ActiveGenerationId;
        var before = await (await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "sampah", "sebelum"))).ReadJsonAsync();
        var oldTicket = before.GetProperty("ticket").GetString();

        // A second generation: the same city with kelurahan 1002 renamed, committed while the service runs.
        var renamed = Path.Combine(Path.GetTempPath(), $"kel-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(renamed, (await File.ReadAllTextAsync(Path.Combine(TestPaths.FixtureCity, "kelurahan.geojson")))
            .Replace("\"Kelurahan Tengah\"", "\"Kelurahan Tengah Baru\""));
        var newGeneration = await TestBoundaries.LoadAsync(fixture.App.ConnectionString,
            Path.Combine(TestPaths.FixtureCity, "kecamatan.geojson"), renamed, "parent_code");

        await fixture.App.ReloadRoutingAsync();
        var after = await (await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "sampah", "sesudah"))).ReadJsonAsync();

        Assert.Equal("Kelurahan Tengah Baru", after.GetProperty("kelurahan").GetProperty("name").GetString());
        await using var db = fixture.App.NewDb();
        Assert.Equal(oldGeneration, await db.Complaints.Where(c => c.Ticket == oldTicket).Select(c => c.BoundaryGenerationId).SingleAsync());
        Assert.Equal(newGeneration, await db.Complaints.Where(c => c.Description == "sesudah").Select(c => c.BoundaryGenerationId).SingleAsync());
        Assert.Equal(1, await db.BoundaryGenerations.CountAsync(g => g.IsActive));

        // The old complaint is still shown with the names of the generation it was routed with.
        var oldView = await (await client.GetAsync($"/api/complaints/{oldTicket}")).ReadJsonAsync();
        Assert.Equal("Kelurahan Tengah", oldView.GetProperty("complaint").GetProperty("kelurahan").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_committed_generation_reaches_the_running_router_through_NOTIFY()
    {
        var router = fixture.App.Services.GetRequiredService<ComplaintRouter>();
        var generation = await TestBoundaries.LoadFixtureCityAsync(fixture.App.ConnectionString);
        await using (var db = fixture.App.NewDb())
            await db.Database.ExecuteSqlRawAsync($"NOTIFY {RoutingReloader.Channel}");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (router.ActiveGenerationId != generation && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(generation, router.ActiveGenerationId);
    }

    [Fact]
    public async Task Only_one_generation_can_be_active()
    {
        await using var db = fixture.App.NewDb();
        db.BoundaryGenerations.Add(new Api.Boundaries.BoundaryGeneration { CreatedAt = DateTime.UtcNow, IsActive = true, Source = "rogue" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }
}
