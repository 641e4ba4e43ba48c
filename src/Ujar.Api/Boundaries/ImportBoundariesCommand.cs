using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Boundaries;

/// <summary>
/// <c>import-boundaries FILE --level kecamatan|kelurahan [--commit]</c>: checks a boundary file and, with
/// <c>--commit</c>, makes it the active generation. <c>--level kelurahan --with-kecamatan</c> dissolves the kecamatan
/// from the kelurahan, so one file gives both levels. Exit codes: 0 accepted (dry run or committed), 1 refused
/// (nothing changed), 2 usage error.
/// </summary>
public static class ImportBoundariesCommand
{
    public static async Task<int> RunAsync(WebApplication app, UjarCommand command)
    {
        if (command.Positional.Count != 1)
            return Usage(command.Positional.Count == 0 ? "import-boundaries needs a FILE (.geojson or .shp)" : "import-boundaries takes one FILE");
        if (!command.Options.TryGetValue("--level", out var levelText))
            return Usage("--level kecamatan|kelurahan is required");
        BoundaryLevel? parsed = levelText.ToLowerInvariant() switch
        {
            "kecamatan" => BoundaryLevel.Kecamatan,
            "kelurahan" => BoundaryLevel.Kelurahan,
            _ => null,
        };
        if (parsed is not { } level) return Usage($"--level must be kecamatan or kelurahan, not '{levelText}'");
        if (command.Flags.Contains("--with-kecamatan") && level != BoundaryLevel.Kelurahan)
            return Usage("--with-kecamatan dissolves kelurahan into kecamatan: it needs --level kelurahan");
        int? srid = null;
        if (command.Options.TryGetValue("--srid", out var sridText))
        {
            if (!int.TryParse(sridText, out var code) || code <= 0) return Usage($"--srid must be an EPSG code such as 4326 or 32648, not '{sridText}'");
            srid = code;
        }

        var options = new ImportOptions(
            level,
            CodeProperty: command.Options.GetValueOrDefault("--code-property", "code"),
            NameProperty: command.Options.GetValueOrDefault("--name-property", "name"),
            ParentProperty: command.Options.GetValueOrDefault("--parent-property"),
            SourceSrid: srid,
            Commit: command.Flags.Contains("--commit"),
            DissolveParents: command.Flags.Contains("--with-kecamatan"),
            ParentNameProperty: command.Options.GetValueOrDefault("--parent-name-property"));
        var importer = new BoundaryImporter(app.Services.GetRequiredService<IDbContextFactory<UjarDb>>());
        var report = await importer.ImportAsync(command.Positional[0], options);
        Console.Out.Write(report.ToText());
        return report.Accepted ? 0 : 1;
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"""
            ujar: {error}

            usage: Ujar.Api import-boundaries FILE --level kecamatan|kelurahan [--commit]
                            [--code-property code] [--name-property name] [--parent-property P] [--srid N]
                            [--with-kecamatan --parent-name-property P]
            FILE is a GeoJSON FeatureCollection or an Esri Shapefile (.shp beside its .dbf, and .prj for the SRID).
            Without --commit the file is only checked: nothing changes.
            --with-kecamatan (kelurahan only): the kecamatan are dissolved from the kelurahan (grouped by the parent code,
            named by --parent-name-property), so the new generation holds both levels of this one file.
            """);
        return 2;
    }
}
