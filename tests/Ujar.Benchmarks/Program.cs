using Ujar.Benchmarks;

// Ujar's measurements, run side by side by tests/bench.sh and the tests/*-bench.sh scripts (never by `dotnet test`: no timing
// is asserted anywhere).
//   routing --gis-data DIR --connection CS [--points N] [--seconds S] [--pg-connections 2,4] [--http-points FILE]
//   map --ours URL --baseline URL [--runs N] [--query Q] [--chromium PATH]
//   hotspots --connection CS [--complaints N] [--runs N] [--cell M] [--eps M] [--min-points N] [--category CODE]
//            [--data-only] [--service URL]
//   intake --service URL --connection CS --pins FILE --app-secret S --api-key K [--seconds 20] [--warmup 3] [--users 32]
//   fake-graph --port P
//   live-latency --service URL --pins FILE [--probes 200] [--gap-ms 100] [--load-users 0]
//   file-stream --service URL --pins FILE --out FILE [--users 4] [--rate R] [--seconds S] [--timeout-seconds 10] [--marker M]
//   live-watch --service URL --out FILE [--catch-up-seconds 30]
//   national-boundaries --out FILE [--count 83700] [--seed S]
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
if (args is ["live-latency", .. var latencyArgs] && LiveLatencyBenchmark.TryParse(latencyArgs, out var latencyOptions, out error))
    return await LiveLatencyBenchmark.RunAsync(latencyOptions!);
if (args is ["file-stream", .. var streamArgs] && FilingStream.TryParse(streamArgs, out var streamOptions, out error))
    return await FilingStream.RunAsync(streamOptions!);
if (args is ["live-watch", .. var watchArgs] && LiveWatch.TryParse(watchArgs, out var watchOptions, out error))
    return await LiveWatch.RunAsync(watchOptions!);
if (args is ["national-boundaries", .. var nationalArgs] && NationalBoundariesOptions.TryParse(nationalArgs, out var nationalOptions, out error))
    return NationalBoundaries.Run(nationalOptions);

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
           Ujar.Benchmarks live-latency --service URL --pins FILE [--probes 200] [--gap-ms 100] [--load-users 0]
      A SignalR client watching the whole city and probes filed one at a time: request sent → complaint_filed received,
      and 201 → received, in percentiles; --load-users file back to back meanwhile. Ends with `live.*=` lines.
           Ujar.Benchmarks file-stream --service URL --pins FILE --out FILE [--users 4] [--rate R] [--seconds S]
                                       [--timeout-seconds 10] [--marker M]
      Files complaints until S seconds pass (0: until SIGTERM), at most R a second (0: as fast as answered); every
      answer is a line `epoch_ms status latency_ms ticket|code` of FILE as it comes. Ends with `stream.*=` lines.
           Ujar.Benchmarks live-watch --service URL --out FILE [--catch-up-seconds 30]
      A live-map client as web/src/live.js: watches the city, reconnects forever, catches up from /api/events after a
      reconnect and every S seconds; each event once as `seq ticket live|catch-up epoch_ms` in FILE. Runs until SIGTERM.
           Ujar.Benchmarks national-boundaries --out FILE [--count 83700] [--seed 20261207]
      Writes a made-up national kelurahan layer (GeoJSON like the official file): Voronoi cells of seeded random points
      over a coarse outline of Indonesia's land, denser on Java, with small islands; Kemendagri-shaped codes under ~7,000
      kecamatan, ~500 kabupaten/kota and 38 provinces. The same seed gives the same file.
    """);
return 2;
