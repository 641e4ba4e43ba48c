using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Accounts;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.Supports;

namespace Ujar.Api.Demo;

/// <summary>
/// What happened to the demo complaints, played through the real lifecycle. Each complaint first gets a plan — who
/// does what when, in office hours on working days, by the habits of the OPD that holds it — and then every planned
/// step of every complaint is played in time order through <see cref="ComplaintStatusChanges"/> as the demo staff,
/// crews and reporters, at its own time, while <see cref="SlaWatcher"/> looks at the clock once a day (just after
/// midnight WIB, when deadlines end): it escalates what is overdue at that moment and closes what reporters left
/// unanswered. So the lifecycle's rules, the deadlines and the timeline are the real ones; only the people are made up.
/// Steps planned after now are not played: recent complaints are still on their way.
/// </summary>
public static class DemoHistory
{
    /// <summary>The filings the history is about: <see cref="Repeats"/> maps a repeated report to its original;
    /// <see cref="ReporterTokens"/> are the reporters' secrets, with which they answer "sudah / belum selesai".</summary>
    public sealed record Filings(IReadOnlyList<Complaint> Complaints, IReadOnlyDictionary<Complaint, Complaint> Repeats,
        IReadOnlyDictionary<Complaint, string> ReporterTokens, DemoWeather Weather);

    /// <summary>What was played: steps made, escalations and automatic closings by the watcher, supports, and planned
    /// steps the lifecycle refused (none, unless a plan broke a rule).</summary>
    public sealed record Played(int Steps, int Escalations, int AutoClosed, int Supports, int Refused);

    /// <summary>How an OPD works. <see cref="VerifyAfter"/>: working days from receipt to the first answer;
    /// <see cref="DispatchDays"/>: at most this many from verification to assignment, and again to the crew starting;
    /// <see cref="OnTime"/>: the share fixed within the category's deadline, else up to <see cref="LateDays"/> past it;
    /// <see cref="Stalls"/>: the share left waiting on the way (the backlog); <see cref="Reopened"/>: the share whose
    /// reporter says it is not done; <see cref="RainBacklogDays"/>: extra days for flooding reported on a rainy day.</summary>
    private sealed record Habits((int Days, double Weight)[] VerifyAfter, int DispatchDays, double OnTime, int LateDays, double Stalls,
        double Reopened, int RainBacklogDays);

    private static readonly Dictionary<string, Habits> HabitsOf = new()
    {
        // Fast and reliable: answered the same day, a crew out the next, hardly anything late.
        ["dlh"] = new([(0, 7), (1, 3)], 1, 0.95, 2, 0.02, 0.03, 0),
        ["dishub"] = new([(0, 3), (1, 5), (2, 2)], 1, 0.82, 4, 0.05, 0.06, 0),
        // Busy: after heavy rain the flooding reports pile up on top of the roads.
        ["pupr"] = new([(1, 5), (2, 3), (3, 1)], 2, 0.66, 6, 0.08, 0.10, 3),
        ["diskominfo"] = new([(1, 3), (2, 4), (3, 2)], 2, 0.5, 8, 0.12, 0.07, 0),
        // Slow with a backlog: few people for social cases, long verification, many still waiting.
        ["dinsos"] = new([(2, 3), (3, 4), (5, 3)], 3, 0.2, 10, 0.3, 0.12, 0),
    };

    private static readonly Habits Ordinary = new([(1, 1)], 1, 0.7, 5, 0.08, 0.08, 0);

    /// <summary>Verification's side paths: complaints of <see cref="Category"/> whose description starts with
    /// <see cref="About"/> are, in <see cref="Share"/> of cases, re-routed to <see cref="To"/> or, without one, rejected.
    /// <see cref="Note"/> may name the city as {0} (its short name).</summary>
    private sealed record SidePath(string Category, string About, double Share, string Note, string? To = null);

    private static readonly SidePath[] SidePaths =
    [
        new("lainnya", "Rambu", 0.85, "Rambu lalu lintas adalah kewenangan Dinas Perhubungan; laporan dialihkan ke Dishub.", "dishub"),
        new("galian_kabel", "", 0.15, "Galian kabel serat optik milik operator telekomunikasi; izin dan pengawasannya di Diskominfo.", "diskominfo"),
        new("pohon_membahayakan", "Dahan pohon", 0.3, "Dahan menimpa kabel listrik: pemangkasan dekat jaringan dikerjakan bersama PLN, dikoordinasikan Diskominfo.", "diskominfo"),
        new("tiang_pln", "", 0.45, "Bukan kewenangan Pemerintah Kota: tiang dan kabel milik PLN. Laporan sudah diteruskan ke PLN ULP {0}."),
        new("lainnya", "Suara bising", 0.6, "Bukan kewenangan Pemerintah Kota: gangguan kebisingan usaha diselesaikan lewat RT/RW dan Satpol PP."),
        new("sampah", "Warga membuang", 0.08, "Lokasi berada di lahan pribadi; pembersihan menjadi tanggung jawab pemilik lahan."),
        new("parkir", "", 0.06, "Saat diperiksa tidak ditemukan kendaraan parkir liar; laporan tidak dapat diverifikasi."),
    ];

    private static readonly Dictionary<string, string[]> ResolvedNotes = new()
    {
        ["genangan_air"] = ["Saluran dibersihkan dari sedimen dan sampah; air sudah surut.", "Gorong-gorong dinormalisasi, aliran lancar kembali."],
        ["pohon_membahayakan"] = ["Dahan yang retak sudah dipangkas.", "Pohon ditebang dan batangnya diangkut."],
        ["galian_kabel"] = ["Bekas galian sudah ditutup dan dipadatkan.", "Galian ditutup, rambu dipasang sampai aspal kering."],
        ["tiang_pln"] = ["Tiang ditegakkan kembali bersama petugas PLN.", "Kabel dinaikkan ke ketinggian aman."],
        ["penerangan_jalan"] = ["Lampu PJU diganti, menyala kembali.", "Kabel PJU yang putus disambung, lampu menyala."],
        ["parkir"] = ["Penertiban parkir dilakukan, juru parkir liar diberi teguran.", "Rambu dilarang parkir dipasang dan dijaga petugas."],
        ["jalan_rusak"] = ["Lubang sudah ditambal dengan aspal.", "Ruas jalan dilapis ulang."],
        ["sampah"] = ["Sampah sudah diangkut, TPS dibersihkan.", "Tumpukan sampah diangkut dan parit dibersihkan."],
        ["masalah_sosial"] = ["Warga sudah dijangkau dan dibawa ke rumah singgah Dinas Sosial.", "Anak-anak dan keluarganya didampingi pekerja sosial."],
        ["lainnya"] = ["Sudah ditangani petugas di lapangan."],
    };

    private static readonly string[] NotDoneNotes =
    [
        "Belum selesai: setelah hujan kemarin masalahnya muncul lagi.",
        "Belum selesai: baru dikerjakan sebagian.",
        "Belum selesai: petugas datang tapi kondisinya masih sama.",
    ];

    private static readonly string[] DoneNotes = ["Terima kasih, sudah beres.", "Sudah selesai, terima kasih petugas.", ""];

    /// <summary>How likely a complaint of a category draws supporters, and at most how many.</summary>
    private static readonly Dictionary<string, (double Chance, int Most)> Popularity = new()
    {
        ["genangan_air"] = (0.2, 25), ["jalan_rusak"] = (0.15, 15), ["sampah"] = (0.08, 8), ["penerangan_jalan"] = (0.06, 6),
        ["pohon_membahayakan"] = (0.06, 5),
    };

    private enum Hand { Staff, Crew, Reporter, Supporter }

    /// <summary>One planned step: who (<see cref="By"/> of <see cref="Opd"/>) moves the complaint to <see cref="To"/> at
    /// <see cref="At"/>, with what it needs; a supporter's step backs it instead, from <see cref="Device"/> at
    /// <see cref="Address"/> (hashes). Everything random is drawn when planning, so the steps can be played in parallel.</summary>
    private sealed record Step(DateTime At, Complaint Complaint, Hand By, string Opd, ComplaintStatus To, string? Note = null,
        Complaint? Original = null, string? TargetOpd = null, int? Evidence = null, Point? Position = null, string? Device = null,
        string? Address = null);

    /// <summary>How many complaints' steps of a day are played at once: the steps are small transactions whose time is
    /// mostly round trips, so a few connections overlap their waits.</summary>
    private const int Players = 4;

    public static async Task<Played> PlayAsync(IServiceProvider services, Filings filings, Random random, DateTime nowUtc, ILogger logger,
        CancellationToken ct)
    {
        if (filings.Complaints.Count == 0) return new Played(0, 0, 0, 0, 0);
        var dbFactory = services.GetRequiredService<IDbContextFactory<UjarDb>>();
        // The watcher judges by the cached calendar; a seeding command has not started the service that loads it.
        var calendars = services.GetRequiredService<WorkingCalendars>();
        People people;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await calendars.ReloadAsync(db, ct);
            people = await People.LoadAsync(db, ct);
        }
        var photoStore = services.GetRequiredService<PhotoStore>();
        var evidence = DemoEvidence.Make(random);
        var watcher = services.GetRequiredService<SlaWatcher>();
        var planner = new Planner(calendars.Current, services.GetRequiredService<ComplaintRouter>().Categories,
            services.GetRequiredService<City>().ShortName, filings, evidence.Count, random);
        var steps = filings.Complaints.SelectMany(planner.Plan).Where(s => s.At <= nowUtc).OrderBy(s => s.At).ToList();

        var players = new ConcurrentBag<UjarDb>();
        for (var i = 0; i < Players; i++)
        {
            var db = await dbFactory.CreateDbContextAsync(ct);
            // Thousands of small transactions: made-up history need not wait for each commit to reach the disk (a crash
            // loses at most the last moment of it, never consistency). The setting is this connection's, held open to the end.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("SET synchronous_commit = off", ct);
            players.Add(db);
        }
        var derailed = new ConcurrentDictionary<Complaint, bool>();
        int made = 0, escalated = 0, autoClosed = 0, supports = 0, refused = 0;
        try
        {
            var next = 0;
            foreach (var tick in WatcherTicks(filings.Complaints.Min(c => c.CreatedAt), nowUtc).Append(DateTime.MaxValue))
            {
                // The day before the watcher's look, played a complaint at a time; a repeat goes with its original,
                // whose supporters it moves.
                var day = new List<Step>();
                for (; next < steps.Count && steps[next].At < tick; next++) day.Add(steps[next]);
                await Parallel.ForEachAsync(day.GroupBy(s => filings.Repeats.GetValueOrDefault(s.Complaint, s.Complaint)),
                    new ParallelOptions { MaxDegreeOfParallelism = Players, CancellationToken = ct }, async (story, token) =>
                    {
                        players.TryTake(out var db);
                        try
                        {
                            foreach (var step in story)
                                if (!derailed.ContainsKey(step.Complaint)) await PlayAsync(db!, step);
                        }
                        finally
                        {
                            players.Add(db!);
                        }
                    });
                if (tick == DateTime.MaxValue) break;
                var run = await watcher.RunOnceAsync(tick, ct);
                (escalated, autoClosed) = (escalated + run.Escalated, autoClosed + run.Closed);
            }
        }
        finally
        {
            foreach (var db in players) await db.DisposeAsync();
        }
        return new Played(made, escalated, autoClosed, supports, refused);

        async Task PlayAsync(UjarDb db, Step step)
        {
            db.ChangeTracker.Clear();
            if (step.By == Hand.Supporter)
            {
                // A supporter who comes after the work is done is turned away, as the page would; the plan goes on.
                if (await SupportsApi.BackAsync(db, step.Complaint.Ticket, step.Device!, step.Address!, int.MaxValue, step.At, ct)
                    is SupportsApi.Backing.Counted { Added: true })
                    Interlocked.Increment(ref supports);
                return;
            }

            List<ProcessedPhoto> photos = step.Evidence is { } picture ? [DemoEvidence.CopyOf(evidence[picture])] : [];
            await photoStore.SaveFilesAsync(photos, ct);
            var request = new ChangeRequest(step.To, step.Note, step.Original?.Ticket, step.TargetOpd, Position: step.Position,
                Photos: photos.Count == 0 ? null : photos.Select(p => (p, PhotoKind.After)).ToList());
            var actor = step.By == Hand.Reporter ? ChangeActor.Reporter(filings.ReporterTokens[step.Complaint]) : people.Of(step.Opd, step.By);
            var outcome = await ComplaintStatusChanges.ChangeAsync(db, step.Complaint.Ticket, request, actor, step.At, ct);
            if (outcome is ComplaintStatusChanges.Changed)
            {
                Interlocked.Increment(ref made);
                return;
            }
            photoStore.DeleteFiles(photos);
            // A plan that breaks a rule is a bug of the plan: the rest of that complaint's history is not played.
            derailed[step.Complaint] = true;
            Interlocked.Increment(ref refused);
            logger.LogWarning("Demo history: {Ticket} {To} by {By} at {At:u} refused ({Outcome}); the rest of its plan is dropped",
                step.Complaint.Ticket, step.To, step.By, step.At, outcome);
        }
    }

    /// <summary>Just after every midnight WIB (when deadlines end) from the first filing up to now.</summary>
    private static IEnumerable<DateTime> WatcherTicks(DateTime firstUtc, DateTime nowUtc)
    {
        for (var day = DemoTime.WibDate(firstUtc).AddDays(1); ; day = day.AddDays(1))
        {
            var tick = DemoTime.Utc(day, TimeSpan.FromMinutes(5));
            if (tick > nowUtc) yield break;
            yield return tick;
        }
    }

    /// <summary>The demo staff member and crew of each OPD (<see cref="DemoAccounts"/>), as the staff API would name them.</summary>
    private sealed class People(IReadOnlyDictionary<(string Opd, string Role), ChangeActor> actors)
    {
        public static async Task<People> LoadAsync(UjarDb db, CancellationToken ct)
        {
            var emails = DemoAccounts.Accounts.Where(a => a.Opd is not null).Select(a => a.Email).ToList();
            var ids = await db.Users.Where(u => emails.Contains(u.Email!)).ToDictionaryAsync(u => u.Email!, u => u.Id, ct);
            return new People(DemoAccounts.Accounts.Where(a => a.Opd is not null).ToDictionary(a => (a.Opd!, a.Role),
                a => new ChangeActor(a.Role == Roles.Crew ? Actors.Crew : Actors.Staff, a.Role, ids[a.Email], a.Name, a.Opd)));
        }

        public ChangeActor Of(string opd, Hand hand) => actors[(opd, hand == Hand.Crew ? Roles.Crew : Roles.OpdStaff)];
    }

    /// <summary>Plans one complaint's history. Times: staff and crews in office hours (08:00–16:00 WIB) on working days,
    /// citizens between 06:30 and 21:30 any day; every step after the one before.</summary>
    private sealed class Planner(WorkingCalendar calendar, IReadOnlyDictionary<string, Category> categories, string cityName, Filings filings,
        int pictures, Random random)
    {
        // Complaints are planned in filing order, so an original is planned before its repeats.
        private readonly HashSet<Complaint> _rerouted = [];

        public IEnumerable<Step> Plan(Complaint complaint)
        {
            var steps = new List<Step>();
            var opd = complaint.OpdCode;
            var habits = HabitsOf.GetValueOrDefault(opd, Ordinary);
            var received = complaint.CreatedAt;
            var rainyFlood = complaint.CategoryCode == "genangan_air" && filings.Weather.IsRainy(DemoTime.WibDate(complaint.CreatedAt));
            var t = Office(received, FirstAnswerDays(habits) + (rainyFlood ? random.Next(habits.RainBacklogDays + 1) : 0));

            // A repeat whose original went to another OPD stays a complaint of its own: folding it in would be an admin's call.
            if (filings.Repeats.TryGetValue(complaint, out var original) && !_rerouted.Contains(original))
            {
                steps.Add(new(t, complaint, Hand.Staff, opd, ComplaintStatus.Duplicate, $"Sudah dilaporkan sebelumnya: {original.Ticket}", original));
                return steps;
            }
            AddSupporters(complaint, steps);
            if (SidePaths.FirstOrDefault(p => p.Category == complaint.CategoryCode && complaint.Description.StartsWith(p.About, StringComparison.Ordinal))
                is { } side && DemoRandom.Chance(random, side.Share))
            {
                var note = string.Format(side.Note, cityName);
                if (side.To is null)
                {
                    steps.Add(new(t, complaint, Hand.Staff, opd, ComplaintStatus.Rejected, note));
                    return steps;
                }
                steps.Add(new(t, complaint, Hand.Staff, opd, ComplaintStatus.NotOurRemit, note, TargetOpd: side.To));
                _rerouted.Add(complaint);
                // The new OPD receives it afresh (the same request makes its Diterima step) and answers by its own habits.
                (opd, habits, received) = (side.To, HabitsOf.GetValueOrDefault(side.To, Ordinary), t);
                t = Office(t, FirstAnswerDays(habits));
            }
            steps.Add(new(t, complaint, Hand.Staff, opd, ComplaintStatus.Verified));
            if (Work(complaint, steps, habits, opd, ref t, received, firstTime: true)) return steps;

            if (DemoRandom.Chance(random, habits.Reopened))
            {
                t = Citizen(t, random.Next(4));
                steps.Add(new(t, complaint, Hand.Reporter, opd, ComplaintStatus.Reopened, NotDoneNotes[random.Next(NotDoneNotes.Length)]));
                if (Work(complaint, steps, habits, opd, ref t, received, firstTime: false)) return steps;
            }
            // Half the reporters answer "sudah selesai" within a few days; the others leave it to Ujar, which closes it
            // after the 10 working days of the reply window.
            if (DemoRandom.Chance(random, 0.5))
                steps.Add(new(Citizen(t, random.Next(4)), complaint, Hand.Reporter, opd, ComplaintStatus.Closed,
                    DoneNotes[random.Next(DoneNotes.Length)] is { Length: > 0 } thanks ? thanks : null));
            return steps;
        }

        /// <summary>Assignment, the crew starting and the fix; true when the work stalls on the way (the plan ends there).
        /// A first fix lands within the category's deadline (counted from <paramref name="received"/>) as often as the
        /// OPD manages; a second one, after a reopening, takes a few more days.</summary>
        private bool Work(Complaint complaint, List<Step> steps, Habits habits, string opd, ref DateTime t, DateTime received, bool firstTime)
        {
            var stallsAt = DemoRandom.Chance(random, habits.Stalls) ? random.Next(3) : -1;
            if (stallsAt == 0 && firstTime) return true;
            t = Office(t, random.Next(habits.DispatchDays + 1));
            steps.Add(new(t, complaint, Hand.Staff, opd, ComplaintStatus.Assigned));
            if (stallsAt == 1) return true;
            t = Office(t, random.Next(habits.DispatchDays + 1));
            steps.Add(new(t, complaint, Hand.Crew, opd, ComplaintStatus.InProgress, Position: CrewPosition(complaint)));
            if (stallsAt == 2) return true;

            var resolveDays = categories.TryGetValue(complaint.CategoryCode, out var category) ? category.ResolveDays : 7;
            var fixDay = firstTime
                ? DemoTime.WorkingDaysAfter(calendar, DemoTime.WibDate(received), DemoRandom.Chance(random, habits.OnTime)
                    ? random.Next(resolveDays + 1)
                    : resolveDays + 1 + random.Next(habits.LateDays))
                : DemoTime.WorkingDaysAfter(calendar, DemoTime.WibDate(t), 1 + random.Next(3));
            t = fixDay > DemoTime.WibDate(t) ? Office(DemoTime.Utc(fixDay, TimeSpan.Zero), 0) : Office(t, 0);
            var notes = ResolvedNotes.GetValueOrDefault(complaint.CategoryCode, ResolvedNotes["lainnya"]);
            steps.Add(new(t, complaint, Hand.Crew, opd, ComplaintStatus.Resolved, notes[random.Next(notes.Length)],
                Evidence: random.Next(pictures), Position: CrewPosition(complaint)));
            return false;
        }

        /// <summary>Citizens back a popular complaint while it is open: most in its first days.</summary>
        private void AddSupporters(Complaint complaint, List<Step> steps)
        {
            if (!Popularity.TryGetValue(complaint.CategoryCode, out var popularity) || !DemoRandom.Chance(random, popularity.Chance)) return;
            var count = 1 + (int)(popularity.Most * Math.Pow(random.NextDouble(), 2));
            for (var i = 0; i < count; i++)
                steps.Add(new(complaint.CreatedAt.AddHours(1 + 240 * Math.Pow(random.NextDouble(), 2)), complaint, Hand.Supporter, complaint.OpdCode,
                    ComplaintStatus.Received, Device: RandomHash(), Address: RandomHash()));
        }

        /// <summary>Where a crew stands when it reports: at the pin, a few metres off; now and then from a different spot,
        /// far enough for staff to be asked to look (<see cref="ComplaintStatusChanges.ReviewDistanceMeters"/>).</summary>
        private Point CrewPosition(Complaint complaint)
        {
            var (lat, lon) = DemoPlacement.Near(random, complaint.Location, DemoRandom.Chance(random, 0.03) ? 250 : 8);
            return Wgs84.Point(Math.Round(lon, 6), Math.Round(lat, 6));
        }

        private string RandomHash()
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return Convert.ToHexStringLower(bytes);
        }

        private int FirstAnswerDays(Habits habits) => DemoRandom.Pick(random, habits.VerifyAfter, v => v.Weight).Days;

        /// <summary>A moment in office hours on the <paramref name="days"/>-th working day after <paramref name="after"/>'s WIB
        /// date (0: that day, when it is a working day with office hours left), after <paramref name="after"/>.</summary>
        private DateTime Office(DateTime after, int days)
        {
            var day = DemoTime.WorkingDaysAfter(calendar, DemoTime.WibDate(after), days);
            var at = DemoTime.Utc(day, TimeSpan.FromHours(8 + 8 * random.NextDouble()));
            if (at > after) return at;
            // Later the same day, if the office is still open; else early the next working day.
            at = after.AddMinutes(10 + random.Next(110));
            return at < DemoTime.Utc(day, TimeSpan.FromHours(16))
                ? at
                : DemoTime.Utc(DemoTime.WorkingDaysAfter(calendar, day, 1), TimeSpan.FromHours(8 + 2 * random.NextDouble()));
        }

        /// <summary>A moment when a citizen answers, <paramref name="days"/> calendar days after <paramref name="after"/>.</summary>
        private DateTime Citizen(DateTime after, int days)
        {
            var day = DemoTime.WibDate(after).AddDays(days);
            var at = DemoTime.Utc(day, TimeSpan.FromHours(6.5 + 15 * random.NextDouble()));
            return at > after ? at : DemoTime.Utc(day.AddDays(1), TimeSpan.FromHours(6.5 + 15 * random.NextDouble()));
        }
    }
}

/// <summary>WIB dates and working days for the demo generators.</summary>
internal static class DemoTime
{
    public static DateOnly WibDate(DateTime utc) => DateOnly.FromDateTime(Wib.ToWib(utc).DateTime);

    /// <summary>The UTC instant of <paramref name="timeOfDay"/> WIB on <paramref name="wibDate"/>.</summary>
    public static DateTime Utc(DateOnly wibDate, TimeSpan timeOfDay) =>
        DateTime.SpecifyKind(wibDate.ToDateTime(TimeOnly.MinValue) + timeOfDay - Wib.Offset, DateTimeKind.Utc);

    /// <summary>The <paramref name="days"/>-th working day after <paramref name="wibDate"/>; with 0, that date itself if it is
    /// a working day, else the next one. Counted as <see cref="WorkingCalendar.AddWorkingDays"/> counts: N ≥ 1 working
    /// days after a filing is the last day within an N-day deadline.</summary>
    public static DateOnly WorkingDaysAfter(WorkingCalendar calendar, DateOnly wibDate, int days)
    {
        var day = wibDate;
        if (days == 0)
        {
            while (!calendar.IsWorkingDay(day)) day = day.AddDays(1);
            return day;
        }
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (calendar.IsWorkingDay(day)) counted++;
        }
        return day;
    }
}
