using Microsoft.EntityFrameworkCore;
using Ujar.Api.Boundaries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Demo;

/// <summary>
/// A demo city whose history is real. <see cref="SeedAsync"/> files complaints over the last <see cref="Days"/> days as a
/// city sees them — categories weighted, flooding after rain in the rainy season (<see cref="DemoWeather"/>), pins from
/// <see cref="DemoPlacement"/>, Indonesian descriptions, some reported twice — every one routed by the real router;
/// then <see cref="DemoHistory"/> plays what the OPDs, crews, reporters and the deadline watcher did with them, through
/// the same status changes the staff API makes.
/// </summary>
public static class DemoData
{
    public const int DefaultCount = 1500;
    /// <summary>About six months: a rainy season and a dry one.</summary>
    public const int Days = 182;
    /// <summary>The share of complaints that report, a few days later and a few metres away, a problem already reported.</summary>
    private const double RepeatShare = 0.04;

    private static readonly (string Category, int Weight)[] CategoryWeights =
    [
        ("jalan_rusak", 18), ("sampah", 17), ("genangan_air", 16), ("penerangan_jalan", 12), ("pohon_membahayakan", 8),
        ("parkir", 8), ("galian_kabel", 6), ("masalah_sosial", 6), ("tiang_pln", 5), ("lainnya", 4),
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

    /// <summary>Files <paramref name="count"/> demo complaints and plays their history; without <paramref name="history"/>
    /// they stay as filed (all Diterima), which is what a load benchmark of the map needs, at a fraction of the time.</summary>
    public static async Task SeedAsync(IServiceProvider services, int count, int? seed, ILogger logger, bool history = true,
        CancellationToken ct = default)
    {
        var started = TimeProvider.System.GetTimestamp();
        var dbFactory = services.GetRequiredService<IDbContextFactory<UjarDb>>();
        var router = services.GetRequiredService<ComplaintRouter>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        await CityBoundaryImport.EnsureAsync(services, logger, ct);
        await router.ReloadAsync(db, ct);
        if (!router.IsLoaded) throw new InvalidOperationException("no active boundaries to route demo complaints with");
        // The history is made by the demo staff and crews, so they exist first.
        await DemoAccounts.SeedAsync(services, logger, ct);

        var random = seed is { } s ? new Random(s) : new Random();
        var now = DateTime.UtcNow;
        var demo = CityDemo.Of(services.GetRequiredService<City>());
        var weather = DemoWeather.Of(random, DemoTime.WibDate(now), Days, demo.RainByMonth);
        var map = DemoPlacement.Map.Survey(router, demo);

        var filings = new List<Complaint>(count);
        var attempts = 0;
        while (filings.Count < count)
        {
            // Now and then a place near the coast keeps giving sea and the pin is drawn afresh; a city that refuses
            // nearly everything means the boundaries are not the city's.
            if (++attempts > 20 * count + 100) throw new InvalidOperationException("demo pins keep falling outside the active boundaries");
            var dayAgo = random.Next(Days);
            // Midnight WIB is 17:00 UTC the day before; people report between 06:00 and 22:00 WIB.
            var created = now.AddDays(-dayAgo).Date.AddHours(-7 + 6 + random.NextDouble() * 16);
            if (created > now) created = now.AddMinutes(-random.Next(1, 600));
            if (Plausible(map, random, created, weather.IsRainy(DemoTime.WibDate(created))) is not { } complaint) continue;
            filings.Add(complaint);
        }
        filings.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        var repeats = Repeats(map, random, filings);

        // Every filing gets its reporter's secret, as intake gives it; the history plays the reporters' answers with it.
        var reporterTokens = filings.ToDictionary(c => c, _ => ReporterToken.New());
        foreach (var (complaint, token) in reporterTokens) complaint.ReporterTokenHash = ReporterToken.Hash(token);

        // Tickets follow filing order, per WIB year, from the same counter live intake uses.
        var ticketPrefix = services.GetRequiredService<City>().TicketPrefix;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var year in filings.GroupBy(c => Wib.Year(c.CreatedAt)))
            {
                var inYear = year.ToList();
                var number = await Tickets.ReserveAsync(db, year.Key, inYear.Count) - inYear.Count;
                foreach (var complaint in inYear) complaint.Ticket = Tickets.Format(ticketPrefix, year.Key, ++number);
            }
            db.Complaints.AddRange(filings);
            await db.SaveChangesAsync(ct);
            // Like live intake, every insert is in the event log, so the log's followers (the hotspot points) see them.
            await LiveEvents.AppendAsync(db, filings.Select(c => LiveEvents.Of(LiveEventType.ComplaintFiled, c, c.CreatedAt)).ToList(), ct);
            await tx.CommitAsync(ct);
        }
        var filed = TimeProvider.System.GetElapsedTime(started);

        if (!history)
        {
            logger.LogInformation("Seeded {Count} demo complaints over the last {Days} days in {Seconds:0.0} s, without history",
                filings.Count, Days, filed.TotalSeconds);
            return;
        }
        var played = await DemoHistory.PlayAsync(services, new DemoHistory.Filings(filings, repeats, reporterTokens, weather), random, now, logger, ct);
        logger.LogInformation(
            "Seeded {Count} demo complaints over the last {Days} days in {Seconds:0.0} s (filing {Filed:0.0} s): {Steps} status steps, {Escalations} escalations, {AutoClosed} closed by the watcher, {Supports} supports, {Refused} planned steps refused",
            filings.Count, Days, TimeProvider.System.GetElapsedTime(started).TotalSeconds, filed.TotalSeconds, played.Steps, played.Escalations,
            played.AutoClosed, played.Supports, played.Refused);
    }

    /// <summary>
    /// A plausible new complaint filed at <paramref name="at"/> (status <c>received</c>), routed by the real router;
    /// null when no pin on land was found (the caller tries again). After heavy rain flooding is much of
    /// what people report. Used for the history of <c>seed-demo</c> and for the complaints of <c>serve --demo-live</c> alike.
    /// </summary>
    public static Complaint? Plausible(DemoPlacement.Map map, Random random, DateTime at, bool rainy)
    {
        var category = DemoRandom.Pick(random, CategoryWeights, c => c.Category == "genangan_air" ? c.Weight * (rainy ? 4 : 0.6) : c.Weight).Category;
        return DemoPlacement.Pin(map, random, category, rainy) is (var lat, var lon) ? Filed(map, random, category, lat, lon, at) : null;
    }

    /// <summary>Some filings report again what an earlier one of the last few days reported, a few metres away: the
    /// complaint is made anew at the earlier one's place, and staff will fold it into the original.</summary>
    private static Dictionary<Complaint, Complaint> Repeats(DemoPlacement.Map map, Random random, List<Complaint> filings)
    {
        var repeats = new Dictionary<Complaint, Complaint>();
        for (var i = 1; i < filings.Count; i++)
        {
            if (!DemoRandom.Chance(random, RepeatShare)) continue;
            var at = filings[i].CreatedAt;
            var earlier = new List<Complaint>();
            for (var j = i - 1; j >= 0 && filings[j].CreatedAt > at.AddDays(-5); j--)
                if (!repeats.ContainsKey(filings[j])) earlier.Add(filings[j]);
            if (earlier.Count == 0) continue;
            var original = earlier[random.Next(earlier.Count)];
            var (lat, lon) = DemoPlacement.Near(random, original.Location, 15);
            if (Filed(map, random, original.CategoryCode, lat, lon, at) is not { } repeat || repeat.OpdCode != original.OpdCode) continue;
            filings[i] = repeat;
            repeats[repeat] = original;
        }
        return repeats;
    }

    private static Complaint? Filed(DemoPlacement.Map map, Random random, string category, double lat, double lon, DateTime at)
    {
        // Routed as stored (six decimals, about 0.1 m), so a pin a hair from a coast or an edge is judged where it is kept.
        (lon, lat) = (Math.Round(lon, 6), Math.Round(lat, 6));
        // On land only: a pin the router had to snap (sea, a sliver gap) is not one a demo citizen drops.
        if (map.Router.Route(lon, lat, category) is not { Opd: not null, Area.Snapped: false } decision) return null;

        // Most of the city complains on WhatsApp; a WhatsApp report always comes with the sender's number.
        var channel = random.NextDouble() < 0.55 ? IntakeChannel.WhatsApp : IntakeChannel.Web;
        var anonymous = channel == IntakeChannel.Web && random.NextDouble() < 0.3;
        var street = map.Streets.Count > 0 ? map.Streets[random.Next(map.Streets.Count)] : $"Kelurahan {decision.Area.Kelurahan.Name}";
        var texts = Descriptions[category];
        var complaint = Complaint.Routed(decision, Wgs84.Point(lon, lat),
            string.Format(texts[random.Next(texts.Length)], street));
        complaint.CreatedAt = at;
        complaint.Channel = channel;
        complaint.IsDemo = true;
        complaint.Anonymous = anonymous;
        complaint.ReporterName = anonymous ? null : Names[random.Next(Names.Length)];
        complaint.ReporterPhone = anonymous ? null : $"{(channel == IntakeChannel.WhatsApp ? "628" : "08")}{random.Next(11, 99)}{random.Next(1000_0000, 9999_9999)}";
        return complaint;
    }
}
