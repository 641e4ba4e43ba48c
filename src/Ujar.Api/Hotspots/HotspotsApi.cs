using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Ujar.Api.Limits;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Hotspots;

/// <summary>A feature of a hotspot layer: a lon/lat geometry and its numbers.</summary>
public sealed record HotspotFeature(Geometry Geometry, IReadOnlyDictionary<string, object?> Properties)
{
    [JsonPropertyOrder(-1)] public string Type => "Feature";
}

/// <summary>A hotspot layer as GeoJSON: the features plus foreign members echoing what was computed (<c>cell</c>,
/// <c>band</c>, <c>filter</c>, totals…). The CSV and GeoPackage exports write the same features (<see cref="HotspotExport"/>).</summary>
public sealed class HotspotCollection(IReadOnlyList<HotspotFeature> features, Dictionary<string, object> members)
{
    // Only ever written: this keeps System.Text.Json from binding the extension data to the constructor's parameter.
    [JsonConstructor]
    private HotspotCollection() : this([], []) { }

    [JsonPropertyOrder(-1)] public string Type => "FeatureCollection";
    public IReadOnlyList<HotspotFeature> Features { get; } = features;
    [JsonExtensionData] public Dictionary<string, object> Members { get; } = members;
}

/// <summary>
/// The planners' layers over the in-memory complaint points (<see cref="ComplaintPoints"/>): hex bins with Getis-Ord
/// Gi* (<see cref="GetisOrd"/>), their trend (<see cref="HotspotTrend"/>), density clusters and the kelurahan
/// choropleth. Every layer takes the <see cref="HotspotFilter"/> parameters, <c>format=csv|gpkg</c> and <c>lang=id|en</c>.
/// </summary>
public static class HotspotsApi
{
    public const int MaxBand = 10_000;

    /// <summary>Above this share of empty cells the layer says the data are too sparse for Gi*: the statistic reads each
    /// cell against a normal distribution of neighbourhood sums, and with mostly zeros a handful of complaints makes
    /// "99 %" hot spots that a longer period or larger cells would not confirm. A rule of thumb, not a test.</summary>
    public const double SparseEmptyShare = 0.8;

    /// <summary>A burst of identical requests (a planner's page and its live refresh) computes once; the points'
    /// version is part of the key, so a new complaint is never hidden by the cache.</summary>
    private static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GridLifetime = TimeSpan.FromMinutes(30);
    // IMemoryCache.GetOrCreate is not atomic: the lock makes concurrent requests share one Lazy, not race to build two.
    private static readonly Lock CacheLock = new();

    public static IEndpointRouteBuilder MapHotspots(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/hotspots").WithTags("Hotspots")
            .RequireRateLimiting(AbuseLimits.HeavyQueries);
        api.MapGet("/hex", GetHex);
        api.MapGet("/trend", GetTrend);
        api.MapGet("/clusters", DensityClusters.GetAsync);
        api.MapGet("/kelurahan", KelurahanChoropleth.GetAsync);
        api.MapGet("/weekly", WeeklyCounts.GetAsync);
        return app;
    }

    /// <summary><c>GET /api/hotspots/hex?cell=250&amp;band=750&amp;fdr=true&amp;category=…</c>: every city cell with its
    /// complaint count (zeros included) and Gi* z, p and confidence bin.</summary>
    public static async Task<IResult> GetHex(HttpRequest request, ComplaintRouter router, ComplaintPoints points, IMemoryCache cache,
        IOptions<LimitsOptions> limits, CancellationToken ct, string? cell = null, string? band = null, string? fdr = null, string? format = null,
        string? lang = null)
    {
        var (setup, problem) = await PrepareAsync(request, router, points, cache, limits.Value, cell, band, fdr, format, lang, ct);
        if (setup is null) return problem!;
        var key = ("hex", setup.Grid.GenerationId, setup.Grid.Cell, setup.Band, setup.Fdr, FilterKey(setup.Filter), points.Version);
        var collection = Cached(cache, key, ResultLifetime, () =>
        {
            var selection = points.Current.Select(setup.Filter);
            var (counts, outside) = setup.Grid.Count(selection.X, selection.Y);
            var gi = GetisOrd.Compute(Array.ConvertAll(counts, c => (double)c), setup.Neighbours.Start, setup.Neighbours.Neighbours, setup.Fdr);
            var features = setup.Grid.Cells.Select((c, i) => new HotspotFeature(c.ClippedLonLat, new Dictionary<string, object?>
            {
                ["q"] = c.Q, ["r"] = c.R, ["count"] = counts[i], ["z"] = gi[i].Z, ["p"] = gi[i].P, ["bin"] = gi[i].Bin,
                ["binLabel"] = GetisOrd.BinLabel(gi[i].Bin),
            })).ToList();
            return new HotspotCollection(features, Members(setup, selection.Count, outside, counts));
        });
        return setup.Export.Answer("hex", collection);
    }

    /// <summary><c>GET /api/hotspots/trend?days=30&amp;…</c>: each cell's Gi* in the window and in the window of the
    /// same length just before it, and the trend label (<see cref="HotspotTrend"/>). Needs a window with a start.</summary>
    public static async Task<IResult> GetTrend(HttpRequest request, ComplaintRouter router, ComplaintPoints points, IMemoryCache cache,
        IOptions<LimitsOptions> limits, TimeProvider clock, CancellationToken ct, string? cell = null, string? band = null, string? fdr = null,
        string? format = null, string? lang = null)
    {
        var (setup, problem) = await PrepareAsync(request, router, points, cache, limits.Value, cell, band, fdr, format, lang, ct);
        if (setup is null) return problem!;
        var now = clock.GetUtcNow().UtcDateTime;
        if (setup.Filter.PreviousWindow(now) is not { } previous)
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["days"] = new("tren membandingkan dua periode: pilih 7, 30 atau 90 hari, tanggal mulai, atau musim",
                    "a trend compares two periods: choose 7, 30 or 90 days, a start date, or a season"),
            });
        var key = ("trend", setup.Grid.GenerationId, setup.Grid.Cell, setup.Band, setup.Fdr, FilterKey(setup.Filter), points.Version);
        var collection = Cached(cache, key, ResultLifetime, () =>
        {
            var set = points.Current;
            var selection = set.Select(setup.Filter);
            var before = set.Select(previous);
            var (counts, outside) = setup.Grid.Count(selection.X, selection.Y);
            var (previousCounts, previousOutside) = setup.Grid.Count(before.X, before.Y);
            var gi = GetisOrd.Compute(Array.ConvertAll(counts, c => (double)c), setup.Neighbours.Start, setup.Neighbours.Neighbours, setup.Fdr);
            var giBefore = GetisOrd.Compute(Array.ConvertAll(previousCounts, c => (double)c), setup.Neighbours.Start, setup.Neighbours.Neighbours, setup.Fdr);
            var features = setup.Grid.Cells.Select((c, i) => new HotspotFeature(c.ClippedLonLat, new Dictionary<string, object?>
            {
                ["q"] = c.Q, ["r"] = c.R, ["trend"] = HotspotTrend.Label(gi[i], giBefore[i]),
                ["count"] = counts[i], ["z"] = gi[i].Z, ["p"] = gi[i].P, ["bin"] = gi[i].Bin,
                ["previousCount"] = previousCounts[i], ["previousZ"] = giBefore[i].Z, ["previousP"] = giBefore[i].P, ["previousBin"] = giBefore[i].Bin,
            })).ToList();
            var members = Members(setup, selection.Count, outside, counts);
            members["from"] = setup.Filter.FromUtc!;
            members["to"] = setup.Filter.ToUtc ?? now;
            members["previousFrom"] = previous.FromUtc!;
            members["previousTo"] = previous.ToUtc!;
            members["previousTotal"] = before.Count;
            members["previousOutsideCells"] = previousOutside;
            return new HotspotCollection(features, members);
        });
        return setup.Export.Answer("trend", collection);
    }

    private sealed record HexSetup(HotspotFilter Filter, HexGrid Grid, double Band, Neighbourhood Neighbours, bool Fdr, HotspotExport Export, long MaxPairs);

    /// <summary>Checks the hex parameters and the filter, waits for the complaint points, and finds (or builds) the grid.</summary>
    private static async Task<(HexSetup? Setup, IResult? Problem)> PrepareAsync(HttpRequest request, ComplaintRouter router, ComplaintPoints points,
        IMemoryCache cache, LimitsOptions limits, string? cell, string? band, string? fdr, string? format, string? lang, CancellationToken ct)
    {
        var errors = new Dictionary<string, Bilingual>();
        var cellSize = HexGrid.DefaultCell;
        if (!string.IsNullOrWhiteSpace(cell) &&
            (!int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out cellSize) || cellSize is < HexGrid.MinCell or > HexGrid.MaxCell))
            errors["cell"] = new($"ukuran sel harus bilangan bulat {HexGrid.MinCell}–{HexGrid.MaxCell} meter",
                $"cell must be a whole number of metres, {HexGrid.MinCell}–{HexGrid.MaxCell}");
        int? bandMetres = null;
        if (!string.IsNullOrWhiteSpace(band))
        {
            if (int.TryParse(band, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b is > 0 and <= MaxBand) bandMetres = b;
            else errors["band"] = new($"jarak tetangga harus bilangan bulat 1–{MaxBand} meter", $"band must be a whole number of metres, 1–{MaxBand}");
        }
        var useFdr = false;
        if (!string.IsNullOrWhiteSpace(fdr) && !bool.TryParse(fdr, out useFdr))
            errors["fdr"] = new("koreksi FDR harus true atau false", "fdr must be true or false");
        var export = HotspotExport.Parse(format, lang, errors);
        if (errors.Count > 0) return (null, Problems.Validation(errors));

        var (filter, problem) = HotspotFilter.Parse(request);
        if (filter is null) return (null, problem);

        await points.WhenLoaded.WaitAsync(ct);
        if (router.ActiveGenerationId is not { } generationId)
            return (null, Problems.Result(Problems.Create(StatusCodes.Status503ServiceUnavailable, "no_boundaries",
                new Bilingual("Batas wilayah belum dimuat", "No boundaries loaded"),
                new Bilingual("Peta hotspot memerlukan batas kelurahan yang aktif.", "Hotspot layers need an active kelurahan boundary set."))));
        var kelurahan = router.Kelurahan;
        var grid = Cached(cache, ("hex-grid", generationId, cellSize), GridLifetime,
            () => HexGrid.Build(generationId, cellSize, kelurahan.Select(k => k.Geometry)), sliding: true);
        var bandUsed = bandMetres ?? grid.DefaultBand;
        // The cost of Gi* (and of the neighbourhood kept for the next request) is known from the grid before either is made.
        if (grid.PairsWithin(bandUsed) is var pairs && pairs > limits.HotspotMaxPairs)
        {
            var widest = grid.WidestBand(limits.HotspotMaxPairs);
            return (null, TooCostly("band", new Bilingual(
                    $"jarak tetangga {bandUsed} m terlalu lebar untuk sel {cellSize} m: {grid.Cells.Count:N0} sel × tetangganya = {pairs:N0} pasangan, lebih dari batas {limits.HotspotMaxPairs:N0}",
                    $"band {bandUsed} m is too wide for {cellSize} m cells: {grid.Cells.Count:N0} cells × their neighbours = {pairs:N0} pairs, more than the limit of {limits.HotspotMaxPairs:N0}"),
                new Bilingual($"Pakai jarak tetangga paling lebar {widest} m untuk sel {cellSize} m, atau sel yang lebih besar untuk jarak yang lebih lebar.",
                    $"Use a band of at most {widest} m with {cellSize} m cells, or larger cells (cell) for a wider band.")));
        }
        return (new HexSetup(filter, grid, bandUsed, grid.Neighbours(bandUsed), useFdr, export!, limits.HotspotMaxPairs), null);
    }

    /// <summary>422 for a request whose estimated work is over its layer's cap, counted before computing: the parameter
    /// that made it so, and how to ask for less.</summary>
    public static IResult TooCostly(string field, Bilingual why, Bilingual howToLighten) =>
        Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "validation_failed",
            new Bilingual("Permintaan terlalu berat untuk dihitung", "The request is too heavy to compute"),
            new Bilingual($"{why.Id}. {howToLighten.Id}", $"{why.En}. {howToLighten.En}"),
            new Dictionary<string, Bilingual> { [field] = why }));

    /// <summary>What was computed, echoed: the parameters, the totals, how many cells are empty and whether that makes
    /// the data too sparse for Gi* (<see cref="SparseEmptyShare"/>), and the widest band this cell size allows.</summary>
    private static Dictionary<string, object> Members(HexSetup setup, int total, int outside, int[] counts)
    {
        var empty = counts.Count(c => c == 0);
        return new()
        {
            ["cell"] = setup.Grid.Cell,
            ["band"] = setup.Band,
            ["maxBand"] = setup.Grid.WidestBand(setup.MaxPairs),
            ["fdr"] = setup.Fdr,
            ["total"] = total,
            ["outsideCells"] = outside,
            ["cells"] = counts.Length,
            ["emptyCells"] = empty,
            ["sparse"] = counts.Length > 0 && empty > SparseEmptyShare * counts.Length,
            ["filter"] = setup.Filter.Echo,
        };
    }

    private static string FilterKey(HotspotFilter filter) =>
        string.Join('&', filter.Echo.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    private static T Cached<T>(IMemoryCache cache, object key, TimeSpan lifetime, Func<T> compute, bool sliding = false)
    {
        Lazy<T> lazy;
        lock (CacheLock)
        {
            lazy = cache.GetOrCreate(key, entry =>
            {
                if (sliding) entry.SlidingExpiration = lifetime;
                else entry.AbsoluteExpirationRelativeToNow = lifetime;
                return new Lazy<T>(compute, LazyThreadSafetyMode.ExecutionAndPublication);
            })!;
        }
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A Lazy keeps its exception: drop it so the next request tries again instead of failing until expiry.
            cache.Remove(key);
            throw;
        }
    }
}
