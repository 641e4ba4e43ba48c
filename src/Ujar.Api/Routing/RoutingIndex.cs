using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;

namespace Ujar.Api.Routing;

public sealed record Area(string Code, string Name);

/// <summary>A kelurahan as the router sees it: its parent kecamatan and its polygons in lon/lat and in metres.</summary>
public sealed record RoutableKelurahan(Area Kelurahan, Area Kecamatan, MultiPolygon Geometry);

/// <summary>Where a point goes: its kelurahan and kecamatan, and whether it had to be snapped there.</summary>
public sealed record AreaRoute(Area Kelurahan, Area Kecamatan, bool Snapped, double DistanceMeters, int GenerationId);

/// <summary>
/// An immutable point-in-kelurahan index over one boundary generation. The routing rules:
/// <list type="number">
/// <item>A point covered by kelurahan polygons (inside or on the boundary) goes to the covering kelurahan with the
/// lowest Kemendagri code (ordinal). This settles shared edges and overlaps the same way PostGIS would with
/// <c>ST_Covers … ORDER BY code LIMIT 1</c>.</item>
/// <item>A point covered by none (a sliver gap, a lake, the sea next to a jetty) within <see cref="SnapMeters"/>
/// of a kelurahan snaps to the nearest one, distance measured in the UTM zone of that kelurahan (zone 48 for
/// Tanjungpinang; one fixed zone would stretch metres by a quarter in Papua); equal distances go to the lowest code.</item>
/// <item>Anything else is outside the service area.</item>
/// </list>
/// Thread-safe after construction: every lazily built NTS index is warmed up in the constructor.
/// </summary>
public sealed class RoutingIndex
{
    public const double SnapMeters = 200;

    // 200 m is 0.0018° at the equator; 0.0025° leaves room for UTM scale and latitude, and keeps the far sea cheap:
    // a point with no kelurahan envelope this close cannot snap, so it is refused before any projection. The kelurahan
    // whose envelopes are this close are the candidates to snap to.
    private const double SnapSearchDegrees = 0.0025;

    private readonly STRtree<Entry> _byLonLat = new();

    public int GenerationId { get; }
    public IReadOnlyList<RoutableKelurahan> Kelurahan { get; }

    public RoutingIndex(int generationId, IEnumerable<RoutableKelurahan> kelurahan)
    {
        GenerationId = generationId;
        Kelurahan = kelurahan.OrderBy(k => k.Kelurahan.Code, StringComparer.Ordinal).ToList();
        foreach (var k in Kelurahan)
        {
            var zone = MetricProjection.UtmZone(k.Geometry.EnvelopeInternal.Centre.X);
            var metric = MetricProjection.ProjectInZone(k.Geometry, zone);
            var entry = new Entry(k, new IndexedPointInAreaLocator(k.Geometry), new IndexedFacetDistance(metric), zone);
            _byLonLat.Insert(k.Geometry.EnvelopeInternal, entry);
            // Build the locator's and the distance index's lazy trees now, while one thread owns them.
            entry.Locator.Locate(k.Geometry.InteriorPoint.Coordinate);
            entry.Distance.Distance(metric.InteriorPoint);
        }
        _byLonLat.Build();
    }

    /// <returns>The route, or null when the point is outside the service area.</returns>
    public AreaRoute? Route(double lon, double lat)
    {
        var point = new Coordinate(lon, lat);
        Entry? covering = null;
        foreach (var entry in _byLonLat.Query(new Envelope(point)))
        {
            if (entry.Locator.Locate(point) == Location.Exterior) continue;
            if (covering is null || string.CompareOrdinal(entry.Area.Kelurahan.Code, covering.Area.Kelurahan.Code) < 0)
                covering = entry;
        }
        if (covering is not null)
            return new AreaRoute(covering.Area.Kelurahan, covering.Area.Kecamatan, false, 0, GenerationId);
        var candidates = _byLonLat.Query(new Envelope(lon - SnapSearchDegrees, lon + SnapSearchDegrees, lat - SnapSearchDegrees, lat + SnapSearchDegrees));
        if (candidates.Count == 0) return null;

        Entry? nearest = null;
        var nearestDistance = double.PositiveInfinity;
        Point? metricPoint = null;
        var projectedZone = 0;
        foreach (var entry in candidates)
        {
            // Neighbours nearly always share a zone: the point is projected again only where a zone boundary runs.
            if (entry.Zone != projectedZone)
            {
                var (x, y) = MetricProjection.ProjectInZone(lon, lat, entry.Zone);
                metricPoint = new Point(x, y);
                projectedZone = entry.Zone;
            }
            var distance = entry.Distance.Distance(metricPoint!);
            if (distance > SnapMeters) continue;
            if (distance < nearestDistance ||
                (distance == nearestDistance && string.CompareOrdinal(entry.Area.Kelurahan.Code, nearest!.Area.Kelurahan.Code) < 0))
            {
                nearest = entry;
                nearestDistance = distance;
            }
        }
        return nearest is null
            ? null
            : new AreaRoute(nearest.Area.Kelurahan, nearest.Area.Kecamatan, true, nearestDistance, GenerationId);
    }

    private sealed record Entry(RoutableKelurahan Area, IndexedPointInAreaLocator Locator, IndexedFacetDistance Distance, int Zone);
}
