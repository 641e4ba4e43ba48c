using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Boundaries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Demo;

/// <summary>
/// Demo complaints that look like a city's, not like noise: categories weighted as a city sees them, flooding where
/// water collects after rain (on the rainy days), more reports in dense old-town kelurahan, older reports further
/// along the lifecycle, Indonesian descriptions. Everything is routed by the real router, so it is all consistent.
/// </summary>
public static class DemoData
{
    public const int DefaultCount = 1500;
    public const int Days = 90;

    private static readonly (string Category, int Weight)[] CategoryWeights =
    [
        ("jalan_rusak", 18), ("sampah", 17), ("genangan_air", 16), ("penerangan_jalan", 12), ("pohon_membahayakan", 8),
        ("parkir", 8), ("galian_kabel", 6), ("masalah_sosial", 6), ("tiang_pln", 5), ("lainnya", 4),
    ];

    /// <summary>Low spots where water collects after heavy rain (approximate, for the demo), with a spread in metres.</summary>
    private static readonly (string Place, double Lat, double Lon, double SigmaMeters, int Weight)[] FloodSpots =
    [
        ("Bintan Center, Sei Jang", 0.8990, 104.4760, 120, 5),
        ("Jl. Gatot Subroto, Tanjung Ayun Sakti", 0.9035, 104.4605, 100, 4),
        ("Jl. D.I. Panjaitan, Batu IX", 0.9015, 104.5110, 150, 4),
        ("Pesisir Tanjung Unggat (rob)", 0.9248, 104.4630, 90, 3),
        ("Kampung Bugis", 0.9570, 104.4725, 140, 2),
        ("Jl. Ganet, Air Raja", 0.9505, 104.5020, 150, 2),
    ];

    private static readonly string[] Streets =
    [
        "Jl. Merdeka", "Jl. Ganet", "Jl. D.I. Panjaitan", "Jl. Gatot Subroto", "Jl. Basuki Rahmat", "Jl. Sultan Mahmud",
        "Jl. Ir. H. Juanda", "Jl. Pramuka", "Jl. Raja Haji Fisabilillah", "Jl. Ahmad Yani", "Jl. Wiratno", "Jl. Sei Timun",
        "Jl. Kuantan", "Jl. Hang Tuah", "Jl. Brigjen Katamso", "Jl. Adi Sucipto", "Jl. Bakar Batu", "Jl. Pemuda",
    ];

    private static readonly Dictionary<string, string[]> Descriptions = new()
    {
        ["genangan_air"] =
        [
            "Setelah hujan deras air menggenang setinggi lutut di {0}, motor tidak bisa lewat.",
            "Drainase di {0} tersumbat, genangan tidak surut sampai pagi.",
            "Banjir lagi di {0} depan ruko, air masuk ke rumah warga.",
            "Parit di {0} meluap tiap hujan, mohon dinormalisasi.",
        ],
        ["pohon_membahayakan"] =
        [
            "Pohon besar di {0} miring ke jalan, dahan sudah retak.",
            "Dahan pohon di {0} menimpa kabel, takut tumbang saat angin kencang.",
            "Akar pohon di {0} mengangkat trotoar dan batangnya lapuk.",
        ],
        ["galian_kabel"] =
        [
            "Bekas galian kabel di {0} tidak ditutup rapi, berlubang dan licin.",
            "Galian kabel di {0} dibiarkan terbuka tanpa rambu.",
        ],
        ["tiang_pln"] =
        [
            "Tiang listrik di {0} miring hampir roboh.",
            "Kabel listrik menjuntai rendah di {0}, berbahaya untuk truk.",
        ],
        ["penerangan_jalan"] =
        [
            "Lampu jalan di {0} mati sudah seminggu, gelap dan rawan.",
            "Beberapa lampu PJU di {0} berkedip dan padam malam hari.",
        ],
        ["parkir"] =
        [
            "Parkir liar di {0} memakan badan jalan, macet tiap sore.",
            "Mobil parkir di trotoar {0}, pejalan kaki terpaksa ke jalan.",
        ],
        ["jalan_rusak"] =
        [
            "Jalan berlubang besar di {0}, sudah ada pengendara jatuh.",
            "Aspal di {0} mengelupas dan bergelombang.",
            "Lubang di {0} makin dalam setelah hujan, mohon segera ditambal.",
        ],
        ["sampah"] =
        [
            "Sampah menumpuk di TPS {0} tidak diangkut tiga hari, bau menyengat.",
            "Warga membuang sampah sembarangan di pinggir {0}.",
            "Tumpukan sampah di {0} menyumbat parit.",
        ],
        ["masalah_sosial"] =
        [
            "Ada lansia terlantar tidur di emperan toko di {0}.",
            "Anak-anak mengemis di persimpangan {0} sampai malam.",
        ],
        ["lainnya"] =
        [
            "Rambu lalu lintas di {0} roboh.",
            "Suara bising dari bengkel di {0} sampai larut malam.",
        ],
    };


    private static readonly string[] Names = ["Siti Aminah", "Budi Santoso", "Rahmat Hidayat", "Nurhayati", "Andi Pratama", "Dewi Lestari", "Syafrizal", "Wan Fitri"];

    public static async Task SeedAsync(IServiceProvider services, int count, int? seed, ILogger logger, CancellationToken ct = default)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<UjarDb>>();
        var router = services.GetRequiredService<ComplaintRouter>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        if (!await db.BoundaryGenerations.AnyAsync(g => g.IsActive, ct))
            await ImportDemoBoundariesAsync(services, logger, ct);
        await router.ReloadAsync(db, ct);
        if (!router.IsLoaded) throw new InvalidOperationException("no active boundaries to route demo complaints with");

        var random = seed is { } s ? new Random(s) : new Random();
        var now = DateTime.UtcNow;
        var rainDays = Enumerable.Range(0, 14).Select(_ => random.Next(Days)).ToHashSet();
        var city = City.Survey(router);

        var complaints = new List<Complaint>(count);
        var attempts = 0;
        while (complaints.Count < count)
        {
            // Demo boundaries are approximate, so some scattered pins fall outside them; a city that refuses
            // nearly everything means the boundaries are not the city's.
            if (++attempts > 20 * count + 100) throw new InvalidOperationException("demo pins keep falling outside the active boundaries");
            var dayAgo = random.Next(Days);
            // Midnight WIB is 17:00 UTC the day before; people report between 06:00 and 22:00 WIB.
            var created = now.AddDays(-dayAgo).Date.AddHours(-7 + 6 + random.NextDouble() * 16);
            if (created > now) created = now.AddMinutes(-random.Next(1, 600));
            if (Plausible(city, random, created, rainy: rainDays.Contains(dayAgo)) is not { } complaint) continue;
            complaint.Status = StatusForAge(random, (now - created).TotalDays);
            complaints.Add(complaint);
        }

        // Tickets follow filing order, per WIB year, from the same counter live intake uses.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var year in complaints.OrderBy(c => c.CreatedAt).GroupBy(c => Wib.Year(c.CreatedAt)))
        {
            var inYear = year.ToList();
            var number = await Tickets.ReserveAsync(db, year.Key, inYear.Count) - inYear.Count;
            foreach (var complaint in inYear) complaint.Ticket = Tickets.Format(year.Key, ++number);
        }
        db.Complaints.AddRange(complaints);
        await db.SaveChangesAsync(ct);
        // Like live intake, every insert is in the event log, so the log's followers (the hotspot points) see them.
        await LiveEvents.AppendAsync(db, complaints.Select(c => LiveEvents.Of(LiveEventType.ComplaintFiled, c, c.CreatedAt)).ToList(), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Seeded {Count} demo complaints over the last {Days} days", complaints.Count, Days);
        await DemoAccounts.SeedAsync(services, logger, ct);
    }

    /// <summary>The active boundaries as the demo scatters pins over them: dense old-town kelurahan (small ones)
    /// report more per km² than the large, green ones.</summary>
    public sealed class City
    {
        private City(ComplaintRouter router)
        {
            Router = router;
            GenerationId = router.ActiveGenerationId;
            Kelurahan = router.Kelurahan.Select(k => (k.Geometry.InteriorPoint, MetricProjection.Project(k.Geometry).Area / 1e6)).ToList();
        }

        internal ComplaintRouter Router { get; }
        internal IReadOnlyList<(Point Centroid, double AreaKm2)> Kelurahan { get; }
        public int? GenerationId { get; }

        public static City Survey(ComplaintRouter router) => new(router);
    }

    /// <summary>
    /// A plausible new complaint filed at <paramref name="at"/> (status <c>received</c>), routed by the real router;
    /// null when its pin fell outside the boundaries (the caller tries again). After heavy rain flooding is much of
    /// what people report, and it gathers at the low spots. Used for the history of <c>seed-demo</c> and for the
    /// complaints of <c>serve --demo-live</c> alike.
    /// </summary>
    public static Complaint? Plausible(City city, Random random, DateTime at, bool rainy)
    {
        var category = Pick(random, CategoryWeights, c => c.Category == "genangan_air" ? c.Weight * (rainy ? 4 : 0.6) : c.Weight).Category;
        var atLowSpot = category == "genangan_air" && random.NextDouble() < (rainy ? 0.9 : 0.7);
        double lat, lon;
        if (atLowSpot)
        {
            var spot = Pick(random, FloodSpots, f => f.Weight);
            (lat, lon) = Scatter(random, spot.Lat, spot.Lon, spot.SigmaMeters);
        }
        else
        {
            var k = Pick(random, city.Kelurahan, k => k.AreaKm2 < 5 ? 3.0 : 1.0);
            (lat, lon) = Scatter(random, k.Centroid.Y, k.Centroid.X, Math.Sqrt(k.AreaKm2) * 250);
        }
        if (city.Router.Route(lon, lat, category) is not { Opd: not null } decision) return null;

        // Most of the city complains on WhatsApp; a WhatsApp report always comes with the sender's number.
        var channel = random.NextDouble() < 0.55 ? IntakeChannel.WhatsApp : IntakeChannel.Web;
        var anonymous = channel == IntakeChannel.Web && random.NextDouble() < 0.3;
        var street = Streets[random.Next(Streets.Length)];
        var texts = Descriptions[category];
        var complaint = Complaint.Routed(decision, Wgs84.Point(Math.Round(lon, 6), Math.Round(lat, 6)),
            string.Format(texts[random.Next(texts.Length)], street));
        complaint.CreatedAt = at;
        complaint.Channel = channel;
        complaint.IsDemo = true;
        complaint.Anonymous = anonymous;
        complaint.ReporterName = anonymous ? null : Names[random.Next(Names.Length)];
        complaint.ReporterPhone = anonymous ? null : $"{(channel == IntakeChannel.WhatsApp ? "628" : "08")}{random.Next(11, 99)}{random.Next(1000_0000, 9999_9999)}";
        return complaint;
    }

    private static async Task ImportDemoBoundariesAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var demo = Path.Combine(GisDataFolder.Locate(services.GetRequiredService<IConfiguration>()), "demo");
        var importer = ActivatorUtilities.CreateInstance<BoundaryImporter>(services);
        foreach (var level in new[] { BoundaryLevel.Kecamatan, BoundaryLevel.Kelurahan })
        {
            var file = Path.Combine(demo, $"{level.ToString().ToLowerInvariant()}.geojson");
            var report = await importer.ImportAsync(file, new ImportOptions(level, Commit: true, SourceLabel: "demo (approximate)"), ct);
            if (!report.Committed) throw new InvalidOperationException($"demo boundaries refused:\n{report.ToText()}");
        }
        logger.LogInformation("Loaded the approximate demo boundaries from {Folder}", demo);
    }

    private static ComplaintStatus StatusForAge(Random random, double days)
    {
        (ComplaintStatus, int)[] weights = days switch
        {
            < 3 => [(ComplaintStatus.Received, 60), (ComplaintStatus.Verified, 30), (ComplaintStatus.Assigned, 10)],
            < 14 => [(ComplaintStatus.Received, 10), (ComplaintStatus.Verified, 20), (ComplaintStatus.Assigned, 25), (ComplaintStatus.InProgress, 30),
                (ComplaintStatus.Resolved, 10), (ComplaintStatus.Rejected, 3), (ComplaintStatus.Duplicate, 2)],
            _ => [(ComplaintStatus.Assigned, 5), (ComplaintStatus.InProgress, 12), (ComplaintStatus.Resolved, 20), (ComplaintStatus.Closed, 50),
                (ComplaintStatus.Rejected, 5), (ComplaintStatus.Duplicate, 5), (ComplaintStatus.Reopened, 3)],
        };
        return Pick(random, weights, w => w.Item2).Item1;
    }

    private static (double Lat, double Lon) Scatter(Random random, double lat, double lon, double sigmaMeters)
    {
        // Box–Muller; 1° ≈ 111.32 km at the equator, and Tanjungpinang sits at 0.9° N.
        var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * sigmaMeters;
        var theta = 2 * Math.PI * random.NextDouble();
        return (lat + r * Math.Sin(theta) / 111_320, lon + r * Math.Cos(theta) / 111_320);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var roll = random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }
}
