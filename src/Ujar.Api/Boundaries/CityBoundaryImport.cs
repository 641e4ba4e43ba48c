using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Boundaries;

/// <summary>
/// A new database starts with its city's own boundaries: the kelurahan file of the city folder, imported with the
/// kecamatan dissolved from it, as the first active generation. Once any generation is active this does nothing, so a
/// newer official file brought in with <c>import-boundaries</c> is never replaced by the shipped one.
/// </summary>
public static class CityBoundaryImport
{
    /// <returns>The import's report, or null when the database already had active boundaries.</returns>
    public static async Task<ImportReport?> EnsureAsync(IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        await using (var db = await services.GetRequiredService<IDbContextFactory<UjarDb>>().CreateDbContextAsync(ct))
            if (await db.BoundaryGenerations.AnyAsync(g => g.IsActive, ct)) return null;

        var city = services.GetRequiredService<City>();
        var source = city.Boundaries;
        var report = await ActivatorUtilities.CreateInstance<BoundaryImporter>(services).ImportAsync(city.PathOf(source.File),
            new ImportOptions(BoundaryLevel.Kelurahan, source.CodeProperty, source.NameProperty, source.ParentProperty,
                Commit: true, SourceLabel: city.Name, DissolveParents: true, ParentNameProperty: source.ParentNameProperty), ct);
        if (!report.Committed)
            throw new InvalidDataException($"the boundaries of {city.Name} ({city.PathOf(source.File)}) were refused:\n{report.ToText()}");
        logger.LogInformation("Loaded the boundaries of {City} from {File} as generation {Generation}:\n{Report}",
            city.Name, city.PathOf(source.File), report.GenerationId, report.ToText());
        return report;
    }
}
