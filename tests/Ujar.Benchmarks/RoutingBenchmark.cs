using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;
using Ujar.Api.Boundaries;
using Ujar.Api.Data;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Benchmarks;

/// <summary>
/// Point → kelurahan lookups per second: the service's in-memory <see cref="ComplaintRouter"/> against PostGIS answering
/// the same points with <c>ST_Covers</c>, over the official layer. Every figure is the operations completed by a fixed
/// number of threads in a fixed time, after a warm-up (so the JIT has reached its optimised code).
/// </summary>
public static class RoutingBenchmark
{
    private const int Seed = 20261128;
    private const int BatchSize = 1000;
    private const int HttpPointCount = 2000;

    // The per-request query a service without the in-memory index would run (prepared, one point per call).
    private const string PerPointSql = """
        SELECT code FROM boundaries
        WHERE generation_id = $1 AND level = 'Kelurahan' AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint($2, $3), 4326))
        ORDER BY code LIMIT 1
        """;

    // The generous baseline: 1,000 points per round trip, PostGIS free to reuse its prepared-geometry cache across rows.
    private const string BatchSql = """
        SELECT (SELECT b.code FROM boundaries b
                WHERE b.generation_id = $1 AND b.level = 'Kelurahan'
                  AND ST_Covers(b.geometry, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
                ORDER BY b.code LIMIT 1)
        FROM unnest($2::double precision[], $3::double precision[]) WITH ORDINALITY AS p(lon, lat, n)
        ORDER BY p.n
        """;

    public static async Task<int> RunAsync(Options options)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Ujar"] = options.Connection })
            .Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddUjarDatabase().BuildServiceProvider();
        var dbFactory = services.GetRequiredService<IDbContextFactory<UjarDb>>();

        // 1. The official layers become the active generation, through the service's own importer (unless one is given).
        var importer = new BoundaryImporter(dbFactory);
        foreach (var (level, file, parent) in options.Active ? [] : new[]
                 {
                     (BoundaryLevel.Kecamatan, "tanjungpinang_kecamatan.geojson", (string?)null),
                     (BoundaryLevel.Kelurahan, "tanjungpinang_kelurahan.geojson", "kecamatan_code"),
                 })
        {
            var started = Stopwatch.StartNew();
            var report = await importer.ImportAsync(Path.Combine(options.GisData!, file),
                new ImportOptions(level, ParentProperty: parent, Commit: true, SourceLabel: "benchmark"));
            if (!report.Committed)
            {
                Console.Error.Write(report.ToText());
                return 1;
            }
            Console.WriteLine($"imported {file}: generation {report.GenerationId}, {report.FeatureCount} features, " +
                              $"{report.Repaired.Count} repaired ({started.Elapsed.TotalSeconds:F1} s)");
        }

        // 2. The service's router over that generation: how long it takes to load and build, and what it holds in memory.
        var router = new ComplaintRouter();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var building = Stopwatch.StartNew();
        await using (var db = await dbFactory.CreateDbContextAsync()) await router.ReloadAsync(db);
        building.Stop();
        var indexMb = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / 1e6;
        var processMb = Process.GetCurrentProcess().WorkingSet64 / 1e6;
        var generation = router.ActiveGenerationId ?? throw new InvalidOperationException("no active generation after the import");
        Console.WriteLine(FormattableString.Invariant(
            $"router loaded: {router.Kelurahan.Count:N0} kelurahan in {building.Elapsed.TotalSeconds:F1} s (read from PostGIS and indexed); ") +
            FormattableString.Invariant($"{indexMb:F0} MB of managed heap after a full collection; process working set {processMb:F0} MB"));

        // 3. Points: uniform over the bounding box of the kelurahan layer, a fixed seed, a category each.
        var box = new Envelope();
        foreach (var k in router.Kelurahan) box.ExpandToInclude(k.Geometry.EnvelopeInternal);
        var random = new Random(Seed);
        var categories = router.Categories.Keys.Order(StringComparer.Ordinal).ToArray();
        var n = options.Points;
        var lon = new double[n];
        var lat = new double[n];
        var category = new string[n];
        for (var i = 0; i < n; i++)
        {
            // A country's box is mostly sea: there, each point falls in the box of a random kelurahan (land and coast).
            var around = options.Active ? router.Kelurahan[random.Next(router.Kelurahan.Count)].Geometry.EnvelopeInternal : box;
            lon[i] = around.MinX + random.NextDouble() * around.Width;
            lat[i] = around.MinY + random.NextDouble() * around.Height;
            category[i] = categories[i % categories.Length];
        }

        var mine = new AreaRoute?[n];
        for (var i = 0; i < n; i++) mine[i] = router.Route(lon[i], lat[i], category[i])?.Area;
        var covered = mine.Count(r => r is { Snapped: false });
        var snapped = mine.Count(r => r is { Snapped: true });

        var batches = Enumerable.Range(0, (n + BatchSize - 1) / BatchSize)
            .Select(b => (Lon: lon[(b * BatchSize)..Math.Min(n, (b + 1) * BatchSize)], Lat: lat[(b * BatchSize)..Math.Min(n, (b + 1) * BatchSize)]))
            .ToArray();

        // 4. Both must give the same answers, or the speed comparison means nothing: PostGIS covering ⇔ router not snapped.
        var theirs = await RouteAllWithPostGisAsync(options.Connection, generation, batches);
        var disagree = 0;
        for (var i = 0; i < n; i++)
        {
            var same = theirs[i] is { } code ? mine[i] is { Snapped: false } r && r.Kelurahan.Code == code : mine[i] is null or { Snapped: true };
            if (!same) disagree++;
        }

        if (options.HttpPoints is { } httpPoints) WriteHttpPoints(httpPoints, lon, lat, category, mine);

        Console.WriteLine();
        Console.WriteLine($"Routing over the {(options.Active ? "active" : "official")} layer: {router.Kelurahan.Count:N0} kelurahan (generation {generation}); {n:N0} points, seed {Seed}, " +
                          (options.Active ? "each uniform in the box of a random kelurahan" :
                          string.Create(CultureInfo.InvariantCulture, $"uniform over lon {box.MinX:F4}–{box.MaxX:F4}, lat {box.MinY:F4}–{box.MaxY:F4}")));
        Console.WriteLine($"  {Percent(covered, n)} covered by a kelurahan, {Percent(snapped, n)} snapped (≤ {RoutingIndex.SnapMeters} m), " +
                          $"{Percent(n - covered - snapped, n)} outside; PostGIS ST_Covers disagrees on {disagree} of {n:N0}");
        Console.WriteLine($"  {options.Seconds} s per figure after a warm-up; {Environment.ProcessorCount} cores shared with PostgreSQL");

        // 5. The measurements.
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var cores = Environment.ProcessorCount;
        Measure(1, TimeSpan.FromSeconds(Math.Min(2, options.Seconds)), w => InMemory(router, lon, lat, category, w, 1)); // warm-up
        var ours1 = Measure(1, duration, w => InMemory(router, lon, lat, category, w, 1));
        Report($"in-memory ComplaintRouter, 1 thread", ours1);
        var oursN = Measure(cores, duration, w => InMemory(router, lon, lat, category, w, cores));
        Report($"in-memory ComplaintRouter, {cores} threads", oursN);

        // Where the router's time goes: a covered point is one STRtree query and point-in-polygon tests; an uncovered one
        // is also projected to UTM and searched for a kelurahan within 200 m.
        var coveredIdx = Enumerable.Range(0, n).Where(i => mine[i] is { Snapped: false }).ToArray();
        var uncoveredIdx = Enumerable.Range(0, n).Where(i => mine[i] is not { Snapped: false }).ToArray();
        var part = TimeSpan.FromSeconds(Math.Min(3, options.Seconds));
        var oursCovered = Measure(1, part, w => InMemory(router, [.. coveredIdx.Select(i => lon[i])], [.. coveredIdx.Select(i => lat[i])],
            [.. coveredIdx.Select(i => category[i])], w, 1));
        Report("  of which points covered by a kelurahan, 1 thread", oursCovered);
        var oursUncovered = Measure(1, part, w => InMemory(router, [.. uncoveredIdx.Select(i => lon[i])], [.. uncoveredIdx.Select(i => lat[i])],
            [.. uncoveredIdx.Select(i => category[i])], w, 1));
        Report("  of which points in no kelurahan (snap search), 1 thread", oursUncovered);

        var perPoint = new List<(int Connections, double Rate)>();
        foreach (var connections in options.PgConnections)
        {
            var disposables = new ConcurrentBag<IDisposable>();
            Measure(connections, TimeSpan.FromSeconds(1), w => PerPoint(options.Connection, generation, lon, lat, w, connections, disposables)); // warm-up
            var rate = Measure(connections, duration, w => PerPoint(options.Connection, generation, lon, lat, w, connections, disposables));
            foreach (var d in disposables) d.Dispose();
            perPoint.Add((connections, rate));
            Report($"PostGIS ST_Covers, 1 point per query, {connections} connections", rate);
        }
        var bestPerPoint = perPoint.MaxBy(p => p.Rate);

        var batchConnections = Math.Min(cores, 4);
        var batchDisposables = new ConcurrentBag<IDisposable>();
        var batched = Measure(batchConnections, duration, w => Batched(options.Connection, generation, batches, w, batchConnections, batchDisposables));
        foreach (var d in batchDisposables) d.Dispose();
        Report($"PostGIS ST_Covers, {BatchSize:N0} points per query, {batchConnections} connections", batched);

        foreach (var (connections, rate) in perPoint)
            Console.WriteLine($"  ratio in-memory ({cores} threads) / PostGIS per point, {connections} connections: {oursN / rate:F0}×   (goal ≥ 50×)");
        Console.WriteLine($"  ratio in-memory (1 thread) / PostGIS per point, best ({bestPerPoint.Connections} connections):  {ours1 / bestPerPoint.Rate:F0}×");
        Console.WriteLine($"  ratio in-memory ({cores} threads) / PostGIS batched: {oursN / batched:F1}×");
        Console.WriteLine("  (the router also snaps uncovered points within 200 m, in their kelurahan's UTM zone; the PostGIS queries only test coverage)");

        // Read by tests/bench.sh.
        Console.WriteLine();
        var results = new (string Key, object Value)[]
        {
            ("points", n), ("covered", covered), ("snapped", snapped), ("disagree", disagree), ("cores", cores),
            ("ours_1t", ours1), ("ours_mt", oursN), ("pg_point", bestPerPoint.Rate), ("pg_point_conns", bestPerPoint.Connections),
            ("pg_batch", batched), ("pg_batch_conns", batchConnections), ("ours_1t_covered", oursCovered), ("ours_1t_uncovered", oursUncovered),
            ("kelurahan", router.Kelurahan.Count), ("index_seconds", building.Elapsed.TotalSeconds), ("index_mb", indexMb), ("process_mb", processMb),
        };
        results = [.. results, .. perPoint.Select(p => ($"pg_point_c{p.Connections}", (object)p.Rate))];
        foreach (var (key, value) in results) Console.WriteLine(FormattableString.Invariant($"routing.{key}={value:0.##}"));
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> threads; each prepares (connections are opened before the clock starts), then calls its
    /// step until time is up. Returns the operations completed per second of wall time.
    /// </summary>
    private static double Measure(int workers, TimeSpan duration, Func<int, Func<int>> prepare)
    {
        var counts = new long[workers];
        var stop = 0;
        Exception? failure = null;
        using var ready = new Barrier(workers + 1);
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            Func<int>? step = null;
            try
            {
                step = prepare(w);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            ready.SignalAndWait();
            if (step is null) return;
            long done = 0;
            while (Volatile.Read(ref stop) == 0) done += step();
            counts[w] = done;
        }) { IsBackground = true, Name = $"bench-{w}" }).ToList();
        foreach (var t in threads) t.Start();
        ready.SignalAndWait();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(duration);
        Volatile.Write(ref stop, 1);
        foreach (var t in threads) t.Join();
        clock.Stop();
        if (failure is not null) throw new InvalidOperationException("a benchmark worker failed", failure);
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static Func<int> InMemory(ComplaintRouter router, double[] lon, double[] lat, string[] category, int worker, int workers)
    {
        var i = worker;
        return () =>
        {
            for (var k = 0; k < 256; k++)
            {
                router.Route(lon[i], lat[i], category[i]);
                i += workers;
                if (i >= lon.Length) i = worker;
            }
            return 256;
        };
    }

    private static Func<int> PerPoint(string connectionString, int generation, double[] lon, double[] lat, int worker, int workers,
        ConcurrentBag<IDisposable> disposables)
    {
        var connection = Open(connectionString, disposables);
        var command = new NpgsqlCommand(PerPointSql, connection);
        disposables.Add(command);
        var pLon = new NpgsqlParameter<double>();
        var pLat = new NpgsqlParameter<double>();
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        command.Parameters.Add(pLon);
        command.Parameters.Add(pLat);
        command.Prepare();
        var i = worker;
        return () =>
        {
            pLon.TypedValue = lon[i];
            pLat.TypedValue = lat[i];
            command.ExecuteScalar();
            i += workers;
            if (i >= lon.Length) i = worker;
            return 1;
        };
    }

    private static Func<int> Batched(string connectionString, int generation, (double[] Lon, double[] Lat)[] batches, int worker, int workers,
        ConcurrentBag<IDisposable> disposables)
    {
        var connection = Open(connectionString, disposables);
        var (command, pLon, pLat) = BatchCommand(connection, generation);
        disposables.Add(command);
        var b = worker % batches.Length;
        return () =>
        {
            var (lons, lats) = batches[b];
            pLon.TypedValue = lons;
            pLat.TypedValue = lats;
            using (var reader = command.ExecuteReader())
                while (reader.Read()) { }
            b += workers;
            if (b >= batches.Length) b = worker % batches.Length;
            return lons.Length;
        };
    }

    private static async Task<string?[]> RouteAllWithPostGisAsync(string connectionString, int generation, (double[] Lon, double[] Lat)[] batches)
    {
        var disposables = new ConcurrentBag<IDisposable>();
        var connection = Open(connectionString, disposables);
        var (command, pLon, pLat) = BatchCommand(connection, generation);
        var codes = new List<string?>();
        foreach (var (lons, lats) in batches)
        {
            pLon.TypedValue = lons;
            pLat.TypedValue = lats;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) codes.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }
        await command.DisposeAsync();
        foreach (var d in disposables) d.Dispose();
        return [.. codes];
    }

    private static (NpgsqlCommand Command, NpgsqlParameter<double[]> Lon, NpgsqlParameter<double[]> Lat) BatchCommand(NpgsqlConnection connection, int generation)
    {
        var command = new NpgsqlCommand(BatchSql, connection);
        var pLon = new NpgsqlParameter<double[]>();
        var pLat = new NpgsqlParameter<double[]>();
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        command.Parameters.Add(pLon);
        command.Parameters.Add(pLat);
        command.Prepare();
        return (command, pLon, pLat);
    }

    // Unpooled: each worker owns one server session for the whole measurement, like a service's pooled connection.
    private static NpgsqlConnection Open(string connectionString, ConcurrentBag<IDisposable> disposables)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        disposables.Add(connection);
        connection.Open();
        return connection;
    }

    /// <summary>Pins the router covers (not snapped), one "lon lat category" a line, for the HTTP load script.</summary>
    private static void WriteHttpPoints(string path, double[] lon, double[] lat, string[] category, AreaRoute?[] routes)
    {
        using var writer = new StreamWriter(path);
        var written = 0;
        for (var i = 0; i < lon.Length && written < HttpPointCount; i++)
        {
            if (routes[i] is not { Snapped: false }) continue;
            writer.WriteLine(FormattableString.Invariant($"{lon[i]:F7} {lat[i]:F7} {category[i]}"));
            written++;
        }
    }

    private static void Report(string label, double rate) => Console.WriteLine($"  {label + ":",-62}{rate,14:N0} lookups/s");

    private static string Percent(int part, int whole) => (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
