using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ujar.Api.Setup;

/// <summary>
/// The kota or kabupaten this installation serves. A city is a folder (<c>gis-data/cities/&lt;name&gt;/</c>): its
/// <c>city.json</c> (names, start view, ticket prefix, Open311 identity, how to read its boundary file) beside its
/// kelurahan boundaries, OPDs, categories with their deadlines, local holidays and population. <c>Ujar:City</c> chooses
/// the folder, by name under <c>gis-data/cities/</c> or by path; nothing about a particular city is in the code.
/// </summary>
public sealed class City
{
    public const string Setting = "Ujar:City";
    public const string FileName = "city.json";

    /// <summary>The folder the city was read from (absolute).</summary>
    [JsonIgnore] public string Folder { get; private set; } = "";

    /// <summary>As people write it in Bahasa Indonesia, e.g. "Kota Tanjungpinang".</summary>
    public required string Name { get; init; }

    /// <summary>In English, e.g. "the City of Tanjungpinang".</summary>
    public required string NameEn { get; init; }

    /// <summary>Without "Kota"/"Kabupaten", e.g. "Tanjungpinang": page titles and the brand.</summary>
    public required string ShortName { get; init; }

    /// <summary>Kemendagri code of the kota/kabupaten, e.g. "21.72": the parent of every kecamatan.</summary>
    public required string Code { get; init; }

    /// <summary>Tickets read <c>PREFIX-2026-000123</c>: 2–6 capital letters.</summary>
    public required string TicketPrefix { get; init; }

    public required CityMap Map { get; init; }
    public required CityBoundaries Boundaries { get; init; }
    public required CityOpen311 Open311 { get; init; }

    /// <summary>A file of the city's folder.</summary>
    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>The folder <c>Ujar:City</c> names: a path to a folder with city.json, else a folder under gis-data/cities/.</summary>
    public static string LocateFolder(IConfiguration configuration)
    {
        var chosen = configuration[Setting];
        if (string.IsNullOrWhiteSpace(chosen))
            throw new InvalidOperationException($"{Setting} is not set: name a folder of gis-data/cities/ (e.g. Ujar__City=tanjungpinang) or give the path of a city folder");
        if (File.Exists(Path.Combine(chosen, FileName))) return Path.GetFullPath(chosen);
        var named = Path.Combine(GisDataFolder.Locate(configuration), "cities", chosen);
        if (File.Exists(Path.Combine(named, FileName))) return named;
        throw new DirectoryNotFoundException($"{Setting}='{chosen}': no {FileName} at {Path.GetFullPath(chosen)} nor at {named}");
    }

    public static City Load(IConfiguration configuration) => Read(LocateFolder(configuration));

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a misspelt key would silently keep a default
    };

    /// <summary>Reads and checks a city folder's city.json.</summary>
    public static City Read(string folder) =>
        ReadJson<City>(Path.Combine(folder, FileName), city =>
        {
            city.Folder = Path.GetFullPath(folder);
            return city.Faults();
        });

    /// <summary>A JSON file of a city folder (comments allowed, unknown keys refused), checked by
    /// <paramref name="faults"/>; a fault stops the reader with the file's path and every reason.</summary>
    public static T ReadJson<T>(string path, Func<T, IEnumerable<string>> faults) where T : class
    {
        T read;
        try
        {
            read = JsonSerializer.Deserialize<T>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: the file is JSON null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
        var found = faults(read).ToList();
        if (found.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", found)}");
        return read;
    }

    private IEnumerable<string> Faults()
    {
        if (TicketPrefix is not { Length: >= 2 and <= 6 } || !TicketPrefix.All(char.IsAsciiLetterUpper))
            yield return $"ticketPrefix '{TicketPrefix}' must be 2–6 capital letters A–Z";
        if (!System.Text.RegularExpressions.Regex.IsMatch(Code, @"^\d{2}\.\d{2}$"))
            yield return $"code '{Code}' must be a Kemendagri kota/kabupaten code like 21.72";
        if (Map.Center is not [>= -90 and <= 90, >= -180 and <= 180])
            yield return "map.center must be [lat, lon]";
        if (Map.Zoom is < 1 or > 19) yield return "map.zoom must be between 1 and 19";
        if (!File.Exists(PathOf(Boundaries.File))) yield return $"boundaries.file '{Boundaries.File}' is not in the folder";
        foreach (var (name, value) in new[] { ("name", Name), ("nameEn", NameEn), ("shortName", ShortName),
                     ("open311.jurisdictionId", Open311.JurisdictionId), ("open311.contact", Open311.Contact), ("open311.keyService", Open311.KeyService) })
            if (string.IsNullOrWhiteSpace(value)) yield return $"{name} must not be empty";
    }
}

/// <summary>Where the map opens: [lat, lon] and a Leaflet zoom.</summary>
public sealed record CityMap(double[] Center, int Zoom);

/// <summary>
/// The city's kelurahan file and the properties that hold each one's code, name, kecamatan code and kecamatan name:
/// the kecamatan layer is dissolved from it by the importer. <see cref="Attribution"/> says where the polygons come from.
/// </summary>
public sealed record CityBoundaries(string File, string Attribution, string CodeProperty = "code", string NameProperty = "name",
    string ParentProperty = "kecamatan_code", string ParentNameProperty = "kecamatan");

/// <summary>What the Open311 discovery says about this jurisdiction (<c>Ujar:Open311</c> may still override it).</summary>
public sealed record CityOpen311(string JurisdictionId, string Contact, string KeyService);

public static class CitySetup
{
    /// <summary>The city of <c>Ujar:City</c>, read once at start; a broken folder stops the start with the reason.</summary>
    public static IServiceCollection AddCity(this IServiceCollection services) =>
        services.AddSingleton(provider => City.Load(provider.GetRequiredService<IConfiguration>()));
}
