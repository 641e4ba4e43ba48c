using Ujar.Api.Hotspots;

namespace Ujar.Api.Tests.Hotspots;

public class GetisOrdTests
{
    /// <summary>Binary distance-band neighbours (self excluded) as the compressed rows GetisOrd takes.</summary>
    private static (int[] Start, int[] Neighbours) Band((double X, double Y)[] points, double band)
    {
        var start = new List<int>();
        var neighbours = new List<int>();
        for (var i = 0; i < points.Length; i++)
        {
            start.Add(neighbours.Count);
            for (var j = 0; j < points.Length; j++)
                if (i != j && Math.Sqrt(Math.Pow(points[i].X - points[j].X, 2) + Math.Pow(points[i].Y - points[j].Y, 2)) <= band)
                    neighbours.Add(j);
        }
        start.Add(neighbours.Count);
        return (start.ToArray(), neighbours.ToArray());
    }

    [Fact]
    public void Reproduces_the_PySAL_esda_G_Local_star_example()
    {
        (double, double)[] points = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)];
        var (start, neighbours) = Band(points, 15);

        var gi = GetisOrd.Compute([2, 3, 3.2, 5, 8, 7], start, neighbours, fdr: false);

        double[] expected = [-1.3973, -0.2892, 0.6506, -0.2892, 1.2345, 2.0242];
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], gi[i].Z, 4);
        // z = 2.0242 → p = erfc(2.0242 / √2) = 0.042945: the last point is a hot spot at 95 %, the rest are not significant.
        Assert.Equal(0.042945, gi[5].P, 6);
        Assert.Equal([0, 0, 0, 0, 0, 2], gi.Select(g => g.Bin));
    }

    /// <summary>
    /// Four cells in a row, 1 apart, band 1 (each cell sees itself and the next ones); values 1, 2, 4, 9.
    /// n = 4, X̄ = 16 / 4 = 4, Σx² = 1 + 4 + 16 + 81 = 102, S = √(102 / 4 − 4²) = √9.5 = 3.082207.
    /// cell 0: Σw = 2, Σwx = 1 + 2 = 3,  z = (3 − 4·2) / (√9.5 · √((4·2 − 2²) / 3)) = −5 / √(38/3) = −1.404879
    /// cell 1: Σw = 3, Σwx = 1 + 2 + 4 = 7,  z = (7 − 12) / (√9.5 · √((12 − 9) / 3)) = −5 / √9.5 = −1.622214
    /// cell 2: Σw = 3, Σwx = 2 + 4 + 9 = 15, z = 3 / √9.5 = 0.973329
    /// cell 3: Σw = 2, Σwx = 4 + 9 = 13, z = 5 / √(38/3) = 1.404879
    /// p = erfc(|z| / √2): 0.160057, 0.104757, 0.330390, 0.160057 — none reaches 90 %.
    /// </summary>
    [Fact]
    public void Matches_a_hand_computed_row_of_four_cells()
    {
        var (start, neighbours) = Band([(0, 0), (1, 0), (2, 0), (3, 0)], 1);

        var gi = GetisOrd.Compute([1, 2, 4, 9], start, neighbours, fdr: false);

        Assert.Equal([-1.404879, -1.622214, 0.973329, 1.404879], gi.Select(g => Math.Round(g.Z, 6)));
        Assert.Equal([0.160057, 0.104757, 0.330390, 0.160057], gi.Select(g => Math.Round(g.P, 6)));
        Assert.All(gi, g => Assert.Equal(0, g.Bin));
    }

    [Fact]
    public void Equal_counts_everywhere_are_not_significant()
    {
        var (start, neighbours) = Band([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)], 1);

        var gi = GetisOrd.Compute([3, 3, 3, 3, 3], start, neighbours, fdr: false);

        Assert.All(gi, g => Assert.Equal(new GiStar(0, 1, 0), g));
    }

    /// <summary>
    /// 40 cells in a row, band 1. One cell of 10 complaints among zeros: the three cells that see it get z = 3.512
    /// (p = 0.00044); BH at α = 0.01 over 40 cells needs p_(k) ≤ 0.01 · k / 40, and the three smallest p pass at k = 3
    /// (0.00075), so FDR keeps their 99 % bins. A milder bump (counts 5, 6, 4 repeated, 4 more in cell 20) gives the
    /// same three cells z = 2.393, p = 0.0167: 95 % without correction, but BH's largest passing rank would need
    /// p ≤ 0.10 · 3 / 40 = 0.0075, so nothing survives FDR.
    /// </summary>
    [Fact]
    public void FDR_keeps_a_strong_cluster_and_drops_a_weak_one()
    {
        var (start, neighbours) = Band(Enumerable.Range(0, 40).Select(i => ((double)i, 0.0)).ToArray(), 1);
        var strong = new double[40];
        strong[20] = 10;
        var weak = Enumerable.Range(0, 40).Select(i => (double)new[] { 5, 6, 4 }[i % 3]).ToArray();
        weak[20] += 4;

        var strongPlain = GetisOrd.Compute(strong, start, neighbours, fdr: false);
        var strongCorrected = GetisOrd.Compute(strong, start, neighbours, fdr: true);
        var weakPlain = GetisOrd.Compute(weak, start, neighbours, fdr: false);
        var weakCorrected = GetisOrd.Compute(weak, start, neighbours, fdr: true);

        Assert.Equal([19, 20, 21], Enumerable.Range(0, 40).Where(i => strongPlain[i].Bin == 3));
        Assert.Equal([19, 20, 21], Enumerable.Range(0, 40).Where(i => strongCorrected[i].Bin == 3));
        Assert.Equal(3.5119, strongCorrected[20].Z, 4);
        Assert.Equal([19, 20, 21], Enumerable.Range(0, 40).Where(i => weakPlain[i].Bin == 2));
        Assert.Equal(0.0167, weakPlain[20].P, 4);
        Assert.All(weakCorrected, g => Assert.Equal(0, g.Bin));
    }

    [Theory]
    [InlineData(3, "Hot spot 99 %")]
    [InlineData(1, "Hot spot 90 %")]
    [InlineData(0, "Not significant")]
    [InlineData(-2, "Cold spot 95 %")]
    public void Bins_are_named_as_planners_read_them(int bin, string label) => Assert.Equal(label, GetisOrd.BinLabel(bin));

    [Theory]
    [InlineData(true, 0, true, 0, "persistent")]
    [InlineData(true, 4.0, false, 1.0, "new")]
    [InlineData(true, 4.5, true, 3.0, "intensifying")]
    [InlineData(true, 2.0, true, 3.5, "diminishing")]
    [InlineData(false, 0.5, true, 2.5, "diminishing")]
    [InlineData(true, 3.2, true, 3.0, "persistent")]
    [InlineData(false, 0.2, false, -0.3, "no pattern")]
    public void Trend_labels_follow_the_stated_rule(bool hotNow, double zNow, bool hotBefore, double zBefore, string label) =>
        Assert.Equal(label, HotspotTrend.Label(new GiStar(zNow, 0.5, hotNow ? 1 : 0), new GiStar(zBefore, 0.5, hotBefore ? 1 : 0)));
}
