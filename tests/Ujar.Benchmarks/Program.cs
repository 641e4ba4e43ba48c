using Ujar.Benchmarks;

// Ujar's measurements, run side by side by tests/bench.sh and tests/map-bench.sh (never by `dotnet test`: no timing
// is asserted anywhere).
//   routing --gis-data DIR --connection CS [--points N] [--seconds S] [--pg-connections 2,4] [--http-points FILE]
//   map --ours URL --baseline URL [--runs N] [--query Q] [--chromium PATH]
var error = "unknown or missing command";
if (args is ["routing", .. var rest] && Options.TryParse(rest, out var options, out error))
    return await RoutingBenchmark.RunAsync(options);
if (args is ["map", .. var mapArgs] && MapBenchmark.TryParse(mapArgs, out var mapOptions, out error))
    return await MapBenchmark.RunAsync(mapOptions);

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
    """);
return 2;
