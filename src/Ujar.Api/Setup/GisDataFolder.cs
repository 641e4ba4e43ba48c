namespace Ujar.Api.Setup;

/// <summary>The project's own gis-data/ folder: the cities (one folder each), the national holiday list, the fixture city of the tests.</summary>
public static class GisDataFolder
{
    /// <summary><c>Ujar:GisData</c> when set; else the nearest gis-data/ above the working or application folder.</summary>
    public static string Locate(IConfiguration configuration)
    {
        if (configuration["Ujar:GisData"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "gis-data");
                if (Directory.Exists(Path.Combine(candidate, "cities"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("gis-data/ with cities/ not found; set Ujar__GisData to its path");
    }
}
