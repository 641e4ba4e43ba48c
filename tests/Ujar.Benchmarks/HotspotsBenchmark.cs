using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Hotspots;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Benchmarks;

/// <summary>
/// The planners' layers over a million complaints: the service's engines (<see cref="HexGrid"/> + <see cref="GetisOrd"/>,
/// <see cref="Dbscan"/>) over the in-memory <see cref="ComplaintPoints"/> against the same computations written directly
/// in PostGIS SQL (<c>ST_HexagonGrid</c> joined to the points, Gi* by a self-join of cell centres; <c>ST_ClusterDBSCAN</c>),
/// on the same data in one run. The answers are compared before any time is reported: a faster wrong answer means nothing.
/// </summary>
public static class HotspotsBenchmark
{
    /// <param name="DataOnly">Generate the complaints (when the table is empty) and stop, so a service can start over them.</param>
    /// <param name="Service">A running service over the same database: GET /api/hotspots/hex is timed too.</param>
    public sealed record HotspotsOptions(string Connection, int Complaints, int Runs, int Cell, double Eps, int MinPoints, string Category,
        bool DataOnly, Uri? Service);

    // Background complaints spread over the kelurahan by area, plus dense discs of ~300 m (10 % of all) so hot spots and
    // clusters exist. Categories go round in sort order, so each of the 10 holds exactly a tenth; statuses and the
    // created_at (over the last year) are random with a fixed seed (setseed runs first on the same connection).
    // ST_GeneratePoints shares a multipolygon's points between its parts with rounding, so it is asked for a few more
    // and the first n are kept.
    private const string GenerateSql = """
        SELECT setseed(0.20261128);
        CREATE TEMP TABLE bench_generated AS
        WITH k AS (
            SELECT code, parent_code, geometry, ST_Area(geometry::geography) AS area, row_number() OVER (ORDER BY code) AS rn
            FROM boundaries WHERE generation_id = @generation AND level = 'Kelurahan'),
        discs AS (
            SELECT code, parent_code, rn,
                   ST_Intersection(geometry, ST_Buffer(ST_PointOnSurface(geometry)::geography, 300)::geometry) AS geometry
            FROM k WHERE rn % 3 = 2),
        shares AS (
            SELECT code, parent_code, geometry, rn, floor((@total - @clustered) * area / sum(area) OVER ())::int AS n FROM k),
        planned AS (
            SELECT code, parent_code, geometry, rn,
                   n + CASE WHEN rn = 1 THEN (@total - @clustered) - sum(n) OVER () ELSE 0 END AS n FROM shares
            UNION ALL
            SELECT code, parent_code, geometry, 1000 + rn,
                   @clustered / count(*) OVER () + CASE WHEN row_number() OVER (ORDER BY rn) = 1
                       THEN @clustered % count(*) OVER () ELSE 0 END FROM discs)
        SELECT code, parent_code, (d).geom AS location
        FROM (SELECT code, parent_code, n, ST_Dump(ST_GeneratePoints(geometry, (n + n / 1000 + 10)::int, 20261128 + rn::int)) AS d
              FROM planned WHERE n > 0) generated
        WHERE (d).path[1] <= n;
        INSERT INTO complaints (ticket, category_code, description, location, kelurahan_code, kecamatan_code, opd_code, status,
                                created_at, anonymous, channel, snapped, snap_distance_meters, boundary_generation_id)
        SELECT 'HB-' || g.n, c.code, 'benchmark complaint', g.location, g.code, g.parent_code, c.opd_code,
               (ARRAY['Received', 'Verified', 'Assigned', 'InProgress', 'Resolved', 'Closed', 'Rejected'])[1 + floor(random() * 7)::int],
               now() - random() * interval '365 days', true, 'Web', false, 0, @generation
        FROM (SELECT row_number() OVER () AS n, * FROM bench_generated) g
        JOIN (SELECT code, opd_code, row_number() OVER (ORDER BY sort_order, code) - 1 AS k, count(*) OVER () AS m FROM categories) c
          ON c.k = g.n % c.m;
        """;

    // PostGIS's side of the data: the points once projected to UTM 48N with a GiST index, as ComplaintPoints projects
    // them once at load (neither side pays for the projection in a measured run), and stored in the index's order
    // (CLUSTER), so a cell's points share heap pages: PostGIS at its best, not as the complaints table happens to lie.
    private const string ProjectSql = """
        DROP TABLE IF EXISTS bench_points;
        CREATE TABLE bench_points AS SELECT id, category_code, ST_Transform(location, 32648) AS geom_32648 FROM complaints;
        CREATE INDEX bench_points_geom ON bench_points USING gist (geom_32648);
        CREATE INDEX ON bench_points (category_code);
        CLUSTER bench_points USING bench_points_geom;
        """;

    // ST_HexagonGrid lays flat-top hexagons (a corner on the x axis) with its size = circumradius, centred on the
    // origin; ours are pointy-top, also centred on the origin. Swapping x and y turns one tiling into the other exactly,
    // so the grid is laid over the flipped city and each cell flipped back. Its (i, j) is then our axial (q, r) =
    // (j − floor(i / 2), i). Cells are the hexagons meeting the kelurahan union; a point counts in the hexagon that
    // covers it (unclipped, as ours). Gi*: the formula of GetisOrd, binary weights, the cell itself included, the band
    // with the same half-millimetre slack; bins by the two-sided critical values of 90/95/99 % (no FDR).
    private const string CellsSql = """
        WITH city AS (
            SELECT ST_FlipCoordinates(ST_Union(ST_Transform(geometry, 32648))) AS g
            FROM boundaries WHERE generation_id = @generation AND level = 'Kelurahan')
        SELECT h.j - floor(h.i / 2.0)::int AS q, h.i AS r, ST_FlipCoordinates(h.geom) AS geom,
               ST_FlipCoordinates(ST_Centroid(h.geom)) AS centre
        FROM city, ST_HexagonGrid(@size, city.g) h
        WHERE ST_Intersects(h.geom, city.g)
        """;

    private const string GiStarSql = """
        counts AS MATERIALIZED (
            SELECT c.q, c.r, (SELECT count(*) FROM bench_points p WHERE ST_Intersects(c.geom, p.geom_32648))::double precision AS x
            FROM cells c),
        stats AS (SELECT count(*)::double precision AS n, avg(x) AS mean, sqrt(sum(x * x) / count(*) - avg(x) ^ 2) AS s FROM counts),
        lag AS (
            SELECT a.q, a.r, sum(b.x) AS lag, count(*)::double precision AS w
            FROM cells a
            JOIN cells nb ON ST_DWithin(a.centre, nb.centre, @band + 5e-4)
            JOIN counts b ON b.q = nb.q AND b.r = nb.r
            GROUP BY a.q, a.r)
        SELECT q, r, x::int, z, CASE WHEN abs(z) >= 2.5758293035489004 THEN 3 WHEN abs(z) >= 1.959963984540054 THEN 2
                                      WHEN abs(z) >= 1.6448536269514722 THEN 1 ELSE 0 END * sign(z)::int AS bin
        FROM (SELECT q, r, x, (lag - mean * w) / (s * sqrt((n * w - w * w) / (n - 1))) AS z FROM counts JOIN lag USING (q, r), stats) g
        ORDER BY q, r
        """;

    private static string CellsIndexSql(string table) => $"CREATE INDEX ON {table} USING gist (centre); ANALYZE {table}";

    private const string DbscanSql = """
        SELECT id, ST_ClusterDBSCAN(geom_32648, eps := @eps, minpoints := @minPoints) OVER () AS cluster
        FROM bench_points WHERE category_code = @category
        """;

    public static bool TryParse(string[] args, [NotNullWhen(true)] out HotspotsOptions? options, out string error)
    {
        options = null;
        string? connection = null;
        int complaints = 1_000_000, runs = 5, cell = 250, minPoints = 5;
        double eps = 100;
        var category = "genangan_air";
        var dataOnly = false;
        Uri? service = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data-only")
            {
                dataOnly = true;
                continue;
            }
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null) { error = $"{args[i]} needs a value"; return false; }
            switch (args[i])
            {
                case "--connection": connection = value; break;
                case "--complaints" when int.TryParse(value, out complaints) && complaints >= 1000: break;
                case "--runs" when int.TryParse(value, out runs) && runs >= 1: break;
                case "--cell" when int.TryParse(value, out cell) && cell is >= HexGrid.MinCell and <= HexGrid.MaxCell: break;
                case "--eps" when double.TryParse(value, CultureInfo.InvariantCulture, out eps) && eps is >= Dbscan.MinEps and <= Dbscan.MaxEps: break;
                case "--min-points" when int.TryParse(value, out minPoints) && minPoints is >= Dbscan.MinMinPoints and <= Dbscan.MaxMinPoints: break;
                case "--category": category = value; break;
                case "--service" when Uri.TryCreate(value, UriKind.Absolute, out service): break;
                default: error = $"unknown option or bad value: {args[i]} {value}"; return false;
            }
            i++;
        }
        if (connection is null) { error = "--connection is required"; return false; }
        options = new HotspotsOptions(connection, complaints, runs, cell, eps, minPoints, category, dataOnly, service);
        error = "";
        return true;
    }

    public static async Task<int> RunAsync(HotspotsOptions options)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Ujar"] = options.Connection })
            .Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddUjarDatabase().BuildServiceProvider();
        var dbFactory = services.GetRequiredService<IDbContextFactory<UjarDb>>();
        var router = new ComplaintRouter();
        await using (var db = await dbFactory.CreateDbContextAsync()) await router.ReloadAsync(db);
        var generation = router.ActiveGenerationId ?? throw new InvalidOperationException("no active boundary generation: import the kelurahan first");
        await using var connection = new NpgsqlConnection(options.Connection);
        await connection.OpenAsync();
        // JIT compiling these plans costs PostgreSQL about 0.3 s a query here and saves nothing: PostGIS at its best.
        await Command(connection, "SET jit = off").ExecuteNonQueryAsync();

        // 1. The data, unless it is there already.
        var existing = (long)(await Command(connection, "SELECT count(*) FROM complaints").ExecuteScalarAsync())!;
        if (existing == 0)
        {
            var started = Stopwatch.StartNew();
            var generate = Command(connection, GenerateSql, ("generation", generation), ("total", options.Complaints), ("clustered", options.Complaints / 10));
            generate.CommandTimeout = 0;
            await generate.ExecuteNonQueryAsync();
            Console.WriteLine($"generated {options.Complaints:N0} complaints ({started.Elapsed.TotalSeconds:F0} s)");
        }
        else if (existing != options.Complaints)
        {
            Console.Error.WriteLine($"the database holds {existing:N0} complaints, not {options.Complaints:N0}");
            return 1;
        }
        if (options.DataOnly) return 0;
        var project = Command(connection, ProjectSql);
        project.CommandTimeout = 0;
        await project.ExecuteNonQueryAsync();
        await Command(connection, "VACUUM ANALYZE").ExecuteNonQueryAsync();

        // 2. Our side: the complaint points as the service loads them.
        var loadClock = Stopwatch.StartNew();
        var points = new ComplaintPoints(dbFactory, NullLogger<ComplaintPoints>.Instance);
        await points.StartAsync(CancellationToken.None);
        await points.WhenLoaded;
        loadClock.Stop();
        await points.StopAsync(CancellationToken.None);
        var set = points.Current;
        Console.WriteLine($"ComplaintPoints loaded {set.Count:N0} complaints in {loadClock.Elapsed.TotalSeconds:F1} s");
        var kelurahan = router.Kelurahan.Select(k => k.Geometry).ToList();
        var whole = new HotspotFilter();

        // 3. Hex + Gi*, whole city. "Cold" builds the grid (kelurahan union, hexagons, clipping) as a first request does;
        //    "warm" is a request with the grid and its neighbours cached, as the service keeps them; PostGIS's warm query
        //    reads its grid from a table indexed on the cell centres.
        var grid = HexGrid.Build(generation, options.Cell, kelurahan);
        var band = grid.DefaultBand;
        grid.Neighbours(band);
        var size = options.Cell / Math.Sqrt(3);
        await Command(connection, $"DROP TABLE IF EXISTS bench_cells; CREATE TABLE bench_cells AS {CellsSql}; {CellsIndexSql("bench_cells")}",
            ("generation", generation), ("size", size)).ExecuteNonQueryAsync();
        // PostGIS cold: the grid into a table with an index on the centres, then the query. In one statement, with the grid
        // as a CTE, PostgreSQL misestimates ST_HexagonGrid's rows (1) and the neighbour join takes 10–20 s.
        var pgColdSql = $"CREATE TEMP TABLE bench_cold_cells AS {CellsSql}; {CellsIndexSql("bench_cold_cells")}; " +
                        $"WITH cells AS NOT MATERIALIZED (SELECT * FROM bench_cold_cells), {GiStarSql}; DROP TABLE bench_cold_cells";
        var pgWarmSql = $"WITH cells AS NOT MATERIALIZED (SELECT * FROM bench_cells), {GiStarSql}";
        // 4. DBSCAN over one category (a tenth of the complaints), from the in-memory points to labels.
        var categoryFilter = new HotspotFilter { Categories = [options.Category] };

        // Rounds interleave every measurement, so load from other work on a shared machine falls on both sides alike;
        // round 0 is the warm-up (JIT, PostgreSQL's buffers, the service's grid) and is not counted.
        var times = new Timings();
        using var client = options.Service is { } url ? new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) } : null;
        HexAnswer ourWarm = null!;
        List<PgCell> pgCold = null!, pgWarm = null!;
        HttpHex? http = null;
        (PointSelection Chosen, Dbscan.Result Clusters) ourDbscan = (null!, null!);
        Dictionary<long, int> pgDbscan = null!;
        for (var round = 0; round <= options.Runs; round++)
        {
            var counted = round > 0;
            times.Time("hex.ours_cold", counted, () => HexAndGiStar(HexGrid.Build(generation, options.Cell, kelurahan), band, set, whole, null));
            ourWarm = times.Time("hex.ours_warm", counted, () => HexAndGiStar(grid, band, set, whole, counted ? times : null));
            pgCold = await times.TimeAsync("hex.pg_cold", counted, () => PostGisHexAsync(connection, pgColdSql, generation, size, band));
            pgWarm = await times.TimeAsync("hex.pg_warm", counted, () => PostGisHexAsync(connection, pgWarmSql, generation, size, band));
            if (client is not null)
                http = await times.TimeAsync("hex.http", counted, () => HttpHexAsync(client, grid, round));
            ourDbscan = times.Time("dbscan.ours", counted, () =>
            {
                var clock = Stopwatch.StartNew();
                var chosen = set.Select(categoryFilter);
                if (counted) times.Add("dbscan.ours_select", clock.Elapsed.TotalMilliseconds);
                return (chosen, Dbscan.Run(chosen.X, chosen.Y, options.Eps, options.MinPoints));
            });
            pgDbscan = await times.TimeAsync("dbscan.pg", counted, () => PostGisDbscanAsync(connection, options));
        }

        var hex = CompareHex(grid, ourWarm, pgWarm, pgCold);
        var httpCheck = http is null ? "not measured (no --service)" : CompareHttp(grid, ourWarm.Counts, http);
        var (chosen, clusters) = ourDbscan;
        var dbscanCheck = CompareDbscan(set, chosen, clusters, pgDbscan);

        Console.WriteLine();
        Console.WriteLine($"Hotspots over {set.Count:N0} complaints, generation {generation} ({router.Kelurahan.Count} kelurahan); median of {options.Runs} after a warm-up, " +
                          $"{Environment.ProcessorCount} cores shared with PostgreSQL");
        Console.WriteLine($"  hex {options.Cell} m: {grid.Cells.Count:N0} cells, band {band} m; ours vs PostGIS: {hex}");
        Console.WriteLine($"  DBSCAN {options.Category}, eps {options.Eps} m, minPoints {options.MinPoints}: {chosen.Count:N0} complaints; {dbscanCheck.Text}");

        // Read by tests/hotspots-bench.sh.
        Console.WriteLine();
        var results = new (string Key, object Value)[]
        {
            ("complaints", set.Count), ("cores", Environment.ProcessorCount), ("runs", options.Runs), ("load_s", loadClock.Elapsed.TotalSeconds),
            ("cell", options.Cell), ("cells", grid.Cells.Count), ("band", band),
            ("hex.ours_cold_ms", times.Median("hex.ours_cold")), ("hex.ours_warm_ms", times.Median("hex.ours_warm")),
            ("hex.ours_select_ms", times.Median("hex.ours_select")), ("hex.ours_count_ms", times.Median("hex.ours_count")),
            ("hex.ours_gi_ms", times.Median("hex.ours_gi")), ("hex.pg_cold_ms", times.Median("hex.pg_cold")), ("hex.pg_warm_ms", times.Median("hex.pg_warm")),
            ("hex.check", hex), ("hex.http_ms", times.Median("hex.http")), ("hex.http_mb", (http?.Bytes ?? 0) / 1e6), ("hex.http_check", httpCheck),
            ("dbscan.points", chosen.Count), ("dbscan.eps", options.Eps), ("dbscan.min_points", options.MinPoints), ("dbscan.category", options.Category),
            ("dbscan.ours_ms", times.Median("dbscan.ours")), ("dbscan.ours_select_ms", times.Median("dbscan.ours_select")),
            ("dbscan.pg_ms", times.Median("dbscan.pg")), ("dbscan.clusters", clusters.ClusterCount),
            ("dbscan.pg_clusters", dbscanCheck.PgClusters), ("dbscan.core", dbscanCheck.Core), ("dbscan.noise", dbscanCheck.Noise), ("dbscan.check", dbscanCheck.Text),
        };
        foreach (var (key, value) in results) Console.WriteLine(FormattableString.Invariant($"hotspots.{key}={value:0.##}"));
        return hex.StartsWith("identical", StringComparison.Ordinal) && !httpCheck.StartsWith("DIFFERENT", StringComparison.Ordinal)
               && dbscanCheck.Text.StartsWith("identical", StringComparison.Ordinal) ? 0 : 1;
    }

    private sealed record HexAnswer(int[] Counts, GiStar[] Gi);

    private sealed record HttpHex(int Bytes, long Total, Dictionary<(int Q, int R), int> Counts);

    /// <summary>GET /api/hotspots/hex on the running service, whole city, the default band: request sent → GeoJSON body
    /// read and parsed. Each round asks from a different day long before the data (the same million complaints), so
    /// none is answered from the service's 10-second result cache; the warm-up round also builds the service's grid.</summary>
    private static async Task<HttpHex> HttpHexAsync(HttpClient client, HexGrid grid, int round)
    {
        var from = new DateOnly(2000, 1, 1).AddDays(round).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var body = await client.GetByteArrayAsync($"/api/hotspots/hex?cell={grid.Cell}&from={from}");
        using var json = JsonDocument.Parse(body);
        var counts = new Dictionary<(int Q, int R), int>();
        foreach (var feature in json.RootElement.GetProperty("features").EnumerateArray())
        {
            var properties = feature.GetProperty("properties");
            counts[(properties.GetProperty("q").GetInt32(), properties.GetProperty("r").GetInt32())] = properties.GetProperty("count").GetInt32();
        }
        return new HttpHex(body.Length, json.RootElement.GetProperty("total").GetInt64(), counts);
    }

    /// <summary>The service's answer must have the engine's cells and counts.</summary>
    private static string CompareHttp(HexGrid grid, int[] ourCounts, HttpHex http)
    {
        var different = 0;
        for (var i = 0; i < grid.Cells.Count; i++)
            if (!http.Counts.TryGetValue((grid.Cells[i].Q, grid.Cells[i].R), out var count) || count != ourCounts[i]) different++;
        var same = different == 0 && http.Counts.Count == grid.Cells.Count && http.Total == ourCounts.Sum();
        return $"{(same ? "identical" : "DIFFERENT")}: {http.Counts.Count} cells, {different} counts differ from the engine's, total {http.Total:N0}";
    }

    private sealed record PgCell(int Q, int R, int Count, double Z, int Bin);

    /// <summary>What a warm /api/hotspots/hex computes before serialising: select the points, count them per cell, Gi*.</summary>
    /// <remarks><paramref name="stages"/>, when given, receives each stage's milliseconds.</remarks>
    private static HexAnswer HexAndGiStar(HexGrid grid, double band, ComplaintPointSet set, HotspotFilter filter, Timings? stages)
    {
        var clock = Stopwatch.StartNew();
        var selection = set.Select(filter);
        var selected = clock.Elapsed.TotalMilliseconds;
        var (counts, _) = grid.Count(selection.X, selection.Y);
        var counted = clock.Elapsed.TotalMilliseconds;
        var neighbours = grid.Neighbours(band) ?? throw new InvalidOperationException("band too wide");
        var gi = GetisOrd.Compute(Array.ConvertAll(counts, c => (double)c), neighbours.Start, neighbours.Neighbours, fdr: false);
        stages?.Add("hex.ours_select", selected);
        stages?.Add("hex.ours_count", counted - selected);
        stages?.Add("hex.ours_gi", clock.Elapsed.TotalMilliseconds - counted);
        return new HexAnswer(counts, gi);
    }

    private static async Task<List<PgCell>> PostGisHexAsync(NpgsqlConnection connection, string sql, int generation, double size, double band)
    {
        await using var command = Command(connection, sql, ("generation", generation), ("size", size), ("band", band));
        command.CommandTimeout = 0;
        var cells = new List<PgCell>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            cells.Add(new PgCell(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetInt32(4)));
        return cells;
    }

    private static async Task<Dictionary<long, int>> PostGisDbscanAsync(NpgsqlConnection connection, HotspotsOptions options)
    {
        await using var command = Command(connection, DbscanSql, ("eps", options.Eps), ("minPoints", options.MinPoints), ("category", options.Category));
        command.CommandTimeout = 0;
        var labels = new Dictionary<long, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) labels[reader.GetInt64(0)] = reader.IsDBNull(1) ? -1 : reader.GetInt32(1);
        return labels;
    }

    /// <summary>Same cells (by axial address), same counts, z within 1e-9 (relative to |z| when above 1), same bins;
    /// the cold query must give the warm one's answer.</summary>
    private static string CompareHex(HexGrid grid, HexAnswer ours, List<PgCell> pg, List<PgCell> pgCold)
    {
        var pgByCell = pg.ToDictionary(c => (c.Q, c.R));
        var missing = 0;
        int countDiff = 0, binDiff = 0;
        var zDiff = 0.0;
        for (var i = 0; i < grid.Cells.Count; i++)
        {
            if (!pgByCell.Remove((grid.Cells[i].Q, grid.Cells[i].R), out var theirs))
            {
                missing++;
                continue;
            }
            if (theirs.Count != ours.Counts[i]) countDiff++;
            if (theirs.Bin != ours.Gi[i].Bin) binDiff++;
            zDiff = Math.Max(zDiff, Math.Abs(theirs.Z - ours.Gi[i].Z) / Math.Max(1, Math.Abs(theirs.Z)));
        }
        var coldSame = pgCold.Count == pg.Count && pgCold.Zip(pg).All(p => p.First.Q == p.Second.Q && p.First.R == p.Second.R && p.First.Count == p.Second.Count);
        var same = missing == 0 && pgByCell.Count == 0 && countDiff == 0 && binDiff == 0 && zDiff <= 1e-9 && coldSame;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(same ? "identical" : "DIFFERENT")}: {grid.Cells.Count} cells ours, {pg.Count} PostGIS, {missing} only ours, {pgByCell.Count} only PostGIS, " +
            $"{countDiff} counts differ, largest z difference {zDiff:E1}, {binDiff} bins differ, " +
            $"{ours.Counts.Sum():N0} points in cells (PostGIS {pg.Sum(c => c.Count):N0}), cold query {(coldSame ? "same" : "DIFFERENT")}");
    }

    /// <summary>DBSCAN's determined parts must match: the noise, the number of clusters, and the core points as a
    /// partition (ours → PostGIS's cluster id a bijection). Border points within eps of two clusters may go either way.</summary>
    private static (string Text, int PgClusters, int Core, int Noise) CompareDbscan(ComplaintPointSet set, PointSelection chosen, Dbscan.Result ours,
        Dictionary<long, int> pg)
    {
        var ids = set.Ids;
        var pgClusters = pg.Values.Where(v => v >= 0).Distinct().Count();
        var theirs = new int[chosen.Count];
        var absent = 0;
        for (var k = 0; k < chosen.Count; k++)
            if (!pg.TryGetValue(ids[chosen.Index[k]], out theirs[k])) absent++;
        int noiseDiff = 0, core = 0, conflicts = 0;
        var ourToPg = new Dictionary<int, int>();
        var pgToOur = new Dictionary<int, int>();
        for (var k = 0; k < chosen.Count; k++)
        {
            if ((ours.Labels[k] < 0) != (theirs[k] < 0)) noiseDiff++;
            if (!ours.Core[k] || theirs[k] < 0) continue;
            core++;
            var mine = ours.Labels[k];
            if (ourToPg.TryGetValue(mine, out var known) ? known != theirs[k] : pgToOur.TryGetValue(theirs[k], out var back) && back != mine) conflicts++;
            ourToPg.TryAdd(mine, theirs[k]);
            pgToOur.TryAdd(theirs[k], mine);
        }
        var noise = ours.Labels.Count(l => l < 0);
        var borderOther = Enumerable.Range(0, chosen.Count)
            .Count(k => !ours.Core[k] && ours.Labels[k] >= 0 && theirs[k] >= 0 && ourToPg.GetValueOrDefault(ours.Labels[k], -1) != theirs[k]);
        var same = absent == 0 && pg.Count == chosen.Count && noiseDiff == 0 && conflicts == 0 && pgClusters == ours.ClusterCount;
        var text = $"{(same ? "identical" : "DIFFERENT")}: {ours.ClusterCount} clusters ours, {pgClusters} PostGIS; {core:N0} core points, " +
                   $"{conflicts} split or merged differently; {noise:N0} noise, {noiseDiff} noise points differ; " +
                   $"{borderOther} border points in another (equally valid) cluster; {absent} points missing from PostGIS's answer";
        return (text, pgClusters, core, noise);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <summary>Milliseconds per measurement, over the counted rounds.</summary>
    private sealed class Timings
    {
        private readonly Dictionary<string, List<double>> _ms = [];

        public void Add(string key, double ms)
        {
            if (!_ms.TryGetValue(key, out var list)) _ms[key] = list = [];
            list.Add(ms);
        }

        public T Time<T>(string key, bool counted, Func<T> run)
        {
            var clock = Stopwatch.StartNew();
            var result = run();
            if (counted) Add(key, clock.Elapsed.TotalMilliseconds);
            return result;
        }

        public async Task<T> TimeAsync<T>(string key, bool counted, Func<Task<T>> run)
        {
            var clock = Stopwatch.StartNew();
            var result = await run();
            if (counted) Add(key, clock.Elapsed.TotalMilliseconds);
            return result;
        }

        /// <summary>The median, or 0 when the measurement was not taken.</summary>
        public double Median(string key)
        {
            if (!_ms.TryGetValue(key, out var list)) return 0;
            var sorted = list.Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }
}
