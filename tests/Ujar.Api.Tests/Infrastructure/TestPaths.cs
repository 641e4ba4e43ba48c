namespace Ujar.Api.Tests.Infrastructure;

public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string GisData => Path.Combine(RepoRoot, "gis-data");
    public static string FixtureCity => Path.Combine(GisData, "fixture-city");

    /// <summary>The city folder the service runs with by default (appsettings.json's <c>Ujar:City</c>).</summary>
    public static string TanjungpinangCity => Path.Combine(GisData, "cities", "tanjungpinang");

    /// <summary>A copy of gis-data/ (national holidays, Tanjungpinang's folder) in a new temporary folder, for a test that
    /// edits the seed files; the caller deletes it.</summary>
    public static (string GisData, string City) CopyOfGisData()
    {
        var root = Directory.CreateTempSubdirectory("ujar-gis-data-").FullName;
        var city = Path.Combine(root, "cities", "tanjungpinang");
        Directory.CreateDirectory(city);
        Directory.CreateDirectory(Path.Combine(root, "national"));
        foreach (var file in Directory.GetFiles(TanjungpinangCity)) File.Copy(file, Path.Combine(city, Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(Path.Combine(GisData, "national"))) File.Copy(file, Path.Combine(root, "national", Path.GetFileName(file)));
        return (root, city);
    }

    /// <summary>
    /// The official Tanjungpinang boundaries (read by path, never copied into the repo): <c>UJAR_GIS_DATA</c>, which
    /// .ci/run sets, else <c>../shared/gis-data</c> beside the checkout. Null when neither exists.
    /// </summary>
    public static string? SharedGisData
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("UJAR_GIS_DATA");
            var candidate = string.IsNullOrEmpty(configured) ? Path.Combine(RepoRoot, "..", "shared", "gis-data") : configured;
            return File.Exists(Path.Combine(candidate, "tanjungpinang_kelurahan.geojson")) ? Path.GetFullPath(candidate) : null;
        }
    }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The official data folder, or a skip with the reason; under CI=true its absence is a failure.</summary>
    public static string RequireSharedGisData()
    {
        if (SharedGisData is { } path) return path;
        const string reason = "official boundaries not found: set UJAR_GIS_DATA to the shared gis-data folder";
        if (InCi) throw new InvalidOperationException(reason + " (CI=true, so this is a failure)");
        Skip.If(true, reason);
        return null!;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ujar.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Ujar.sln not found above " + AppContext.BaseDirectory);
    }
}
