namespace Ujar.Api.Hotspots;

/// <summary>
/// DBSCAN (Ester et al. 1996) over points in metres, with the definitions PostGIS's <c>ST_ClusterDBSCAN</c> uses:
/// a point is <b>core</b> when at least <c>minPoints</c> points (itself included) lie within <c>eps</c> (distance ≤ eps);
/// core points within eps of each other are in the same cluster (transitively); a non-core point within eps of a core
/// point is a <b>border</b> point of that core point's cluster; every other point is noise (−1).
/// <para>
/// Core memberships, the number of clusters and the noise are fully determined by these definitions, so they equal
/// PostGIS's. A border point within eps of core points of two clusters could belong to either: PostGIS leaves the choice
/// to its processing order, here it joins the cluster of the first (lowest-index) such core point.
/// </para>
/// <para>
/// A grid of eps-sized cells finds the neighbours: a point's neighbours are all in its own cell and the eight around
/// it, so the work is O(n·k) for k points per neighbourhood instead of O(n²). Clusters are numbered 0, 1, … in the
/// order of their lowest-index point.
/// </para>
/// </summary>
public static class Dbscan
{
    public const double MinEps = 25, MaxEps = 500;
    public const int MinMinPoints = 3, MaxMinPoints = 50;

    public sealed record Result(int[] Labels, bool[] Core, int ClusterCount);

    public static Result Run(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double eps, int minPoints) => Prepare(x, y, eps).Run(minPoints);

    /// <summary>The points sorted into eps-sized cells, the O(n log n) first part of a run, after which the cost of the rest
    /// (<see cref="Plan.Comparisons"/>) is known.</summary>
    public static Plan Prepare(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double eps)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps));
        return new Plan(new Grid(x, y, eps), eps);
    }

    public sealed class Plan
    {
        private readonly Grid _grid;
        private readonly double _eps;

        internal Plan(Grid grid, double eps)
        {
            _grid = grid;
            _eps = eps;
            for (var c = 0; c < grid.CellCount; c++)
            {
                var (start, end) = grid.Run(c);
                Comparisons += (long)(end - start) * grid.Near(c).Sum(r => r.End - r.Start);
            }
        }

        /// <summary>The distance tests the run may make: for each point, the points of the 3×3 cells around it. Clustered
        /// points cost more than as many scattered ones, which a count of points alone would miss.</summary>
        public long Comparisons { get; }

        public Result Run(int minPoints)
        {
            var grid = _grid;
            var eps = _eps;
            var n = grid.X.Length;
            // Work in the grid's order (points of a cell side by side in memory); `order` maps back to the caller's index.
            var (sx, sy, order) = (grid.X, grid.Y, grid.Order);
            var epsSquared = eps * eps;

            // 1. Core points: count neighbours (stopping at minPoints), cell by cell, the cells in parallel.
            var core = new bool[n];
            Parallel.For(0, grid.CellCount, c =>
            {
                var near = grid.Near(c);
                var (start, end) = grid.Run(c);
                for (var k = start; k < end; k++)
                {
                    var count = 0;
                    foreach (var (from, to) in near)
                    {
                        for (var j = from; j < to && count < minPoints; j++)
                        {
                            var dx = sx[j] - sx[k];
                            var dy = sy[j] - sy[k];
                            if (dx * dx + dy * dy <= epsSquared) count++;
                        }
                    }
                    core[k] = count >= minPoints;
                }
            });

            // 2. Clusters: union the core points that reach each other.
            var parent = new int[n];
            for (var k = 0; k < n; k++) parent[k] = k;
            for (var c = 0; c < grid.CellCount; c++)
            {
                var near = grid.Near(c);
                var (start, end) = grid.Run(c);
                for (var k = start; k < end; k++)
                {
                    if (!core[k]) continue;
                    foreach (var (from, to) in near)
                    {
                        for (var j = Math.Max(from, k + 1); j < to; j++)
                        {
                            if (!core[j]) continue;
                            var dx = sx[j] - sx[k];
                            var dy = sy[j] - sy[k];
                            if (dx * dx + dy * dy <= epsSquared) Union(parent, k, j);
                        }
                    }
                }
            }

            // 3. Border points: the cluster of the core point within eps that comes first in the caller's order.
            var reachedFrom = new int[n];
            Parallel.For(0, grid.CellCount, c =>
            {
                var near = grid.Near(c);
                var (start, end) = grid.Run(c);
                for (var k = start; k < end; k++)
                {
                    reachedFrom[k] = -1;
                    if (core[k]) continue;
                    var first = int.MaxValue;
                    foreach (var (from, to) in near)
                    {
                        for (var j = from; j < to; j++)
                        {
                            if (!core[j] || order[j] >= first) continue;
                            var dx = sx[j] - sx[k];
                            var dy = sy[j] - sy[k];
                            if (dx * dx + dy * dy <= epsSquared) first = order[j];
                        }
                    }
                    if (first != int.MaxValue) reachedFrom[k] = first;
                }
            });

            // 4. Labels in the caller's order, clusters numbered by their lowest-index point (border points included).
            var position = new int[n];
            for (var k = 0; k < n; k++) position[order[k]] = k;
            var labels = new int[n];
            var coreOut = new bool[n];
            var labelOfRoot = new Dictionary<int, int>();
            for (var i = 0; i < n; i++)
            {
                var k = position[i];
                coreOut[i] = core[k];
                var anchor = core[k] ? k : reachedFrom[k] >= 0 ? position[reachedFrom[k]] : -1;
                if (anchor < 0)
                {
                    labels[i] = -1;
                    continue;
                }
                var root = Find(parent, anchor);
                if (!labelOfRoot.TryGetValue(root, out var label)) labelOfRoot[root] = label = labelOfRoot.Count;
                labels[i] = label;
            }
            return new Result(labels, coreOut, labelOfRoot.Count);
        }
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var ra = Find(parent, a);
        var rb = Find(parent, b);
        if (ra == rb) return;
        if (ra < rb) parent[rb] = ra;
        else parent[ra] = rb;
    }

    /// <summary>The points sorted by eps-sized square cell (<see cref="X"/>, <see cref="Y"/>, with <see cref="Order"/>
    /// giving each one's original index), each cell a run of that order.</summary>
    internal sealed class Grid
    {
        public readonly double[] X, Y;
        public readonly int[] Order;
        private readonly long[] _cellKeys;
        private readonly int[] _cellStart;
        private readonly Dictionary<long, int> _cellOfKey = [];

        public Grid(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double size)
        {
            var n = x.Length;
            var (originX, originY) = (0.0, 0.0);
            if (n > 0)
            {
                originX = double.PositiveInfinity;
                originY = double.PositiveInfinity;
                for (var i = 0; i < n; i++)
                {
                    originX = Math.Min(originX, x[i]);
                    originY = Math.Min(originY, y[i]);
                }
            }
            var keys = new long[n];
            Order = new int[n];
            for (var i = 0; i < n; i++)
            {
                keys[i] = Key((int)Math.Floor((x[i] - originX) / size), (int)Math.Floor((y[i] - originY) / size));
                Order[i] = i;
            }
            Array.Sort(keys, Order);
            X = new double[n];
            Y = new double[n];
            for (var k = 0; k < n; k++)
            {
                X[k] = x[Order[k]];
                Y[k] = y[Order[k]];
            }
            var cellKeys = new List<long>();
            var cellStart = new List<int>();
            for (var k = 0; k < n; k++)
            {
                if (k > 0 && keys[k] == keys[k - 1]) continue;
                _cellOfKey[keys[k]] = cellKeys.Count;
                cellKeys.Add(keys[k]);
                cellStart.Add(k);
            }
            cellStart.Add(n);
            _cellKeys = [.. cellKeys];
            _cellStart = [.. cellStart];
        }

        public int CellCount => _cellKeys.Length;

        public (int Start, int End) Run(int cell) => (_cellStart[cell], _cellStart[cell + 1]);

        /// <summary>The runs of the 3×3 cells around <paramref name="cell"/> (itself included) that hold points.</summary>
        public List<(int Start, int End)> Near(int cell)
        {
            var (cx, cy) = ((int)(_cellKeys[cell] >> 32), (int)_cellKeys[cell]);
            var runs = new List<(int, int)>(9);
            for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
                if (_cellOfKey.TryGetValue(Key(cx + dx, cy + dy), out var other)) runs.Add(Run(other));
            return runs;
        }

        private static long Key(int cx, int cy) => ((long)cx << 32) | (uint)cy;
    }
}
