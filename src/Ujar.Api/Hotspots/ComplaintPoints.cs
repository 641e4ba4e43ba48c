using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Routing;

namespace Ujar.Api.Hotspots;

/// <summary>
/// Every complaint's analysis fields in memory, column by column, so a hotspot layer filters a million complaints in
/// a few milliseconds instead of asking PostGIS. Loaded once from <c>complaints</c>, then kept current by following
/// <c>live_events</c> by sequence: every insert (intake and demo seeding alike) appends <c>complaint_filed</c> in its
/// own transaction, and sequences become visible in commit order, so a cursor over the log misses nothing.
/// <para>
/// Thread safety: <see cref="Current"/> is an immutable snapshot, replaced as a whole after each applied batch. New
/// points are written past the published count of the shared column arrays (invisible to older snapshots); a status
/// change copies the status column first, so a snapshot never changes under a reader.
/// </para>
/// </summary>
public sealed class ComplaintPoints(IDbContextFactory<UjarDb> dbFactory, ILogger<ComplaintPoints> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private const int EventBatch = 20_000;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ComplaintPointSet _current = ComplaintPointSet.Empty;
    private long _version;

    // Touched only by the loop in ExecuteAsync.
    private ComplaintPointSet.Columns _columns = new(0);
    private long _cursor;

    public ComplaintPointSet Current => _current;

    /// <summary>Completes when the first full load is in memory.</summary>
    public Task WhenLoaded => _loaded.Task;

    /// <summary>Changes whenever an event changed the points: a key for caching computed layers.</summary>
    public long Version => Interlocked.Read(ref _version);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_loaded.Task.IsCompleted)
        {
            try
            {
                await LoadAsync(stoppingToken);
                _loaded.TrySetResult();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // The database may not be migrated or reachable yet (an embedded server, a compose start-up).
                logger.LogWarning(ex, "Could not load the complaint points; trying again");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await FollowLogAsync(stoppingToken) == EventBatch) { }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not read the live event log; trying again");
            }
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        // One snapshot for both reads: every complaint it holds has its complaint_filed at or below the cursor.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var lastSeq = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM live_events", connection, transaction))
            _cursor = (long)(await lastSeq.ExecuteScalarAsync(ct))!;

        var count = await CountAsync(connection, transaction, ct);
        var columns = new ComplaintPointSet.Columns(count + count / 8 + 1024);
        await using (var select = new NpgsqlCommand(
            "SELECT id, ST_X(location), ST_Y(location), category_code, status, created_at, kelurahan_code FROM complaints ORDER BY id",
            connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                columns.Append(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetString(3),
                    Enum.Parse<ComplaintStatus>(reader.GetString(4)), reader.GetDateTime(5), reader.GetString(6), project: false);
        }
        await transaction.CommitAsync(ct);

        // ProjNet costs about a microsecond a point: spread the million over the cores.
        Parallel.For(0, columns.Count, i => (columns.X[i], columns.Y[i]) = MetricProjection.Project(columns.Lon[i], columns.Lat[i]));
        _columns = columns;
        Publish();
        logger.LogInformation("Complaint points loaded: {Count} complaints, live event cursor {Seq}", columns.Count, _cursor);
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM complaints", connection, transaction);
        return (int)(long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Applies the next events after the cursor; returns how many were read.</summary>
    private async Task<int> FollowLogAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        // The complaint row comes along for complaint_filed: the event itself does not carry the kelurahan.
        await using var command = new NpgsqlCommand("""
            SELECT e.seq, e.type, e.complaint_id, e.status,
                   ST_X(c.location), ST_Y(c.location), c.category_code, c.status, c.created_at, c.kelurahan_code
            FROM live_events e
            LEFT JOIN complaints c ON c.id = e.complaint_id AND e.type = 'ComplaintFiled'
            WHERE e.seq > $1 AND e.type IN ('ComplaintFiled', 'StatusChanged')
            ORDER BY e.seq
            LIMIT $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _cursor });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = EventBatch });

        var read = 0;
        var changed = false;
        var statusChanges = new List<(long Id, ComplaintStatus Status)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                read++;
                _cursor = reader.GetInt64(0);
                var id = reader.GetInt64(2);
                if (reader.GetString(1) == nameof(LiveEventType.ComplaintFiled))
                {
                    // A status change seen earlier in this batch belongs to an older complaint: apply those first.
                    changed |= ApplyStatusChanges(statusChanges);
                    if (reader.IsDBNull(4)) continue;
                    _columns = _columns.WithRoomFor(1);
                    _columns.Append(id, reader.GetDouble(4), reader.GetDouble(5), reader.GetString(6),
                        Enum.Parse<ComplaintStatus>(reader.GetString(7)), reader.GetDateTime(8), reader.GetString(9), project: true);
                    changed = true;
                }
                else if (ComplaintStatuses.TryParse(reader.GetString(3), out var status))
                    statusChanges.Add((id, status));
            }
        }
        changed |= ApplyStatusChanges(statusChanges);
        if (changed) Publish();
        return read;
    }

    /// <summary>Sets the statuses in a fresh copy of the status column (the published one stays as it was).
    /// One pass over the ids finds them all, so no id → index map has to live in memory beside the columns.</summary>
    private bool ApplyStatusChanges(List<(long Id, ComplaintStatus Status)> changes)
    {
        if (changes.Count == 0) return false;
        var latest = new Dictionary<long, ComplaintStatus>();
        foreach (var (id, status) in changes) latest[id] = status;
        changes.Clear();
        _columns = _columns.WithCopiedStatus();
        var ids = _columns.Ids;
        for (var i = 0; i < _columns.Count; i++)
            if (latest.TryGetValue(ids[i], out var status)) _columns.Status[i] = (byte)status;
        return true;
    }

    private void Publish()
    {
        _current = _columns.Snapshot();
        Interlocked.Increment(ref _version);
    }
}

/// <summary>The complaints a filter selected, as parallel arrays; <see cref="Index"/> points back into <see cref="Set"/>.</summary>
public sealed record PointSelection(ComplaintPointSet Set, double[] X, double[] Y, double[] Lon, double[] Lat, int[] Index)
{
    public int Count => Index.Length;
}

/// <summary>
/// An immutable snapshot of the complaint points: one column per field, <see cref="Count"/> rows. Categories and
/// kelurahan are small indexes into <see cref="CategoryCodes"/> and <see cref="KelurahanCodes"/> (53 bytes a
/// complaint, so a million take some 53 MB, plus the spare room left for appends: at most half as much again).
/// </summary>
public sealed class ComplaintPointSet
{
    public static readonly ComplaintPointSet Empty = new Columns(0).Snapshot();

    private readonly Columns _columns;
    private readonly byte[] _status;

    private ComplaintPointSet(Columns columns, int count)
    {
        _columns = columns;
        _status = columns.Status;
        Count = count;
        CategoryCodes = [.. columns.CategoryCodes];
        KelurahanCodes = [.. columns.KelurahanCodes];
    }

    public int Count { get; }
    public ReadOnlySpan<long> Ids => _columns.Ids.AsSpan(0, Count);
    /// <summary>UTM 48N (EPSG:32648) metres.</summary>
    public ReadOnlySpan<double> X => _columns.X.AsSpan(0, Count);
    public ReadOnlySpan<double> Y => _columns.Y.AsSpan(0, Count);
    public ReadOnlySpan<double> Lon => _columns.Lon.AsSpan(0, Count);
    public ReadOnlySpan<double> Lat => _columns.Lat.AsSpan(0, Count);
    public ReadOnlySpan<short> Category => _columns.Category.AsSpan(0, Count);
    public IReadOnlyList<string> CategoryCodes { get; }
    public ComplaintStatus StatusAt(int i) => (ComplaintStatus)_status[i];
    /// <summary>UTC ticks.</summary>
    public ReadOnlySpan<long> CreatedTicks => _columns.CreatedTicks.AsSpan(0, Count);
    public ReadOnlySpan<short> Kelurahan => _columns.Kelurahan.AsSpan(0, Count);
    /// <summary>The kelurahan each complaint was routed to when filed (the routing fact, whatever generation it was).</summary>
    public IReadOnlyList<string> KelurahanCodes { get; }

    public PointSelection Select(HotspotFilter filter)
    {
        var categoryMask = filter.Categories is null ? null : CategoryCodes.Select(filter.Categories.Contains).ToArray();
        var statusMask = filter.Statuses is null ? null : Enum.GetValues<ComplaintStatus>().Select(filter.Statuses.Contains).ToArray();
        var from = filter.FromUtc?.Ticks ?? long.MinValue;
        var to = filter.ToUtc?.Ticks ?? long.MaxValue;
        var season = filter.Season;

        var category = Category;
        var created = CreatedTicks;
        var picked = new int[Count];
        var n = 0;
        for (var i = 0; i < picked.Length; i++)
        {
            if (categoryMask is not null && !categoryMask[category[i]]) continue;
            if (statusMask is not null && !statusMask[_status[i]]) continue;
            var t = created[i];
            if (t < from || t >= to) continue;
            if (season is { } s && !HotspotFilter.InSeason(s, new DateTime(t + Wib.Offset.Ticks).Month)) continue;
            picked[n++] = i;
        }

        var index = picked.AsSpan(0, n).ToArray();
        var x = new double[n];
        var y = new double[n];
        var lon = new double[n];
        var lat = new double[n];
        for (var k = 0; k < n; k++)
        {
            var i = index[k];
            x[k] = _columns.X[i];
            y[k] = _columns.Y[i];
            lon[k] = _columns.Lon[i];
            lat[k] = _columns.Lat[i];
        }
        return new PointSelection(this, x, y, lon, lat, index);
    }

    /// <summary>The writer's side: column arrays with spare capacity, appended to by one thread only.</summary>
    internal sealed class Columns(int capacity)
    {
        public long[] Ids = new long[capacity];
        public double[] X = new double[capacity];
        public double[] Y = new double[capacity];
        public double[] Lon = new double[capacity];
        public double[] Lat = new double[capacity];
        public short[] Category = new short[capacity];
        public byte[] Status = new byte[capacity];
        public long[] CreatedTicks = new long[capacity];
        public short[] Kelurahan = new short[capacity];
        public readonly List<string> CategoryCodes = [];
        public readonly List<string> KelurahanCodes = [];
        private readonly Dictionary<string, short> _categoryIndex = [];
        private readonly Dictionary<string, short> _kelurahanIndex = [];
        public int Count;

        public void Append(long id, double lon, double lat, string category, ComplaintStatus status, DateTime createdUtc,
            string kelurahan, bool project)
        {
            if (Count == Ids.Length) throw new InvalidOperationException("No room: call WithRoomFor first");
            var i = Count;
            Ids[i] = id;
            Lon[i] = lon;
            Lat[i] = lat;
            if (project) (X[i], Y[i]) = MetricProjection.Project(lon, lat);
            Category[i] = IndexOf(category, CategoryCodes, _categoryIndex);
            Status[i] = (byte)status;
            CreatedTicks[i] = DateTime.SpecifyKind(createdUtc, DateTimeKind.Utc).Ticks;
            Kelurahan[i] = IndexOf(kelurahan, KelurahanCodes, _kelurahanIndex);
            Count++;
        }

        /// <summary>This, or a copy with 1.5× the room when full (published snapshots keep the old arrays).</summary>
        public Columns WithRoomFor(int more)
        {
            if (Count + more <= Ids.Length) return this;
            var bigger = new Columns(Math.Max(Count + more, Ids.Length + Ids.Length / 2 + 1024));
            CopyTo(bigger);
            return bigger;
        }

        /// <summary>The same columns with a private status array, so a status change does not reach published snapshots.</summary>
        public Columns WithCopiedStatus()
        {
            var copy = new Columns(0)
            {
                Ids = Ids, X = X, Y = Y, Lon = Lon, Lat = Lat, Category = Category, CreatedTicks = CreatedTicks,
                Kelurahan = Kelurahan, Status = (byte[])Status.Clone(), Count = Count,
            };
            copy.CopyLookupsFrom(this);
            return copy;
        }

        public ComplaintPointSet Snapshot() => new(this, Count);

        private void CopyTo(Columns target)
        {
            Array.Copy(Ids, target.Ids, Count);
            Array.Copy(X, target.X, Count);
            Array.Copy(Y, target.Y, Count);
            Array.Copy(Lon, target.Lon, Count);
            Array.Copy(Lat, target.Lat, Count);
            Array.Copy(Category, target.Category, Count);
            Array.Copy(Status, target.Status, Count);
            Array.Copy(CreatedTicks, target.CreatedTicks, Count);
            Array.Copy(Kelurahan, target.Kelurahan, Count);
            target.Count = Count;
            target.CopyLookupsFrom(this);
        }

        private void CopyLookupsFrom(Columns source)
        {
            CategoryCodes.AddRange(source.CategoryCodes);
            KelurahanCodes.AddRange(source.KelurahanCodes);
            foreach (var (code, index) in source._categoryIndex) _categoryIndex[code] = index;
            foreach (var (code, index) in source._kelurahanIndex) _kelurahanIndex[code] = index;
        }

        private static short IndexOf(string code, List<string> codes, Dictionary<string, short> index)
        {
            if (index.TryGetValue(code, out var i)) return i;
            i = checked((short)codes.Count);
            codes.Add(code);
            index[code] = i;
            return i;
        }
    }
}
