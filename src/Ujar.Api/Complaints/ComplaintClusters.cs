using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.Complaints;

/// <summary>
/// <c>GET /api/complaints/clusters?bbox=&amp;zoom=</c> (plus the list's filters): the map below zoom 16, where single
/// pins would pile up. Complaints are counted per square of about 64 screen pixels at that zoom (Web Mercator,
/// EPSG:3857, as the map draws them), so the number of features stays near what fits on the screen whatever the count.
/// </summary>
public static class ComplaintClusters
{
    public const int MaxZoom = 22;
    public const double CellPixels = 64;
    /// <summary>About five full-HD screens of cells; a larger bbox at that zoom is a mistake or a scrape.</summary>
    public const int MaxCells = 10_000;
    private const double MetersPerPixelAtZoom0 = 156_543.03392804097;
    private const double MercatorHalfWorld = 20_037_508.342789244;
    private const double MercatorMaxLat = 85.0511287798066;

    public sealed record ClusterProperties(
        int Count,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ticket,
        string Category,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status);

    public sealed record ClusterFeature(ComplaintsApi.PointGeometry Geometry, ClusterProperties Properties)
    {
        [JsonPropertyOrder(-1)] public string Type => "Feature";
    }

    public sealed record ClusterCollection(IReadOnlyList<ClusterFeature> Features)
    {
        [JsonPropertyOrder(-1)] public string Type => "FeatureCollection";
    }

    /// <summary>One grid cell as PostGIS aggregates it.</summary>
    public sealed record ClusterRow(int Count, double Lon, double Lat, string Category, string? Ticket, string? Status);

    public static async Task<IResult> GetClusters(UjarDb db, CancellationToken ct,
        string? bbox = null, string? zoom = null, string? category = null, string? status = null, string? from = null, string? to = null)
    {
        var filter = ComplaintFilter.Parse(bbox, category, status, from, to, null, null);
        if (filter.Problem is not null) return filter.Problem;
        var errors = new Dictionary<string, Bilingual>();
        if (filter.Box is null) errors["bbox"] = new("bbox wajib diisi: minLon,minLat,maxLon,maxLat", "bbox is required: minLon,minLat,maxLon,maxLat");
        if (!int.TryParse(zoom, NumberStyles.None, CultureInfo.InvariantCulture, out var z) || z > MaxZoom)
            errors["zoom"] = new($"zoom wajib diisi, bilangan bulat 0–{MaxZoom}", $"zoom is required, a whole number 0–{MaxZoom}");
        if (errors.Count > 0) return Problems.Validation(errors);

        var box = filter.Box!.EnvelopeInternal;
        var cell = CellPixels * MetersPerPixelAtZoom0 / Math.Pow(2, z);
        var columns = Math.Ceiling((MercatorX(box.MaxX) - MercatorX(box.MinX)) / cell) + 1;
        var rowsOfCells = Math.Ceiling((MercatorY(box.MaxY) - MercatorY(box.MinY)) / cell) + 1;
        if (columns * rowsOfCells > MaxCells)
            return Problems.Validation(new Dictionary<string, Bilingual>
            {
                ["bbox"] = new($"bbox terlalu luas untuk zoom {z}: paling banyak {MaxCells} sel; perkecil area atau zoom",
                    $"bbox too large for zoom {z}: at most {MaxCells} cells; zoom out or shrink the area"),
            });

        // Raw SQL because LINQ has no mode() (the dominant category of a cell). The filters mean what the list's
        // filters mean (ComplaintsApi.ListComplaints), so the clusters of a bbox count exactly the complaints the list
        // pages through: for a point, "intersects the bbox" is the GiST box test plus an exact coordinate check, which
        // is several times cheaper than ST_Intersects per row. The cell is computed with the spherical Mercator formula
        // of EPSG:3857 itself rather than ST_Transform, which cost more than the rest of the query at 100,000 rows.
        var rows = await db.Database.SqlQueryRaw<ClusterRow>("""
            SELECT count(*)::int AS count,
                   avg(p.lon) AS lon,
                   avg(p.lat) AS lat,
                   mode() WITHIN GROUP (ORDER BY c.category_code) AS category,
                   CASE WHEN count(*) = 1 THEN min(c.ticket) END AS ticket,
                   CASE WHEN count(*) = 1 THEN min(c.status) END AS status
            FROM complaints c
            CROSS JOIN LATERAL (SELECT ST_X(c.location) AS lon, ST_Y(c.location) AS lat) AS p
            WHERE c.location && ST_MakeEnvelope(@min_lon, @min_lat, @max_lon, @max_lat, 4326)
              AND p.lon BETWEEN @min_lon AND @max_lon AND p.lat BETWEEN @min_lat AND @max_lat
              AND (@categories IS NULL OR c.category_code = ANY(@categories))
              AND (@statuses IS NULL OR c.status = ANY(@statuses))
              AND (@from IS NULL OR c.created_at >= @from)
              AND (@to IS NULL OR c.created_at < @to)
            GROUP BY floor(p.lon * @half_world / 180 / @cell),
                     floor(ln(tan(pi() / 4 + radians(p.lat) / 2)) * @half_world / pi() / @cell)
            """,
            new NpgsqlParameter<double>("min_lon", box.MinX), new NpgsqlParameter<double>("min_lat", box.MinY),
            new NpgsqlParameter<double>("max_lon", box.MaxX), new NpgsqlParameter<double>("max_lat", box.MaxY),
            Nullable("categories", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Categories?.ToArray()),
            Nullable("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Statuses?.Select(s => s.ToString()).ToArray()),
            Nullable("from", NpgsqlDbType.TimestampTz, filter.From),
            Nullable("to", NpgsqlDbType.TimestampTz, filter.To),
            new NpgsqlParameter<double>("cell", cell), new NpgsqlParameter<double>("half_world", MercatorHalfWorld)).ToListAsync(ct);

        return TypedResults.Ok(new ClusterCollection(rows.Select(r => new ClusterFeature(new ComplaintsApi.PointGeometry([r.Lon, r.Lat]),
            new ClusterProperties(r.Count, r.Ticket, r.Category,
                r.Status is { } stored ? ComplaintStatuses.ToApi(Enum.Parse<ComplaintStatus>(stored)) : null))).ToList()));
    }

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private static double MercatorX(double lon) => lon * MercatorHalfWorld / 180;

    private static double MercatorY(double lat)
    {
        var clamped = Math.Clamp(lat, -MercatorMaxLat, MercatorMaxLat) * Math.PI / 180;
        return Math.Log(Math.Tan(Math.PI / 4 + clamped / 2)) * MercatorHalfWorld / Math.PI;
    }
}
