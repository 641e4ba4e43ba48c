using Ujar.Benchmarks;

// Ujar's measurements, run side by side by tests/bench.sh and the tests/*-bench.sh scripts (never by `dotnet test`: no timing
// is asserted anywhere).
//   routing --gis-data DIR --connection CS [--points N] [--seconds S] [--pg-connections 2,4] [--http-points FILE]
//   map --ours URL --baseline URL [--runs N] [--query Q] [--chromium PATH]
//   hotspots --connection CS [--complaints N] [--runs N] [--cell M] [--eps M] [--min-points N] [--category CODE]
//            [--data-only] [--service URL]
//   intake --service URL --connection CS --pins FILE --app-secret S --api-key K [--seconds 20] [--warmup 3] [--users 32]
//   fake-graph --port P
var error = "unknown or missing command";
if (args is ["routing", .. var rest] && Options.TryParse(rest, out var options, out error))
    return await RoutingBenchmark.RunAsync(options);
if (args is ["map", .. var mapArgs] && MapBenchmark.TryParse(mapArgs, out var mapOptions, out error))
    return await MapBenchmark.RunAsync(mapOptions);
if (args is ["hotspots", .. var hotspotArgs] && HotspotsBenchmark.TryParse(hotspotArgs, out var hotspotOptions, out error))
    return await HotspotsBenchmark.RunAsync(hotspotOptions);
if (args is ["intake", .. var intakeArgs] && IntakeBenchmark.TryParse(intakeArgs, out var intakeOptions, out error))
    return await IntakeBenchmark.RunAsync(intakeOptions!);
if (args is ["fake-graph", "--port", var portText] && int.TryParse(portText, out var graphPort))
    return await FakeGraph.RunAsync(graphPort);

Console.Error.WriteLine($"""
    ujar-bench: {error}

    usage: Ujar.Benchmarks routing --gis-data DIR --connection CS [--points N] [--seconds S]
                                   [--pg-connections 2,4] [--http-points FILE]
      Loads the official kecamatan + kelurahan layers (gis-data DIR) into the database CS as the active generation,
      then routes N random points (fixed seed, uniform over the city's bounding box) with the service's in-memory
      ComplaintRouter (1 thread and all cores) and with PostGIS ST_Covers (one prepared query per point, and batches
      of 1,000 points), S seconds each. --http-points writes routable pins for tests/Ujar.Benchmarks/post.lua.
      Results end with `key=value` lines that tests/bench.sh reads.
           Ujar.Benchmarks map --ours URL --baseline URL [--runs 5] [--query Q] [--chromium /usr/bin/chromium]
      Opens the map page of both running services in headless Chromium (fresh profile each run, runs interleaved,
      one unmeasured warm-up each): navigation start → first complete map, mouse-drag pan → next complete redraw,
      and the number of marker elements. Results end with `key=value` lines that tests/map-bench.sh reads.
           Ujar.Benchmarks hotspots --connection CS [--complaints 1000000] [--runs 5] [--cell 250] [--eps 100]
                                    [--min-points 5] [--category genangan_air] [--data-only] [--service URL]
      Over the active generation's kelurahan, generates N complaints in SQL when the table is empty (--data-only: and
      stops), then times hex counts + Gi* (whole city) and DBSCAN (one category) with the service's engines over
      ComplaintPoints and the same computations in PostGIS SQL, and checks both give the same answers; --service also
      times GET /api/hotspots/hex on that running service. Ends with `key=value` lines for tests/hotspots-bench.sh.
           Ujar.Benchmarks intake --service URL --connection CS --pins FILE --app-secret S --api-key K
                                  [--seconds 20] [--warmup 3] [--users 32] [--drain-minutes 10]
      The three doors of the intake one after the other under the same load: POST /api/complaints, Open311 POST
      requests.json with the key K, and signed WhatsApp webhooks playing whole conversations (secret S); then waits
      until every completed conversation is filed. Pins from FILE ("lon lat category" a line). Ends with `key=value`
      lines for tests/intake-bench.sh.
           Ujar.Benchmarks fake-graph --port P
      Stands in for Meta's Graph API on 127.0.0.1:P: every message send is accepted at once (GET /count: how many).
    """);
return 2;
