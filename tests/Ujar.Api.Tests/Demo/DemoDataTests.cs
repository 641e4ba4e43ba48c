using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Ujar.Api.Complaints;
using Ujar.Api.Demo;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

/// <summary>One demo city over the official boundaries, seeded once for the tests that look at it (the seeding plays half
/// a year of history). The service's own deadline watcher is kept from looking meanwhile: the history's watcher is what
/// made its escalations.</summary>
public sealed class DemoCityFixture : IAsyncLifetime
{
    public const string Collection = "demo city";
    public const int Count = 800;
    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;
    public DateTime SeededAt { get; private set; }
    public List<Complaint> Complaints { get; private set; } = null!;
    public List<StatusChange> Steps { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        // No boundaries yet: seeding imports the city folder's own, as on a new installation.
        App = new UjarApp(connectionString, new Dictionary<string, string>
        {
            ["Ujar:MediaPath"] = MediaPath, ["Ujar:Sla:IntervalSeconds"] = "86400",
        });
        SeededAt = DateTime.UtcNow;
        await DemoData.SeedAsync(App.Services, Count, seed: 42, NullLogger.Instance);
        await using var db = App.NewDb();
        Complaints = await db.Complaints.AsNoTracking().ToListAsync();
        Steps = await db.StatusChanges.AsNoTracking().OrderBy(s => s.At).ThenBy(s => s.Id).ToListAsync();
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }
}

[CollectionDefinition(DemoCityFixture.Collection)]
public sealed class DemoCityCollection : ICollectionFixture<DemoCityFixture>;

/// <summary>Demo data must look like a city's complaints, so every screen shows something meaningful at first start.</summary>
[Collection(DemoCityFixture.Collection)]
public sealed class DemoDataTests(DemoCityFixture city)
{
    private List<Complaint> Complaints => city.Complaints;

    [Fact]
    public void Complaints_span_the_last_six_months_and_are_all_marked_as_demo()
    {
        Assert.Equal(DemoCityFixture.Count, Complaints.Count);
        Assert.All(Complaints, c => Assert.True(c.IsDemo));
        Assert.All(Complaints, c => Assert.InRange(c.CreatedAt, city.SeededAt.AddDays(-DemoData.Days - 1), city.SeededAt));
        Assert.True(Complaints.Select(c => c.CreatedAt.Date).Distinct().Count() > 120, "spread over the days, not bunched");
        // Nothing filed in the last day is already done; most of those older than a month are.
        Assert.DoesNotContain(Complaints, c => c.CreatedAt > city.SeededAt.AddDays(-1) && c.Status is ComplaintStatus.Closed or ComplaintStatus.Resolved);
        var old = Complaints.Where(c => c.CreatedAt < city.SeededAt.AddDays(-30)).ToList();
        Assert.True(old.Count(c => c.Status is ComplaintStatus.Closed or ComplaintStatus.Resolved) > old.Count / 2);
    }

    [Fact]
    public void Categories_are_weighted_as_a_city_sees_them()
    {
        var share = Complaints.GroupBy(c => c.CategoryCode).ToDictionary(g => g.Key, g => (double)g.Count() / Complaints.Count);
        Assert.Equal(10, share.Count);
        Assert.InRange(share["genangan_air"], 0.10, 0.30);
        Assert.True(share["jalan_rusak"] > share["tiang_pln"] * 2);
        Assert.All(Complaints, c => Assert.Contains("Jl.", c.Description));
    }

    [Fact]
    public void Flooding_gathers_where_water_collects_while_rubbish_is_spread_out()
    {
        double MedianNearestNeighbour(string category)
        {
            var points = Complaints.Where(c => c.CategoryCode == category)
                .Select(c => MetricProjection.Project(c.Location.X, c.Location.Y)).ToList();
            return points.Select(p => points.Where(q => q != p).Min(q => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y))))
                .Order().ElementAt(points.Count / 2);
        }
        Assert.True(MedianNearestNeighbour("genangan_air") * 2 < MedianNearestNeighbour("sampah"));
    }

    [Fact]
    public void Flooding_comes_in_waves_after_rain_while_rubbish_comes_steadily()
    {
        // The index of dispersion of a category's daily counts (variance ÷ mean, every day of the period): about 1 for
        // reports that come steadily at random, well above for reports that come in waves with rain spells.
        var today = DateOnly.FromDateTime(Wib.ToWib(city.SeededAt).DateTime);
        double Dispersion(string category)
        {
            var perDay = Complaints.Where(c => c.CategoryCode == category).CountBy(c => DateOnly.FromDateTime(Wib.ToWib(c.CreatedAt).DateTime))
                .ToDictionary();
            var counts = Enumerable.Range(0, DemoData.Days).Select(d => (double)perDay.GetValueOrDefault(today.AddDays(-d))).ToList();
            var mean = counts.Average();
            return counts.Sum(n => (n - mean) * (n - mean)) / (counts.Count - 1) / mean;
        }
        Assert.True(Dispersion("genangan_air") > Dispersion("sampah") + 0.25,
            $"flooding {Dispersion("genangan_air"):0.00}, rubbish {Dispersion("sampah"):0.00}");
    }

    [Fact]
    public async Task Every_demo_complaint_is_routed_consistently_with_PostGIS()
    {
        await using var db = city.App.NewDb();
        var misrouted = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM complaints c
            JOIN boundaries b ON b.generation_id = c.boundary_generation_id AND b.level = 'Kelurahan' AND b.code = c.kelurahan_code
            WHERE NOT (ST_Covers(b.geometry, c.location)
                OR (c.snapped AND ST_DWithin(ST_Transform(b.geometry, 32648), ST_Transform(c.location, 32648), 200.01)))
            """).SingleAsync();
        Assert.Equal(0, misrouted);
        var tickets = Complaints.OrderBy(c => c.CreatedAt).Select(c => c.Ticket).ToList();
        Assert.Equal(tickets.Count, tickets.Distinct().Count());
        // Every complaint is with the OPD its category routes to, unless that OPD handed it on ("bukan wewenang").
        var rerouted = city.Steps.Where(s => s.To == ComplaintStatus.NotOurRemit).Select(s => s.ComplaintId).ToHashSet();
        var categories = city.App.Services.GetRequiredService<ComplaintRouter>().Categories;
        Assert.All(Complaints.Where(c => !rerouted.Contains(c.Id)), c => Assert.Equal(categories[c.CategoryCode].OpdCode, c.OpdCode));
        Assert.All(Complaints.Where(c => rerouted.Contains(c.Id)), c => Assert.NotEqual(categories[c.CategoryCode].OpdCode, c.OpdCode));
    }
}
