using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Ujar.Api.Demo;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

/// <summary>Demo pins fall where a city's complaints would: on land inside the official kelurahan, thick where people
/// live and along the main roads, flooding in the low-lying kelurahan.</summary>
[Collection(DemoCityFixture.Collection)]
public sealed class DemoPlacementTests(DemoCityFixture city)
{
    /// <summary>The old town and the first kilometres east: small kelurahan full of houses, shops and the main roads.</summary>
    private static readonly string[] Town =
    [
        "21.72.03.1001", "21.72.01.1001", "21.72.01.1002", "21.72.01.1004", // Tanjung Pinang Kota, Tanjung Pinang Barat, Kemboja, Bukit Cermin
        "21.72.04.1001", "21.72.04.1003", "21.72.04.1004", "21.72.04.1005", // Tanjung Pinang Timur, Tanjung Ayun Sakti, Sei Jang, Tanjung Unggat
    ];

    /// <summary>The three largest kelurahan (75 of the city's 150 km² of land): forest, mangrove and plantations with villages.</summary>
    private static readonly string[] Rural = ["21.72.04.1002", "21.72.03.1005", "21.72.03.1003"]; // Dompak, Kampung Bugis, Senggarang

    private CityDemo Demo => CityDemo.Of(city.App.Services.GetRequiredService<City>());

    [Fact]
    public async Task Every_demo_pin_is_on_land_inside_a_kelurahan_never_snapped()
    {
        await using var db = city.App.NewDb();
        var offLand = await db.Database.SqlQuery<string>($"""
            SELECT c.ticket AS "Value" FROM complaints c
            LEFT JOIN boundaries b ON b.generation_id = c.boundary_generation_id AND b.level = 'Kelurahan' AND b.code = c.kelurahan_code
            WHERE c.snapped OR b.id IS NULL OR NOT ST_Covers(b.geometry, c.location)
            """).ToListAsync();
        Assert.Empty(offLand);
        Assert.Equal(DemoCityFixture.Count, await db.Complaints.CountAsync());
    }

    [Fact]
    public async Task Pins_are_far_denser_in_the_old_town_than_in_the_big_rural_kelurahan()
    {
        var areaKm2 = await AreasAsync();
        var perKelurahan = city.Complaints.CountBy(c => c.KelurahanCode).ToDictionary();
        double Density(string[] codes) => codes.Sum(perKelurahan.GetValueOrDefault) / codes.Sum(c => areaKm2[c]);

        // Uniform pins would give both the city's mean density; the settlements and roads put most of them in town.
        Assert.True(Density(Town) > 20 * Density(Rural), $"town {Density(Town):0.0} per km², rural {Density(Rural):0.00} per km²");
        Assert.True(Density(Rural) > 0, "the villages and farms still report now and then");
    }

    [Fact]
    public void Flooding_concentrates_in_the_low_lying_kelurahan_of_the_flood_spots()
    {
        var lowLying = Demo.FloodSpots.Select(f => f.Kelurahan).ToHashSet();
        double ShareInLowLying(IEnumerable<Api.Complaints.Complaint> complaints)
        {
            var list = complaints.ToList();
            return (double)list.Count(c => lowLying.Contains(c.KelurahanCode)) / list.Count;
        }
        var flooding = ShareInLowLying(city.Complaints.Where(c => c.CategoryCode == DemoPlacement.Flooding));
        var rest = ShareInLowLying(city.Complaints.Where(c => c.CategoryCode != DemoPlacement.Flooding));

        // 70–90 % of flooding reports (dry or rainy day) go to a flood spot, always inside its kelurahan; the rest fall
        // like any complaint, about a third of them in the same kelurahan.
        Assert.InRange(flooding, 0.75, 1);
        Assert.True(flooding > rest + 0.3, $"flooding {flooding:P0} in the low-lying kelurahan, other complaints {rest:P0}");
    }

    [Fact]
    public void The_city_demo_places_its_settlements_roads_and_flood_spots_on_land_of_the_kelurahan_it_names()
    {
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        string? KelurahanAt(double lat, double lon) => router.Route(lon, lat, null)?.Area is { Snapped: false } area ? area.Kelurahan.Code : null;

        var demo = Demo;
        Assert.NotEmpty(demo.Settlements);
        Assert.NotEmpty(demo.Roads);
        Assert.NotEmpty(demo.FloodSpots);
        Assert.NotEmpty(demo.Streets);
        foreach (var place in demo.Settlements.Select(s => (s.Name, s.Kelurahan, s.At)).Concat(demo.FloodSpots.Select(f => (f.Name, f.Kelurahan, f.At))))
            Assert.True(KelurahanAt(place.At[0], place.At[1]) == place.Kelurahan, $"{place.Name} is not on land of {place.Kelurahan}");
        foreach (var road in demo.Roads)
        {
            // Every 25 m along the line: on land, and only in the kelurahan the road is said to run through, each of them.
            var crossed = new HashSet<string>();
            foreach (var (a, b) in road.Line.Zip(road.Line.Skip(1)))
            {
                var steps = (int)Math.Ceiling(Math.Max(Math.Abs(b[0] - a[0]), Math.Abs(b[1] - a[1])) * 111_320 / 25);
                for (var i = 0; i <= steps; i++)
                {
                    var at = KelurahanAt(a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps);
                    Assert.True(at is not null && road.Kelurahan.Contains(at), $"{road.Name} leaves land or its kelurahan at step {i}: {at}");
                    crossed.Add(at!);
                }
            }
            Assert.Equal(road.Kelurahan.Order(), crossed.Order());
        }
    }

    private async Task<Dictionary<string, double>> AreasAsync()
    {
        await using var db = city.App.NewDb();
        var areas = await db.Boundaries.Where(b => b.Level == Api.Boundaries.BoundaryLevel.Kelurahan && db.BoundaryGenerations.Any(g => g.IsActive && g.Id == b.GenerationId))
            .Select(b => new { b.Code, b.Geometry }).ToListAsync();
        return areas.ToDictionary(a => a.Code, a => MetricProjection.Project(a.Geometry).Area / 1e6);
    }
}

/// <summary>Another city's folder may come without a demo.json: its demo still seeds, with pins anywhere on its land.</summary>
public sealed class DemoWithoutCityPictureTests : IAsyncLifetime
{
    private readonly string _cityFolder = Path.Combine(Path.GetTempPath(), $"ujar-city-{Guid.NewGuid():N}");
    private readonly string _mediaPath = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    private UjarApp? _app;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_cityFolder);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.GisData, "cities", "tanjungpinang")).Where(f => Path.GetFileName(f) != CityDemo.FileName))
            File.Copy(file, Path.Combine(_cityFolder, Path.GetFileName(file)));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_city_folder_without_demo_json_seeds_pins_spread_over_its_land()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        // No boundaries yet: seeding imports the city folder's own, as on a new installation.
        _app = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:City"] = _cityFolder, ["Ujar:MediaPath"] = _mediaPath });
        Assert.Same(CityDemo.None, CityDemo.Of(_app.Services.GetRequiredService<City>()));

        const int count = 200;
        await DemoData.SeedAsync(_app.Services, count, seed: 5, NullLogger.Instance, history: false);

        await using var db = _app.NewDb();
        var offLand = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM complaints c
            LEFT JOIN boundaries b ON b.generation_id = c.boundary_generation_id AND b.level = 'Kelurahan' AND b.code = c.kelurahan_code
            WHERE c.snapped OR b.id IS NULL OR NOT ST_Covers(b.geometry, c.location)
            """).SingleAsync();
        Assert.Equal(0, offLand);
        var complaints = await db.Complaints.AsNoTracking().ToListAsync();
        Assert.Equal(count, complaints.Count);
        // Uniform on land: the three largest kelurahan, half the city's land, get about half the pins (not the town's share).
        var rural = complaints.Count(c => c.KelurahanCode is "21.72.04.1002" or "21.72.03.1005" or "21.72.03.1003");
        Assert.InRange((double)rural / count, 0.38, 0.62);
        // Without street names, a description names the pin's kelurahan.
        Assert.All(complaints, c => Assert.Contains("Kelurahan ", c.Description));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        foreach (var folder in new[] { _cityFolder, _mediaPath })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

/// <summary>A city's demo.json is checked when read: a slip in it stops the demo with the file and the reason, rather
/// than quietly placing pins somewhere else.</summary>
public sealed class CityDemoFileTests : IDisposable
{
    private readonly string _cityFolder = Path.Combine(Path.GetTempPath(), $"ujar-city-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("""{ "setlements": [] }""", "setlements")]
    [InlineData("""{ "scatteredShare": 1.5 }""", "scatteredShare must be between 0 and 1")]
    [InlineData("""{ "floodSpots": [{ "name": "Pasar", "kelurahan": "21.72.03.1001", "at": [104.44, 0.93], "radiusMeters": 100, "weight": 1 }] }""",
        "flood spot 'Pasar': at must be [lat, lon]")]
    [InlineData("""{ "roads": [{ "name": "Jl. Ganet", "kelurahan": [], "line": [[0.91, 104.52]], "weight": 1 }] }""",
        "road 'Jl. Ganet': line must be two or more [lat, lon]")]
    [InlineData("""{ "rainByMonth": [0.3, 0.2] }""", "rainByMonth must be 12 chances")]
    public void A_slip_in_demo_json_is_refused_with_the_file_and_the_reason(string json, string reason)
    {
        Directory.CreateDirectory(_cityFolder);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.GisData, "cities", "tanjungpinang")))
            File.Copy(file, Path.Combine(_cityFolder, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(_cityFolder, CityDemo.FileName), json);

        var error = Assert.Throws<InvalidDataException>(() => CityDemo.Of(City.Read(_cityFolder)));
        Assert.Contains(Path.Combine(_cityFolder, CityDemo.FileName), error.Message);
        Assert.Contains(reason, error.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_cityFolder)) Directory.Delete(_cityFolder, recursive: true);
    }
}
