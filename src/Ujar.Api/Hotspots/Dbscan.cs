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

    public static Result Run(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double eps, int minPoints)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps));
        var n = x.Length;
        var grid = new Grid(x, y, eps);
        var epsSquared = eps * eps;
        var xs = x.ToArray();
        var ys = y.ToArray();

        // 1. Core points: count neighbours (stopping at minPoints), independently per point, so in parallel.
        var core = new bool[n];
        Parallel.For(0, n, i =>
        {
            var count = 0;
            grid.ForEachNear(xs[i], ys[i], j =>
            {
                var dx = xs[j] - xs[i];
                var dy = ys[j] - ys[i];
                if (dx * dx + dy * dy <= epsSquared) count++;
                return count < minPoints;
            });
            core[i] = count >= minPoints;
        });

        // 2. Clusters: union the core points that reach each other.
        var parent = new int[n];
        for (var i = 0; i < n; i++) parent[i] = i;
        for (var i = 0; i < n; i++)
        {
            if (!core[i]) continue;
            grid.ForEachNear(xs[i], ys[i], j =>
            {
                if (j > i && core[j])
                {
                    var dx = xs[j] - xs[i];
                    var dy = ys[j] - ys[i];
                    if (dx * dx + dy * dy <= epsSquared) Union(parent, i, j);
                }
                return true;
            });
        }

        // 3. Labels: clusters numbered by their lowest-index core point (a root's index is not that, so map roots).
        var labels = new int[n];
        Array.Fill(labels, -1);
        var labelOfRoot = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            if (!core[i]) continue;
            var root = Find(parent, i);
            if (!labelOfRoot.TryGetValue(root, out var label)) labelOfRoot[root] = label = labelOfRoot.Count;
            labels[i] = label;
        }

        // 4. Border points: the cluster of the first core point within eps.
        Parallel.For(0, n, i =>
        {
            if (core[i]) return;
            var nearest = int.MaxValue;
            grid.ForEachNear(xs[i], ys[i], j =>
            {
                if (core[j] && j < nearest)
                {
                    var dx = xs[j] - xs[i];
                    var dy = ys[j] - ys[i];
                    if (dx * dx + dy * dy <= epsSquared) nearest = j;
                }
                return true;
            });
            if (nearest != int.MaxValue) labels[i] = labels[nearest];
        });

        // Renumber so cluster numbers follow each cluster's lowest-index point, border points included.
        var renumber = new int[labelOfRoot.Count];
        Array.Fill(renumber, -1);
        var next = 0;
        for (var i = 0; i < n; i++)
            if (labels[i] >= 0 && renumber[labels[i]] < 0) renumber[labels[i]] = next++;
        for (var i = 0; i < n; i++)
            if (labels[i] >= 0) labels[i] = renumber[labels[i]];
        return new Result(labels, core, labelOfRoot.Count);
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

    /// <summary>Points bucketed by eps-sized square cells: sorted by cell, with each cell's run of point indexes.</summary>
    private sealed class Grid
    {
        private readonly double _size;
        private readonly double _originX, _originY;
        private readonly int[] _order;
        private readonly Dictionary<long, (int Start, int Length)> _cells = [];

        public Grid(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double size)
        {
            _size = size;
            _originX = x.Length > 0 ? double.PositiveInfinity : 0;
            _originY = _originX;
            for (var i = 0; i < x.Length; i++)
            {
                _originX = Math.Min(_originX, x[i]);
                _originY = Math.Min(_originY, y[i]);
            }
            var keys = new long[x.Length];
            _order = new int[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                keys[i] = Key(CellOf(x[i], _originX), CellOf(y[i], _originY));
                _order[i] = i;
            }
            Array.Sort(keys, _order);
            for (var start = 0; start < keys.Length;)
            {
                var end = start + 1;
                while (end < keys.Length && keys[end] == keys[start]) end++;
                _cells[keys[start]] = (start, end - start);
                start = end;
            }
        }

        /// <summary>Calls <paramref name="visit"/> with every point in the 3×3 cells around (x, y) until it returns false.</summary>
        public void ForEachNear(double x, double y, Func<int, bool> visit)
        {
            var cx = CellOf(x, _originX);
            var cy = CellOf(y, _originY);
            for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
            {
                if (!_cells.TryGetValue(Key(cx + dx, cy + dy), out var run)) continue;
                for (var k = run.Start; k < run.Start + run.Length; k++)
                    if (!visit(_order[k])) return;
            }
        }

        private int CellOf(double value, double origin) => (int)Math.Floor((value - origin) / _size);

        private static long Key(int cx, int cy) => ((long)cx << 32) | (uint)cy;
    }
}
