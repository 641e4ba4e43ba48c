using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;

using Ujar.Api.Routing;

namespace Ujar.Api.Tests.Performance;

/// <summary>
/// A fortnight of complaints written straight into the database with exact filing and step times (WIB), for answers
/// computed by hand in <see cref="PerformanceApiTests"/>. The period is Mon 10 – Sun 23 August 2026; Mon 17 August
/// (Independence Day) and Tue 25 August (Maulid) are holidays. Working days, numbered from Sun 9 August (cum = 0):
///   Mon 10 = 1, Tue 11 = 2, Wed 12 = 3, Thu 13 = 4, Fri 14 = 5, Sat 15 / Sun 16 / Mon 17 (holiday) = 5,
///   Tue 18 = 6, Wed 19 = 7, Thu 20 = 8, Fri 21 = 9, Sat 22 / Sun 23 = 9, Mon 24 = 10, Tue 25 (holiday) = 10,
///   Wed 26 = 11, Thu 27 = 12, Fri 28 = 13.
/// Working days from S to E = cum(E) − cum(S); a resolve deadline of n days from S ends with the working day w where
/// cum(w) = cum(S) + n (due at 00:00 WIB the day after w).
/// <list type="bullet">
/// <item>pupr (genangan_air, resolve 3 days unless said), Kecamatan Utara: P1–P11, plus D3 re-routed to it from dlh;
/// a duplicate of P1 and two complaints just outside the period (Sun 9 Aug 23:30 WIB, Mon 24 Aug 00:30 WIB).</item>
/// <item>dlh (sampah, resolve 5), Kecamatan Selatan: D1, D2, and D3 (Kecamatan Utara) which it re-routes to pupr.</item>
/// <item>dishub (penerangan_jalan, resolve 7), Kecamatan Selatan: ten alike, each answered in 1 day and resolved in 2.</item>
/// <item>Channels: D3 and six of dishub's ten came by WhatsApp, one of dishub's over Open311, everything else by the web.</item>
/// </list>
/// Every complaint carries reporter contact data, which must never appear in the output.
/// </summary>
public static class PerformanceScenario
{
    public static readonly DateOnly From = new(2026, 8, 10);
    public static readonly DateOnly To = new(2026, 8, 23);
    /// <summary>Thu 27 August 2026, 12:00 WIB: the clock of the service under test.</summary>
    public static readonly DateTimeOffset Now = new(2026, 8, 27, 12, 0, 0, TimeSpan.FromHours(7));

    public const string Utara = "99.01.01";
    public const string Selatan = "99.01.02";
    public const string ReporterName = "Siti Rahasia Performa";
    public const string ReporterPhone = "+6281200004242";
    public const string ReporterEmail = "warga.rahasia@example.id";


    public static async Task SeedAsync(UjarDb db)
    {
        var generation = await db.BoundaryGenerations.Where(g => g.IsActive).Select(g => g.Id).SingleAsync();
        var seed = new Seeder(db, generation);
        const ComplaintStatus Received = ComplaintStatus.Received, Verified = ComplaintStatus.Verified, Assigned = ComplaintStatus.Assigned,
            InProgress = ComplaintStatus.InProgress, Resolved = ComplaintStatus.Resolved, Closed = ComplaintStatus.Closed,
            Rejected = ComplaintStatus.Rejected, Reopened = ComplaintStatus.Reopened, NotOurRemit = ComplaintStatus.NotOurRemit,
            Duplicate = ComplaintStatus.Duplicate;

        // pupr.
        var p1 = await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 10, 9),
            (Verified, W(8, 11, 10)), (Assigned, W(8, 11, 10, 5)), (InProgress, W(8, 11, 11)), (Resolved, W(8, 12, 15)), (Closed, W(8, 14, 9)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 10, 9),                                      // P2: late
            (Verified, W(8, 10, 11)), (Assigned, W(8, 10, 11, 5)), (InProgress, W(8, 11, 8)), (Resolved, W(8, 14, 10)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 11, 9),                                      // P3: reopened
            (Verified, W(8, 12, 10)), (Assigned, W(8, 12, 10, 5)), (InProgress, W(8, 12, 11)), (Resolved, W(8, 13, 10)),
            (Reopened, W(8, 14, 10)), (Assigned, W(8, 14, 11)), (InProgress, W(8, 18, 9)), (Resolved, W(8, 19, 10)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 12, 9), (Rejected, W(8, 14, 10)));           // P4
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 13, 9),                                      // P5: over the holiday
            (Verified, W(8, 18, 10)), (Assigned, W(8, 18, 10, 5)), (InProgress, W(8, 18, 13)), (Resolved, W(8, 19, 10)), (Closed, W(8, 21, 9)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 14, 16),                                     // P6: answered on the holiday
            (Verified, W(8, 17, 10)), (Assigned, W(8, 17, 10, 5)), (InProgress, W(8, 18, 9)), (Resolved, W(8, 20, 10)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 15, 9),                                      // P7: open, overdue
            (Verified, W(8, 20, 10)), (Assigned, W(8, 20, 10, 5)), (InProgress, W(8, 21, 9)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 18, 9));                                     // P8: never answered
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 19, 9),                                      // P9
            (Verified, W(8, 20, 10)), (Assigned, W(8, 20, 10, 5)), (InProgress, W(8, 21, 9)), (Resolved, W(8, 24, 10)), (Closed, W(8, 26, 9)));
        await seed.FileAsync("jalan_rusak", "pupr", Utara, W(8, 21, 9),                                       // P10: open, not yet due
            (Verified, W(8, 26, 10)), (Assigned, W(8, 26, 10, 5)), (InProgress, W(8, 26, 13)));
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 23, 23, 30));                                // P11: open, not yet due
        var duplicate = await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 11, 10), (Duplicate, W(8, 11, 12)));
        duplicate.DuplicateOfId = p1.Id;
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 9, 23, 30));                                 // before the period
        await seed.FileAsync("genangan_air", "pupr", Utara, W(8, 24, 0, 30));                                 // after the period

        // D3: filed to dlh, re-routed to pupr (two steps, as ComplaintStatusChanges writes them), resolved by pupr.
        var rerouted = W(8, 12, 10);
        var d3 = await seed.FileAndHandOnAsync("sampah", "dlh", Utara, W(8, 10, 9),
            (NotOurRemit, rerouted, null), (Received, rerouted.AddTicks(10), "pupr"), (Verified, W(8, 13, 10), "pupr"),
            (Assigned, W(8, 13, 10, 5), "pupr"), (InProgress, W(8, 14, 9), "pupr"), (Resolved, W(8, 19, 10), "pupr"));
        d3.Channel = IntakeChannel.WhatsApp;

        // dlh.
        await seed.FileAsync("sampah", "dlh", Selatan, W(8, 11, 9),                                           // D1
            (Verified, W(8, 11, 14)), (Assigned, W(8, 11, 14, 5)), (InProgress, W(8, 12, 9)), (Resolved, W(8, 14, 10)), (Closed, W(8, 18, 9)));
        await seed.FileAsync("sampah", "dlh", Selatan, W(8, 20, 9),                                           // D2: open, not yet due
            (Verified, W(8, 21, 10)), (Assigned, W(8, 21, 10, 5)), (InProgress, W(8, 24, 9)));

        // dishub: ten alike.
        for (var i = 0; i < 10; i++)
        {
            var light = await seed.FileAsync("penerangan_jalan", "dishub", Selatan, W(8, 10, 9),
                (Verified, W(8, 11, 10)), (Assigned, W(8, 11, 10, 5)), (InProgress, W(8, 11, 13)), (Resolved, W(8, 12, 10)));
            // Six came by WhatsApp, one from another system over Open311, three by the web.
            light.Channel = i < 6 ? IntakeChannel.WhatsApp : i == 6 ? IntakeChannel.Open311 : IntakeChannel.Web;
        }
        await db.SaveChangesAsync();
    }

    /// <summary>A WIB wall-clock time in 2026 as UTC.</summary>
    private static DateTime W(int month, int day, int hour, int minute = 0) =>
        new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Utc) - TimeSpan.FromHours(7);

    private sealed class Seeder(UjarDb db, int generationId)
    {
        private static int _next;

        /// <summary>A complaint filed at <paramref name="createdUtc"/> to <paramref name="opd"/>, then the steps in order
        /// (each made while the OPD named with it, or else the filing OPD, held it); its status is the last step's.</summary>
        public Task<Complaint> FileAsync(string category, string opd, string kecamatan, DateTime createdUtc,
            params (ComplaintStatus To, DateTime At)[] steps) =>
            FileAndHandOnAsync(category, opd, kecamatan, createdUtc, steps.Select(s => (s.To, s.At, (string?)null)).ToArray());

        /// <summary>As <see cref="FileAsync"/>, a step naming the OPD that holds the complaint from then on.</summary>
        public async Task<Complaint> FileAndHandOnAsync(string category, string opd, string kecamatan, DateTime createdUtc,
            params (ComplaintStatus To, DateTime At, string? Opd)[] steps)
        {
            var number = Interlocked.Increment(ref _next);
            var complaint = new Complaint
            {
                Ticket = $"UJR-2026-8{number:D5}",
                CategoryCode = category,
                Description = "Skenario kinerja",
                Location = Wgs84.Point(100.05, kecamatan == Utara ? 0.065 : 0.025),
                KelurahanCode = kecamatan + ".1001",
                KecamatanCode = kecamatan,
                OpdCode = opd,
                CreatedAt = createdUtc,
                ReporterName = ReporterName,
                ReporterPhone = ReporterPhone,
                ReporterEmail = ReporterEmail,
                BoundaryGenerationId = generationId,
            };
            db.Complaints.Add(complaint);
            await db.SaveChangesAsync();
            var holder = opd;
            foreach (var (to, at, stepOpd) in steps)
            {
                holder = stepOpd ?? holder;
                db.StatusChanges.Add(new StatusChange
                {
                    ComplaintId = complaint.Id, From = complaint.Status, To = to, At = at, OpdCode = holder, ActorRole = "opd_staff",
                    ActorName = "Petugas " + holder, Note = to == ComplaintStatus.Rejected ? "Bukan masalah kota" : null,
                });
                complaint.Status = to;
                complaint.OpdCode = holder;
            }
            await db.SaveChangesAsync();
            return complaint;
        }
    }
}
