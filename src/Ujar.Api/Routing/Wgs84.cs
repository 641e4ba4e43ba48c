using NetTopologySuite.Geometries;

namespace Ujar.Api.Routing;

/// <summary>The one geometry factory for stored coordinates: WGS 84 longitude/latitude (EPSG:4326), as every
/// <c>geometry(…, 4326)</c> column holds them. Metres are measured in <see cref="MetricProjection"/>.</summary>
public static class Wgs84
{
    public const int Srid = 4326;

    /// <summary>Thread-safe: NTS factories hold no mutable state.</summary>
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), Srid);

    public static Point Point(double lon, double lat) => Factory.CreatePoint(new Coordinate(lon, lat));
}
