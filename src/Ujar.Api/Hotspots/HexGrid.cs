using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Union;
using Ujar.Api.Routing;

namespace Ujar.Api.Hotspots;

/// <summary>One hexagon of the city's grid: its axial address, its centre in UTM 48N metres, the part of it on land
/// (metres and lon/lat) and that part's centroid in lon/lat.</summary>
public sealed record HexCell(int Q, int R, double X, double Y, Geometry Clipped, Geometry ClippedLonLat, double CentroidLon, double CentroidLat);

/// <summary>The neighbours of every cell within a distance band (self excluded), as compressed rows:
/// the neighbours of cell i are <c>Neighbours[Start[i]..Start[i + 1]]</c>.</summary>
public sealed record Neighbourhood(double Band, int[] Start, int[] Neighbours);

/// <summary>
/// A pointy-top hexagon grid laid out in WGS 84 / UTM 48N metres (EPSG:32648) with its origin fixed at the
/// projection's origin (x = 0, y = 0), so a cell's address never depends on the data or the city's outline.
/// <para><c>cell</c> is the distance between the centres of two adjacent hexagons, which for a pointy-top hexagon is
/// also its width from flat edge to flat edge; the circumradius (centre to corner) is <c>cell / √3</c> and the area
/// <c>(√3 / 2) · cell²</c> (250 m → 54,127 m²).</para>
/// <para>The city's cells are the hexagons whose area overlaps the union of the active generation's kelurahan (land;
/// a hexagon wholly at sea is not a cell), each clipped to that union for display. A point belongs to the hexagon
/// that contains it (axial coordinates with cube rounding, O(1)); when that hexagon is not a city cell the point is
/// outside every cell.</para>
/// Immutable and thread-safe once built; neighbourhoods are computed once per band and kept.
/// </summary>
public sealed class HexGrid
{
    public const int MinCell = 100;
    public const int MaxCell = 1000;
    public const int DefaultCell = 250;

    private static readonly double Sqrt3 = Math.Sqrt(3);
    private static readonly GeometryFactory Metric = new(new PrecisionModel(), MetricProjection.Srid);

    private readonly double _radius;
    private readonly int _qMin, _rMin, _qSpan, _rSpan;
    private readonly int[] _lookup; // (q - qMin) * rSpan + (r - rMin) → cell index, or -1
    // A few bands per grid are what planners try; the cache is dropped when they try many.
    private readonly ConcurrentDictionary<double, Neighbourhood> _neighbourhoods = new();

    public int GenerationId { get; }
    public double Cell { get; }
    public IReadOnlyList<HexCell> Cells { get; }

    /// <summary>The kelurahan union in metres, the area the cells tile.</summary>
    public Geometry City { get; }

    /// <summary>The smallest band (whole metres) at which every cell has at least one neighbour: Gi*'s default.</summary>
    public double DefaultBand { get; }

    private HexGrid(int generationId, double cell, Geometry city)
    {
        GenerationId = generationId;
        Cell = cell;
        City = city;
        _radius = cell / Sqrt3;

        var envelope = city.EnvelopeInternal;
        var corners = new[] { (envelope.MinX, envelope.MinY), (envelope.MaxX, envelope.MinY), (envelope.MinX, envelope.MaxY), (envelope.MaxX, envelope.MaxY) }
            .Select(c => Axial(c.Item1, c.Item2)).ToArray();
        _qMin = corners.Min(c => c.Q) - 1;
        _rMin = corners.Min(c => c.R) - 1;
        _qSpan = corners.Max(c => c.Q) + 2 - _qMin;
        _rSpan = corners.Max(c => c.R) + 2 - _rMin;
        _lookup = new int[_qSpan * _rSpan];
        Array.Fill(_lookup, -1);

        var prepared = PreparedGeometryFactory.Prepare(city);
        var cells = new List<HexCell>();
        for (var q = _qMin; q < _qMin + _qSpan; q++)
        for (var r = _rMin; r < _rMin + _rSpan; r++)
        {
            var (x, y) = Centre(q, r);
            var hexagon = Hexagon(x, y);
            if (!prepared.Intersects(hexagon)) continue;
            // Most cells are wholly inland: only the coastal and border ones need an overlay.
            var clipped = prepared.Covers(hexagon) ? hexagon : Polygonal(OverlayNGRobust.Overlay(hexagon, city, SpatialFunction.Intersection));
            if (clipped is null || clipped.Area <= 0) continue;
            var lonLat = MetricProjection.Unproject(clipped);
            var centroid = lonLat.Centroid;
            _lookup[(q - _qMin) * _rSpan + (r - _rMin)] = cells.Count;
            cells.Add(new HexCell(q, r, x, y, clipped, Wgs84.Factory.CreateGeometry(lonLat), centroid.X, centroid.Y));
        }
        Cells = cells;
        DefaultBand = NearestNeighbourBand();
    }

    /// <summary>The grid of <paramref name="cell"/> metres over the union of <paramref name="kelurahan"/> (lon/lat).</summary>
    public static HexGrid Build(int generationId, double cell, IEnumerable<Geometry> kelurahan)
    {
        var city = UnaryUnionOp.Union(kelurahan.Select(MetricProjection.Project).ToList());
        return new HexGrid(generationId, cell, city);
    }

    /// <summary>The axial address of the hexagon containing (x, y): fractional axial coordinates, then cube rounding
    /// (round all three cube coordinates and fix the one that moved most, so q + r + s = 0 holds).</summary>
    public (int Q, int R) Axial(double x, double y)
    {
        var qf = (Sqrt3 / 3 * x - y / 3) / _radius;
        var rf = 2.0 / 3 * y / _radius;
        var sf = -qf - rf;
        var q = Math.Round(qf);
        var r = Math.Round(rf);
        var s = Math.Round(sf);
        var dq = Math.Abs(q - qf);
        var dr = Math.Abs(r - rf);
        var ds = Math.Abs(s - sf);
        if (dq > dr && dq > ds) q = -r - s;
        else if (dr > ds) r = -q - s;
        return ((int)q, (int)r);
    }

    public (double X, double Y) Centre(int q, int r) => (_radius * Sqrt3 * (q + r / 2.0), _radius * 1.5 * r);

    /// <summary>The index of the city cell containing (x, y) in metres, or -1.</summary>
    public int CellOf(double x, double y)
    {
        var (q, r) = Axial(x, y);
        return IndexOf(q, r);
    }

    /// <summary>Complaints per cell; points in no city cell (at sea beyond the clipped coast, or outside the city) are
    /// counted in <c>Outside</c>, so <c>counts.Sum() + Outside</c> is always the number of points given.</summary>
    public (int[] Counts, int Outside) Count(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var counts = new int[Cells.Count];
        var outside = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var cell = CellOf(x[i], y[i]);
            if (cell >= 0) counts[cell]++;
            else outside++;
        }
        return (counts, outside);
    }

    /// <summary>The cells whose centres are within <paramref name="band"/> metres of each cell's centre (self excluded);
    /// 4 bytes a pair, so a caller checks <see cref="PairsWithin"/> against its cap first.</summary>
    public Neighbourhood Neighbours(double band)
    {
        if (_neighbourhoods.TryGetValue(band, out var known)) return known;
        var offsets = OffsetsWithin(band);

        var start = new int[Cells.Count + 1];
        var neighbours = new List<int>(Cells.Count * offsets.Count / 2);
        for (var i = 0; i < Cells.Count; i++)
        {
            start[i] = neighbours.Count;
            foreach (var (dq, dr) in offsets)
                if (IndexOf(Cells[i].Q + dq, Cells[i].R + dr) is var j and >= 0) neighbours.Add(j);
        }
        start[Cells.Count] = neighbours.Count;
        var neighbourhood = new Neighbourhood(band, start, neighbours.ToArray());
        if (_neighbourhoods.Count >= 8) _neighbourhoods.Clear();
        _neighbourhoods[band] = neighbourhood;
        return neighbourhood;
    }

    /// <summary>The neighbour pairs a band makes, the cost of its Gi* (counted before any is computed).</summary>
    public long PairsWithin(double band) => (long)OffsetsWithin(band).Count * Cells.Count;

    /// <summary>The widest band (whole metres, at most <see cref="HotspotsApi.MaxBand"/>) within <paramref name="maxPairs"/>:
    /// what to suggest when a band is refused. 0 when even one neighbour per cell is too many.</summary>
    public int WidestBand(long maxPairs)
    {
        int low = 0, high = HotspotsApi.MaxBand;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (PairsWithin(middle) <= maxPairs) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private int IndexOf(int q, int r)
    {
        int qi = q - _qMin, ri = r - _rMin;
        return qi < 0 || ri < 0 || qi >= _qSpan || ri >= _rSpan ? -1 : _lookup[qi * _rSpan + ri];
    }

    /// <summary>The axial offsets (self excluded) whose centres lie within <paramref name="band"/>; the lattice makes
    /// them the same for every cell. Half a millimetre of slack keeps a band of exactly k cells inclusive.</summary>
    private List<(int Dq, int Dr)> OffsetsWithin(double band)
    {
        // Centres k steps away are at least k · cell · √3 / 2 apart.
        var steps = (int)Math.Ceiling(band / (Cell * Sqrt3 / 2)) + 1;
        var offsets = new List<(int, int)>();
        for (var dq = -steps; dq <= steps; dq++)
        for (var dr = -steps; dr <= steps; dr++)
            if ((dq, dr) != (0, 0) && OffsetDistance(dq, dr) <= band + 5e-4) offsets.Add((dq, dr));
        return offsets;
    }

    private double OffsetDistance(int dq, int dr)
    {
        var dx = _radius * Sqrt3 * (dq + dr / 2.0);
        var dy = _radius * 1.5 * dr;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>The largest nearest-neighbour distance over all cells, rounded up to a whole metre (an island's cell
    /// may be kilometres from the next). Searched ring by ring: ring k is at least k · cell · √3 / 2 away, so the search
    /// stops once the best distance found cannot be beaten by the next ring.</summary>
    private double NearestNeighbourBand()
    {
        var largest = Cell;
        var maxSteps = _qSpan + _rSpan;
        foreach (var cell in Cells)
        {
            var best = double.PositiveInfinity;
            for (var k = 1; k <= maxSteps && best > k * Cell * Sqrt3 / 2; k++)
                for (var dq = -k; dq <= k; dq++)
                for (var dr = Math.Max(-k, -dq - k); dr <= Math.Min(k, -dq + k); dr++)
                {
                    if (Math.Max(Math.Abs(dq), Math.Max(Math.Abs(dr), Math.Abs(dq + dr))) != k) continue;
                    if (IndexOf(cell.Q + dq, cell.R + dr) >= 0) best = Math.Min(best, OffsetDistance(dq, dr));
                }
            if (double.IsFinite(best)) largest = Math.Max(largest, best);
        }
        return Math.Ceiling(largest - 5e-4);
    }

    private Polygon Hexagon(double x, double y)
    {
        var ring = new Coordinate[7];
        for (var corner = 0; corner < 6; corner++)
        {
            // Pointy-top: the first corner is straight up (90°), then every 60°.
            var angle = Math.PI / 180 * (90 + 60 * corner);
            ring[corner] = new Coordinate(x + _radius * Math.Cos(angle), y + _radius * Math.Sin(angle));
        }
        ring[6] = ring[0].Copy();
        return Metric.CreatePolygon(ring);
    }

    private static Geometry? Polygonal(Geometry overlay)
    {
        var polygons = Enumerable.Range(0, overlay.NumGeometries).Select(overlay.GetGeometryN).OfType<Polygon>().Where(p => p.Area > 0).ToArray();
        return polygons.Length switch
        {
            0 => null,
            1 => polygons[0],
            _ => Metric.CreateMultiPolygon(polygons),
        };
    }
}
