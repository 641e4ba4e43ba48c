using System.Globalization;
using NetTopologySuite.Geometries;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Hotspots;

/// <summary>
/// <c>GET /api/hotspots/kelurahan?…</c>: the active generation's kelurahan with the filtered complaints' count, the
/// count per km² (area measured in UTM 48N) and per 1,000 residents where <c>population.csv</c> has a figure.
/// A kelurahan without a population figure has <c>population</c> and <c>per1000</c> null ("no data"), never 0.
/// A complaint counts in the kelurahan it was routed to when filed; complaints routed under a boundary generation
/// whose codes the active one no longer has are counted in <c>unassigned</c>, so the counts plus it make the total.
/// </summary>
public static class KelurahanChoropleth
{
    public const string PopulationFileSetting = "Ujar:PopulationFile";

    /// <summary>A row of population.csv: residents of a kelurahan in a year, from a named source (BPS).</summary>
    public sealed record Population(int Residents, int? Year);

    public static async Task<IResult> GetAsync(HttpRequest request, ComplaintPoints points, ComplaintRouter router,
        IConfiguration configuration, City city, ILoggerFactory loggers, CancellationToken ct, string? format = null, string? lang = null)
    {
        var errors = new Dictionary<string, Bilingual>();
        var export = HotspotExport.Parse(format, lang, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var (filter, problem) = HotspotFilter.Parse(request);
        if (filter is null) return problem!;
        await points.WhenLoaded.WaitAsync(ct);
        var selection = points.Current.Select(filter);
        // Read on every request: the table is meant to be edited in place when BPS publishes new figures.
        var population = ReadPopulation(PopulationFile(configuration, city), loggers.CreateLogger(typeof(KelurahanChoropleth)));
        return export!.Answer("kelurahan", Compute(selection, router.Kelurahan, population, filter.Echo));
    }

    public static HotspotCollection Compute(PointSelection selection, IReadOnlyList<RoutableKelurahan> kelurahan,
        IReadOnlyDictionary<string, Population> population, IReadOnlyDictionary<string, string> filter)
    {
        var set = selection.Set;
        var perCode = new int[set.KelurahanCodes.Count];
        foreach (var i in selection.Index) perCode[set.Kelurahan[i]]++;
        var countOf = set.KelurahanCodes.Select((code, index) => (code, index)).ToDictionary(x => x.code, x => perCode[x.index]);

        var features = new List<HotspotFeature>(kelurahan.Count);
        var assigned = 0;
        foreach (var k in kelurahan.OrderBy(k => k.Kelurahan.Code, StringComparer.Ordinal))
        {
            var count = countOf.GetValueOrDefault(k.Kelurahan.Code);
            assigned += count;
            var areaKm2 = MetricProjection.Project(k.Geometry).Area / 1_000_000;
            var residents = population.GetValueOrDefault(k.Kelurahan.Code);
            features.Add(new HotspotFeature(k.Geometry, new Dictionary<string, object?>
            {
                ["code"] = k.Kelurahan.Code,
                ["name"] = k.Kelurahan.Name,
                ["kecamatanCode"] = k.Kecamatan.Code,
                ["kecamatanName"] = k.Kecamatan.Name,
                ["count"] = count,
                ["areaKm2"] = areaKm2,
                ["perKm2"] = count / areaKm2,
                ["population"] = residents?.Residents,
                ["populationYear"] = residents?.Year,
                ["per1000"] = residents is { Residents: > 0 } r ? count * 1000.0 / r.Residents : null,
            }));
        }
        return new HotspotCollection(features, new Dictionary<string, object>
        {
            ["filter"] = filter, ["total"] = selection.Count, ["unassigned"] = selection.Count - assigned,
        });
    }

    public static string PopulationFile(IConfiguration configuration, City city) =>
        configuration[PopulationFileSetting] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : city.PathOf("population.csv");

    /// <summary>code → population for the rows that have a figure; a missing file or an empty cell is "no data".
    /// A cell that is not a whole number is reported in the log and treated as no data rather than guessed.</summary>
    public static Dictionary<string, Population> ReadPopulation(string path, ILogger logger)
    {
        var result = new Dictionary<string, Population>();
        if (!File.Exists(path))
        {
            logger.LogWarning("No population table at {Path}: per-1,000 figures are shown as no data", path);
            return result;
        }
        foreach (var row in Csv.ReadFile(path))
        {
            var code = row.GetValueOrDefault("code", "");
            var text = row.GetValueOrDefault("population", "");
            if (code.Length == 0 || text.Length == 0) continue;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var residents))
            {
                logger.LogWarning("population.csv: '{Value}' for {Code} is not a whole number; shown as no data", text, code);
                continue;
            }
            int? year = int.TryParse(row.GetValueOrDefault("year", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
            result[code] = new Population(residents, year);
        }
        return result;
    }
}
