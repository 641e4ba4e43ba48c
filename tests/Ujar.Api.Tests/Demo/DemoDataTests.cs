using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Ujar.Api.Complaints;
using Ujar.Api.Demo;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

/// <summary>Demo data must look like a city's complaints, so every screen shows something meaningful at first start.</summary>
public sealed class DemoDataTests : IAsyncLifetime
{
    private UjarApp _app = null!;
    private List<Complaint> _complaints = null!;

    public async Task InitializeAsync()
    {
        _app = new UjarApp(await TestPostGis.NewDatabaseAsync());
        await DemoData.SeedAsync(_app.Services, 800, seed: 42, NullLogger.Instance);
        await using var db = _app.NewDb();
        _complaints = await db.Complaints.AsNoTracking().ToListAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Seeding_an_empty_database_loads_the_approximate_demo_boundaries_first()
    {
        await using var db = _app.NewDb();
        var generation = await db.BoundaryGenerations.SingleAsync(g => g.IsActive);
        Assert.Contains("approximate", generation.Source);
        Assert.Equal(18, await db.Boundaries.CountAsync(b => b.GenerationId == generation.Id && b.Level == Api.Boundaries.BoundaryLevel.Kelurahan));
        Assert.Equal(4, await db.Boundaries.CountAsync(b => b.GenerationId == generation.Id && b.Level == Api.Boundaries.BoundaryLevel.Kecamatan));
    }

    [Fact]
    public void Complaints_span_the_last_90_days_with_a_lifecycle_that_fits_their_age()
    {
        Assert.Equal(800, _complaints.Count);
        var now = DateTime.UtcNow;
        Assert.All(_complaints, c => Assert.InRange(c.CreatedAt, now.AddDays(-DemoData.Days - 1), now));
        Assert.True(_complaints.Select(c => c.CreatedAt.Date).Distinct().Count() > 60, "spread over the days, not bunched");
        Assert.True(_complaints.Select(c => c.Status).Distinct().Count() >= 7);
        // Nothing filed in the last day is already closed; most of those older than a month are done.
        Assert.DoesNotContain(_complaints, c => c.CreatedAt > now.AddDays(-1) && c.Status is ComplaintStatus.Closed or ComplaintStatus.Resolved);
        var old = _complaints.Where(c => c.CreatedAt < now.AddDays(-30)).ToList();
        Assert.True(old.Count(c => c.Status is ComplaintStatus.Closed or ComplaintStatus.Resolved) > old.Count / 2);
    }

    [Fact]
    public void Categories_are_weighted_as_a_city_sees_them()
    {
        var share = _complaints.GroupBy(c => c.CategoryCode).ToDictionary(g => g.Key, g => (double)g.Count() / _complaints.Count);
        Assert.Equal(10, share.Count);
        Assert.InRange(share["genangan_air"], 0.10, 0.24);
        Assert.True(share["jalan_rusak"] > share["tiang_pln"] * 2);
        Assert.All(_complaints, c => Assert.Contains("Jl.", c.Description));
    }

    [Fact]
    public void Flooding_gathers_where_water_collects_while_rubbish_is_spread_out()
    {
        double MedianNearestNeighbour(string category)
        {
            var points = _complaints.Where(c => c.CategoryCode == category)
                .Select(c => MetricProjection.Project(c.Location.X, c.Location.Y)).ToList();
            return points.Select(p => points.Where(q => q != p).Min(q => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y))))
                .Order().ElementAt(points.Count / 2);
        }
        Assert.True(MedianNearestNeighbour("genangan_air") * 2 < MedianNearestNeighbour("sampah"));
    }

    [Fact]
    public async Task Every_demo_complaint_is_routed_consistently_with_PostGIS()
    {
        await using var db = _app.NewDb();
        var misrouted = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM complaints c
            JOIN boundaries b ON b.generation_id = c.boundary_generation_id AND b.level = 'Kelurahan' AND b.code = c.kelurahan_code
            WHERE NOT (ST_Covers(b.geometry, c.location)
                OR (c.snapped AND ST_DWithin(ST_Transform(b.geometry, 32648), ST_Transform(c.location, 32648), 200.01)))
            """).SingleAsync();
        Assert.Equal(0, misrouted);
        var tickets = _complaints.OrderBy(c => c.CreatedAt).Select(c => c.Ticket).ToList();
        Assert.Equal(tickets.Count, tickets.Distinct().Count());
        Assert.All(_complaints, c => Assert.Equal(_app.Services.GetRequiredService<ComplaintRouter>().Categories[c.CategoryCode].OpdCode, c.OpdCode));
    }
}
