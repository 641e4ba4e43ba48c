using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Ujar.Api.Routing;

namespace Ujar.Api.Tests.Routing;

/// <summary>The 200 m snap is measured in metres wherever the kelurahan lies, not only near UTM 48N's 105°E.</summary>
public sealed class RoutingIndexZoneTests
{
    // Along a meridian near the equator a degree of latitude is 110,574 m (WGS 84), whatever the longitude.
    private const double MetresPerDegreeOfLatitude = 110_574;

    [Theory]
    [InlineData(104.45)] // Tanjungpinang, UTM zone 48
    [InlineData(140.50)] // Papua, UTM zone 54: 35.5° from zone 48's meridian, where zone 48 stretches metres by 24 %
    public void A_point_190_m_off_the_coast_snaps_and_one_210_m_off_is_refused_at_any_longitude(double lon)
    {
        var index = new RoutingIndex(1, [Square("91.01.01.1001", lon, -3.0)]);

        var near = index.Route(lon, -3.05 - 190 / MetresPerDegreeOfLatitude);
        var far = index.Route(lon, -3.05 - 210 / MetresPerDegreeOfLatitude);

        Assert.NotNull(near);
        Assert.True(near.Snapped);
        Assert.InRange(near.DistanceMeters, 189, 191);
        Assert.Null(far);
    }

    [Fact]
    public void Each_kelurahan_is_measured_in_the_zone_of_its_own_longitude()
    {
        Assert.Equal(48, MetricProjection.UtmZone(104.45));
        Assert.Equal(47, MetricProjection.UtmZone(100.05));
        Assert.Equal(54, MetricProjection.UtmZone(140.5));
        Assert.Equal(46, MetricProjection.UtmZone(95.3));
    }

    /// <summary>A kelurahan 0.1° square centred on <paramref name="lon"/>, <paramref name="lat"/>.</summary>
    private static RoutableKelurahan Square(string code, double lon, double lat)
    {
        var wkt = FormattableString.Invariant(
            $"MULTIPOLYGON ((({lon - 0.05} {lat - 0.05}, {lon + 0.05} {lat - 0.05}, {lon + 0.05} {lat + 0.05}, {lon - 0.05} {lat + 0.05}, {lon - 0.05} {lat - 0.05})))");
        var geometry = (MultiPolygon)new WKTReader(Wgs84.Factory.GeometryServices).Read(wkt);
        return new RoutableKelurahan(new Area(code, "Kelurahan Uji"), new Area(code[..8], "Kecamatan Uji"), geometry);
    }
}
