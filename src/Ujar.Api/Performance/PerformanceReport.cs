using System.Data.Common;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Setup;

namespace Ujar.Api.Performance;

/// <summary>A period of WIB calendar dates, both ends included.</summary>
public sealed record PerformancePeriod(DateOnly From, DateOnly To)
{
    [JsonIgnore] public DateTime FromUtc => StartOfWibDayUtc(From);
    [JsonIgnore] public DateTime ToExclusiveUtc => StartOfWibDayUtc(To.AddDays(1));

    private static DateTime StartOfWibDayUtc(DateOnly date) =>
        DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue) - Wib.Offset, DateTimeKind.Utc);
}

/// <summary>
/// The figures of one OPD or kecamatan. The counts are there so every percentage can be checked by hand
/// (<see cref="ResolvedWithinDeadlinePct"/> = <see cref="WithinDeadline"/> ÷ <see cref="DeadlineCounted"/>, and so on).
/// Null means "nothing to measure" (no complaint had that step), never zero.
/// </summary>
public sealed record PerformanceFigures(
    int Received, IReadOnlyDictionary<string, int> ReceivedByChannel, int Rejected, int Resolved, int Reopened, int DeadlineCounted, int WithinDeadline, int StillOpen,
    double? FirstResponseMedianDays, double? ResolutionMedianDays, double? ResolvedWithinDeadlinePct, double? ReopenRatePct,
    double? StillOpenPct);

public sealed record OpdPerformance(string Code, string Name, string NameEn, int Received, IReadOnlyDictionary<string, int> ReceivedByChannel,
    int Rejected, int Resolved, int Reopened,
    int DeadlineCounted, int WithinDeadline, int StillOpen, double? FirstResponseMedianDays, double? ResolutionMedianDays,
    double? ResolvedWithinDeadlinePct, double? ReopenRatePct, double? StillOpenPct, bool Ranked, int? Rank);

public sealed record KecamatanPerformance(string Code, string Name, int Received, IReadOnlyDictionary<string, int> ReceivedByChannel, int Rejected, int Resolved, int Reopened,
    int DeadlineCounted, int WithinDeadline, int StillOpen, double? FirstResponseMedianDays, double? ResolutionMedianDays,
    double? ResolvedWithinDeadlinePct, double? ReopenRatePct, double? StillOpenPct);

/// <summary><c>GET /api/performance</c>: the period, the definitions the numbers follow, the city's complaints of the period
/// per intake channel, and the figures. No contact data.</summary>
public sealed record PerformanceReport(PerformancePeriod Period, DateTimeOffset AsOf, IReadOnlyDictionary<string, Bilingual> Definitions,
    int Received, IReadOnlyDictionary<string, int> ReceivedByChannel, IReadOnlyList<OpdPerformance> Opds, IReadOnlyList<KecamatanPerformance> Kecamatan);

/// <summary>
/// The public performance figures. The rules are written once, in <see cref="Definitions"/>, which the API returns and
/// the page shows, so the numbers and their explanation cannot drift apart. In short:
/// <list type="bullet">
/// <item>Cohort: complaints filed in the period (WIB dates), Duplikat left out (the original counts once).</item>
/// <item>An OPD is measured over its own spell with a complaint: from the moment it received it (the filing, or the
/// re-route that sent it there) until it handed it on. A complaint re-routed from A to B is received by both; A's
/// first response is the re-route itself and nothing after it is A's; B's clocks — first response, resolution and its
/// deadline — start when B received it, so B is not charged for A's days. A may not profit either: the re-route is its
/// (counted) first response, and re-routing late shows there.</item>
/// <item>A kecamatan is measured as the citizen lived it: from the filing to the end, with the official deadline
/// counted from the filing (<see cref="ComplaintDeadlines"/>), whoever held the complaint.</item>
/// <item>Figures are as of the request: a complaint of the period still open and not yet due counts against no one.</item>
/// </list>
/// The database aggregates each complaint's steps (see <see cref="ReadAsync"/>); working days and medians are computed
/// here, with the cached calendar.
/// </summary>
public static class PerformanceReports
{
    /// <summary>An OPD with fewer complaints than this in the period is shown but not ranked: a few complaints say
    /// more about luck than about the agency.</summary>
    public const int MinimumForRanking = 10;

    /// <summary>Calendar days after today the working-day table covers: more than the longest resolve deadline (14
    /// working days) plus the longest run of holidays; a deadline beyond it is still right, only slower.</summary>
    private const int DeadlineReachDays = 90;

    private static readonly HashSet<ComplaintStatus> OpenStatuses =
        [ComplaintStatus.Received, ComplaintStatus.Verified, ComplaintStatus.Assigned, ComplaintStatus.InProgress, ComplaintStatus.Reopened];

    public static readonly IReadOnlyDictionary<string, Bilingual> Definitions = new Dictionary<string, Bilingual>
    {
        ["cohort"] = new(
            "Laporan yang diajukan dalam periode (tanggal WIB, awal dan akhir termasuk). Laporan Duplikat tidak dihitung: laporan aslinya sudah dihitung sekali. Laporan Ditolak dihitung sebagai laporan diterima dan penolakannya sebagai tanggapan pertama, tetapi tidak ikut dalam angka penyelesaian, tenggat, maupun yang masih terbuka (tidak ada lagi yang harus dikerjakan); jumlahnya ditampilkan tersendiri.",
            "Complaints filed in the period (WIB dates, both ends included). Duplicates are left out: their original already counts once. Rejected complaints count as received and the rejection as the first response, but not in the resolution, deadline or still-open figures (nothing more is owed); their number is shown separately."),
        ["workingDays"] = new(
            "Semua durasi dalam hari kerja WIB: Sabtu, Minggu, libur nasional dan cuti bersama tidak dihitung, dan hari mulai tidak dihitung (tanggapan pada hari yang sama = 0 hari).",
            "Every duration is in WIB working days: Saturdays, Sundays, national holidays and joint leave days are skipped, and the starting day does not count (an answer the same day = 0 days)."),
        ["firstResponse"] = new(
            "Median hari kerja sampai tanggapan pertama petugas: langkah pertama keluar dari Diterima (diverifikasi, ditolak, atau dialihkan karena bukan wewenang). Hanya laporan yang sudah ditanggapi; yang belum ditanggapi terlihat di angka \"masih terbuka\".",
            "Median working days to the first response by staff: the first step out of Received (verified, rejected, or re-routed as not their remit). Only complaints that had one; those still waiting show in \"still open\"."),
        ["resolution"] = new(
            "Median hari kerja sampai pertama kali berstatus Selesai.",
            "Median working days to the first step to Resolved."),
        ["resolvedWithinDeadline"] = new(
            "Persentase selesai tepat waktu: laporan yang kini berstatus Selesai atau Ditutup dan penyelesaian terakhirnya sebelum tenggat penyelesaian kategorinya (hari kerja sejak diterima), dibagi laporan yang sudah selesai ditambah laporan yang masih terbuka padahal tenggatnya sudah lewat. Laporan terbuka yang belum jatuh tempo tidak dihitung merugikan siapa pun. Laporan yang dibuka kembali dan belum selesai lagi dihitung terlambat bila tenggatnya lewat.",
            "Share resolved within deadline: complaints now Resolved or Closed whose last resolution came before their category's resolution deadline (working days from receipt), divided by the resolved ones plus those still open past their deadline. Open complaints not yet due count against no one. A reopened complaint not resolved again counts as late once its deadline has passed."),
        ["reopenRate"] = new(
            "Persentase dibuka kembali: laporan yang pernah Dibuka Kembali dibagi laporan yang pernah Selesai, dihitung pada OPD yang menyelesaikannya.",
            "Reopen rate: complaints ever Reopened divided by complaints ever Resolved, counted against the OPD that resolved them."),
        ["stillOpen"] = new(
            "Persentase masih terbuka: laporan yang saat ini berstatus Diterima, Diverifikasi, Didisposisikan, Dalam Proses atau Dibuka Kembali, dibagi laporan diterima.",
            "Share still open: complaints now Received, Verified, Assigned, In progress or Reopened, divided by complaints received."),
        ["attribution"] = new(
            "Per OPD: setiap OPD diukur selama laporan ada padanya, sejak ia menerimanya (saat diajukan, atau saat dialihkan kepadanya) sampai ia mengalihkannya. Laporan yang dialihkan dari OPD A ke OPD B dihitung diterima oleh keduanya: tanggapan pertama A adalah pengalihan itu, dan semua jam B (tanggapan, penyelesaian, tenggat) mulai saat B menerimanya, sehingga B tidak menanggung hari-hari A.",
            "Per OPD: each OPD is measured while it held the complaint, from when it received it (the filing, or the re-route to it) until it handed it on. A complaint re-routed from OPD A to OPD B counts as received by both: A's first response is the re-route, and all of B's clocks (response, resolution, deadline) start when B received it, so B is not charged for A's days."),
        ["ranking"] = new(
            $"Peringkat: OPD dengan sedikitnya {MinimumForRanking} laporan dalam periode diurutkan menurut persentase selesai tepat waktu (tertinggi dulu), lalu median hari penyelesaian (tercepat dulu); nilai sama mendapat peringkat sama. OPD dengan kurang dari {MinimumForRanking} laporan ditampilkan tetapi tidak diberi peringkat.",
            $"Ranking: OPDs with at least {MinimumForRanking} complaints in the period are ordered by share resolved within deadline (highest first), then by median resolution days (fastest first); equal figures share a rank. OPDs with fewer than {MinimumForRanking} complaints are shown but not ranked."),
        ["kecamatan"] = new(
            "Per kecamatan: angka yang sama menurut lokasi laporan, dari sudut pandang warga: semua jam mulai saat laporan diajukan dan tenggat resmi dihitung sejak pengajuan, siapa pun OPD yang menanganinya. Kecamatan tidak diberi peringkat: ia tempat, bukan pelaksana.",
            "Per kecamatan: the same figures by the complaint's location, as the citizen lived it: every clock starts at the filing and the official deadline counts from the filing, whichever OPD handled it. Kecamatan are not ranked: they are places, not agencies."),
        ["channels"] = new(
            "Diterima per saluran: dari mana laporan masuk — web (peta Ujar), WhatsApp, atau sistem lain lewat Open311. Semua saluran melalui pemeriksaan, pembagian wilayah dan tenggat yang sama, jadi angka lainnya tidak dipisah per saluran.",
            "Received per channel: where complaints came in — the web (Ujar's map), WhatsApp, or another system over Open311. Every channel goes through the same checks, routing and deadlines, so the other figures are not split by channel."),
        ["asOf"] = new(
            "Angka dihitung pada saat permintaan (asOf): status dan tenggat dinilai pada saat itu.",
            "Figures are computed at the time of the request (asOf): statuses and deadlines are judged at that moment."),
    };

    public static async Task<PerformanceReport> ComputeAsync(UjarDb db, WorkingCalendar calendar, PerformancePeriod period, DateTime nowUtc,
        CancellationToken ct)
    {
        var (complaints, reroutedSpells) = await ReadAsync(db, period, ct);
        // A complaint never re-routed is one spell, the whole complaint, with the OPD it still has.
        var spells = complaints.Where(c => !c.Rerouted).Select(c => (c.OpdCode, Unit: c.Unit))
            .Concat(reroutedSpells.Select(s => (s.OpdCode, Unit: s.Unit))).ToList();
        var opds = await db.Opds.AsNoTracking().OrderBy(o => o.Code).ToListAsync(ct);
        var kecamatanNames = await db.Boundaries.AsNoTracking()
            .Where(b => b.Level == BoundaryLevel.Kecamatan && db.BoundaryGenerations.Any(g => g.Id == b.GenerationId && g.IsActive))
            .ToDictionaryAsync(b => b.Code, b => b.Name, ct);

        // Every start is a filing or a re-route in the period and every end is before now; deadlines reach beyond now.
        var calendarIndex = new WorkingDayIndex(calendar, period.From.AddDays(-1),
            WorkingDayIndex.WibDate(nowUtc > period.ToExclusiveUtc ? nowUtc : period.ToExclusiveUtc).AddDays(DeadlineReachDays));
        var byOpd = spells.ToLookup(s => s.OpdCode, s => s.Unit);
        var opdRows = opds.Select(o => (Opd: o, Figures: Measure(byOpd[o.Code], calendarIndex, nowUtc))).ToList();
        // An OPD no longer in the table (renamed code) still shows, by its code.
        opdRows.AddRange(byOpd.Where(g => opds.All(o => o.Code != g.Key)).Select(g =>
            (new Opd { Code = g.Key, Name = g.Key, NameEn = g.Key }, Measure(g, calendarIndex, nowUtc))));

        var ranked = opdRows.Where(r => r.Figures.Received >= MinimumForRanking).Select(r => r.Figures).ToList();
        var opdResults = opdRows
            .Select(r => ToOpd(r.Opd, r.Figures, r.Figures.Received >= MinimumForRanking ? 1 + ranked.Count(other => Better(other, r.Figures)) : null))
            .OrderBy(o => o.Rank ?? int.MaxValue).ThenByDescending(o => o.Received).ThenBy(o => o.Code, StringComparer.Ordinal)
            .ToList();

        var byKecamatan = complaints.ToLookup(c => c.KecamatanCode, c => c.Unit);
        var kecamatanResults = kecamatanNames.Keys.Union(byKecamatan.Select(g => g.Key))
            .Select(code => ToKecamatan(code, kecamatanNames.GetValueOrDefault(code, code),
                Measure(byKecamatan[code], calendarIndex, nowUtc)))
            .OrderBy(k => k.Name, StringComparer.Ordinal).ToList();

        var city = Measure(complaints.Select(c => c.Unit), calendarIndex, nowUtc);
        return new PerformanceReport(period, Wib.ToWib(nowUtc), Definitions, city.Received, city.ReceivedByChannel, opdResults, kecamatanResults);
    }

    /// <summary>The order of the ranking: more within deadline, then a faster median resolution; nulls go last.</summary>
    private static bool Better(PerformanceFigures a, PerformanceFigures b)
    {
        var pctA = a.ResolvedWithinDeadlinePct ?? double.NegativeInfinity;
        var pctB = b.ResolvedWithinDeadlinePct ?? double.NegativeInfinity;
        if (pctA != pctB) return pctA > pctB;
        return (a.ResolutionMedianDays ?? double.PositiveInfinity) < (b.ResolutionMedianDays ?? double.PositiveInfinity);
    }

    /// <summary>What is measured for one OPD spell or one whole complaint; <see cref="HandedOn"/>: re-routed to another
    /// OPD, so its outcome belongs to the next spell.</summary>
    private readonly record struct Unit(DateTime Start, DateTime? FirstResponse, DateTime? FirstResolved, DateTime? LastResolved,
        bool Reopened, bool HandedOn, ComplaintStatus Status, int ResolveDays, IntakeChannel Channel);

    private static PerformanceFigures Measure(IEnumerable<Unit> units, WorkingDayIndex calendar, DateTime nowUtc)
    {
        int received = 0, rejected = 0, resolved = 0, reopened = 0, counted = 0, within = 0, open = 0;
        var byChannel = new int[Channels.Count];
        var firstResponses = new List<int>();
        var resolutions = new List<int>();
        foreach (var unit in units)
        {
            received++;
            byChannel[(int)unit.Channel]++;
            if (unit.FirstResponse is { } response) firstResponses.Add(WorkingDays(calendar, unit.Start, response));
            if (unit.FirstResolved is { } firstResolved)
            {
                resolved++;
                resolutions.Add(WorkingDays(calendar, unit.Start, firstResolved));
                if (unit.Reopened) reopened++;
            }
            if (unit.HandedOn) continue;
            if (unit.Status == ComplaintStatus.Rejected)
            {
                rejected++;
                continue;
            }
            var due = calendar.AddWorkingDays(unit.Start, unit.ResolveDays);
            if (unit.Status is ComplaintStatus.Resolved or ComplaintStatus.Closed && unit.LastResolved is { } lastResolved)
            {
                counted++;
                if (lastResolved < due) within++;
            }
            else if (OpenStatuses.Contains(unit.Status))
            {
                open++;
                if (nowUtc >= due) counted++;
            }
        }
        return new PerformanceFigures(received, Channels.ToDictionary(c => IntakeChannels.ToApi(c), c => byChannel[(int)c]), rejected, resolved, reopened, counted, within, open,
            Median(firstResponses), Median(resolutions), Pct(within, counted), Pct(reopened, resolved), Pct(open, received));
    }

    // A step stamped before its start (clocks of two servers a moment apart) is an answer the same day, not an error.
    private static int WorkingDays(WorkingDayIndex calendar, DateTime start, DateTime end) =>
        end <= start ? 0 : calendar.WorkingDaysBetween(start, end);

    private static double? Median(List<int> values)
    {
        if (values.Count == 0) return null;
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
    }

    /// <summary>One decimal, as a city official would quote it; JSON and CSV carry this same rounded number.</summary>
    private static double? Pct(int part, int whole) =>
        whole == 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);

    private static OpdPerformance ToOpd(Opd opd, PerformanceFigures f, int? rank) =>
        new(opd.Code, opd.Name, opd.NameEn, f.Received, f.ReceivedByChannel, f.Rejected, f.Resolved, f.Reopened, f.DeadlineCounted, f.WithinDeadline, f.StillOpen,
            f.FirstResponseMedianDays, f.ResolutionMedianDays, f.ResolvedWithinDeadlinePct, f.ReopenRatePct, f.StillOpenPct, rank is not null, rank);

    private static KecamatanPerformance ToKecamatan(string code, string name, PerformanceFigures f) =>
        new(code, name, f.Received, f.ReceivedByChannel, f.Rejected, f.Resolved, f.Reopened, f.DeadlineCounted, f.WithinDeadline, f.StillOpen,
            f.FirstResponseMedianDays, f.ResolutionMedianDays, f.ResolvedWithinDeadlinePct, f.ReopenRatePct, f.StillOpenPct);

    /// <summary>A complaint of the period as a whole (the citizen's view; also its one OPD spell when never re-routed).</summary>
    private sealed record ComplaintRow(long Id, string OpdCode, string KecamatanCode, bool Rerouted, Unit Unit);

    /// <summary>One OPD's spell with a re-routed complaint (see the class comment).</summary>
    private sealed record SpellRow(string OpdCode, Unit Unit);

    /// <summary>
    /// Two queries. The first aggregates every complaint of the period over its steps (GROUP BY the complaint: no
    /// window, no sort beyond the join's): that is the whole-complaint view, and the OPD view of the complaints never
    /// re-routed. The second cuts only the re-routed complaints (a few per cent) into OPD spells: a spell after the
    /// first begins with the re-route's "Diterima" step (from Bukan Wewenang), which carries the receiving OPD; the
    /// Bukan Wewenang step before it is the last step of the OPD handing it on. JIT is off: compiling these plans cost
    /// more than running them.
    /// </summary>
    private static async Task<(List<ComplaintRow> Complaints, List<SpellRow> Spells)> ReadAsync(UjarDb db, PerformancePeriod period,
        CancellationToken ct)
    {
        const string complaintsSql = """
            WITH period_ids AS (
                -- OFFSET 0 keeps the planner from answering min/max by walking the primary key from one end through
                -- every complaint outside the period; this reads the period's range of the created_at index.
                SELECT min(id) AS low, max(id) AS high
                FROM (SELECT id FROM complaints WHERE created_at >= @from AND created_at < @to OFFSET 0) period
            )
            SELECT c.id, c.created_at, c.status, c.opd_code, c.kecamatan_code, max(k.resolve_days), c.channel,
                   min(s.at) FILTER (WHERE s."from" = 'Received'),
                   min(s.at) FILTER (WHERE s."to" = 'Resolved'),
                   max(s.at) FILTER (WHERE s."to" = 'Resolved'),
                   coalesce(bool_or(s."to" = 'Reopened'), false),
                   coalesce(bool_or(s."to" = 'NotOurRemit'), false)
            FROM complaints c
            JOIN categories k ON k.code = c.category_code
            LEFT JOIN status_changes s ON s.complaint_id = c.id
                -- Redundant for the answer, decisive for the cost: ids follow the filing order, so the period's
                -- complaints hold a narrow range of ids and the steps are read from that range of the
                -- (complaint_id, at) index instead of the whole table.
                AND s.complaint_id BETWEEN (SELECT low FROM period_ids) AND (SELECT high FROM period_ids)
            WHERE c.created_at >= @from AND c.created_at < @to AND c.status <> 'Duplicate'
            -- By the key alone: the rows arrive in id order from the merge join, so no sort is needed.
            GROUP BY c.id
            """;
        const string spellsSql = """
            WITH steps AS (
                SELECT s.complaint_id, s."from", s."to", s.at, s.opd_code,
                       count(*) FILTER (WHERE s."from" = 'NotOurRemit' AND s."to" = 'Received')
                           OVER (PARTITION BY s.complaint_id ORDER BY s.at, s.id) AS spell
                FROM status_changes s
                WHERE s.complaint_id = ANY(@ids)
            )
            SELECT complaint_id, spell::int,
                   (array_agg(opd_code ORDER BY at))[1],
                   min(at),
                   min(at) FILTER (WHERE "from" = 'Received'),
                   min(at) FILTER (WHERE "to" = 'Resolved'),
                   max(at) FILTER (WHERE "to" = 'Resolved'),
                   bool_or("to" = 'Reopened'),
                   bool_or("to" = 'NotOurRemit')
            FROM steps
            GROUP BY complaint_id, spell
            """;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            // The per-complaint sort of a year's complaints fits in 64 MB instead of spilling to disk.
            await using (var settings = new NpgsqlCommand("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", connection, tx))
                await settings.ExecuteNonQueryAsync(ct);

            var complaints = new List<ComplaintRow>();
            await using (var command = new NpgsqlCommand(complaintsSql, connection, tx))
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime>("from", NpgsqlDbType.TimestampTz) { TypedValue = period.FromUtc });
                command.Parameters.Add(new NpgsqlParameter<DateTime>("to", NpgsqlDbType.TimestampTz) { TypedValue = period.ToExclusiveUtc });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var created = reader.GetDateTime(1);
                    var rerouted = reader.GetBoolean(11);
                    complaints.Add(new ComplaintRow(reader.GetInt64(0), reader.GetString(3), reader.GetString(4), rerouted,
                        new Unit(created, Nullable(reader, 7), Nullable(reader, 8), Nullable(reader, 9), reader.GetBoolean(10), HandedOn: false,
                            StatusNames[reader.GetString(2)], reader.GetInt32(5), IntakeChannels.FromStored(reader.GetString(6)))));
                }
            }

            var byId = complaints.Where(c => c.Rerouted).ToDictionary(c => c.Id);
            var spells = new List<SpellRow>();
            if (byId.Count > 0)
            {
                await using var command = new NpgsqlCommand(spellsSql, connection, tx);
                command.Parameters.Add(new NpgsqlParameter<long[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. byId.Keys] });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var complaint = byId[reader.GetInt64(0)].Unit;
                    // The first spell starts at the filing; a later one at the re-route that began it.
                    var start = reader.GetInt32(1) == 0 ? complaint.Start : reader.GetDateTime(3);
                    spells.Add(new SpellRow(reader.GetString(2), complaint with
                    {
                        Start = start, FirstResponse = Nullable(reader, 4), FirstResolved = Nullable(reader, 5), LastResolved = Nullable(reader, 6),
                        Reopened = reader.GetBoolean(7), HandedOn = reader.GetBoolean(8),
                    }));
                }
            }
            await tx.CommitAsync(ct);
            return (complaints, spells);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static readonly IReadOnlyList<IntakeChannel> Channels = IntakeChannels.All;

    private static readonly Dictionary<string, ComplaintStatus> StatusNames =
        Enum.GetValues<ComplaintStatus>().ToDictionary(s => s.ToString());

    private static DateTime? Nullable(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDateTime(ordinal);
}
