using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Ujar.Api.Routing;

/// <summary>
/// Lon/lat (EPSG:4326) to WGS 84 / UTM zone 48N (EPSG:32648), where Tanjungpinang's metres are measured; and, for
/// areas far from 105°E (a national layer reaches 141°E, where zone 48 stretches metres by a quarter), to the UTM zone
/// of their own longitude. ProjNet transforms keep scratch state, so each thread gets its own.
/// </summary>
public static class MetricProjection
{
    public const int Srid = 32648;

    private static readonly ThreadLocal<MathTransform> Transform = new(() =>
        new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, ProjectedCoordinateSystem.WGS84_UTM(48, true))
            .MathTransform);

    private static readonly ThreadLocal<MathTransform> Inverse = new(() =>
        new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(ProjectedCoordinateSystem.WGS84_UTM(48, true), GeographicCoordinateSystem.WGS84)
            .MathTransform);

    private static readonly ConcurrentDictionary<int, ThreadLocal<MathTransform>> ZoneTransforms = new();

    /// <summary>The UTM zone (1–60) of <paramref name="lon"/>: within it, a metre is a metre to 0.1 %.</summary>
    public static int UtmZone(double lon) => Math.Clamp((int)Math.Floor((lon + 180) / 6) + 1, 1, 60);

    /// <summary><paramref name="lon"/>, <paramref name="lat"/> in UTM zone <paramref name="zone"/> (north; the formulas hold south of the equator too).</summary>
    public static (double X, double Y) ProjectInZone(double lon, double lat, int zone)
    {
        var (x, y) = InZone(zone).Transform(lon, lat);
        return (x, y);
    }

    /// <summary>A copy of <paramref name="geometry"/> with every vertex projected to UTM zone <paramref name="zone"/>.</summary>
    public static Geometry ProjectInZone(Geometry geometry, int zone) => Reproject(geometry, InZone(zone), 32600 + zone);

    private static MathTransform InZone(int zone) =>
        ZoneTransforms.GetOrAdd(zone, z => new ThreadLocal<MathTransform>(() =>
            new CoordinateTransformationFactory()
                .CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, ProjectedCoordinateSystem.WGS84_UTM(z, true))
                .MathTransform)).Value!;

    public static (double X, double Y) Project(double lon, double lat)
    {
        var (x, y) = Transform.Value!.Transform(lon, lat);
        return (x, y);
    }

    /// <summary>A copy of <paramref name="geometry"/> with every vertex projected to UTM 48N.</summary>
    public static Geometry Project(Geometry geometry) => Reproject(geometry, Transform.Value!, Srid);

    /// <summary>A copy of a UTM 48N <paramref name="geometry"/> back in lon/lat (EPSG:4326).</summary>
    public static Geometry Unproject(Geometry geometry) => Reproject(geometry, Inverse.Value!, 4326);

    private static Geometry Reproject(Geometry geometry, MathTransform transform, int srid)
    {
        var copy = geometry.Copy();
        copy.Apply(new TransformFilter(transform));
        copy.GeometryChanged();
        copy.SRID = srid;
        return copy;
    }

    private sealed class TransformFilter(MathTransform transform) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = transform.Transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
