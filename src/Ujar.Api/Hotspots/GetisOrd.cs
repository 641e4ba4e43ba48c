namespace Ujar.Api.Hotspots;

/// <summary>One cell's Gi*: z-score, two-sided p-value and confidence bin (+3/+2/+1 hot spot at 99/95/90 %,
/// −3/−2/−1 cold spot, 0 not significant).</summary>
public readonly record struct GiStar(double Z, double P, int Bin);

/// <summary>
/// Getis-Ord Gi* (Getis &amp; Ord 1992; Ord &amp; Getis 1995), the "Hot Spot Analysis" of the planners' desktop GIS,
/// with binary weights over a fixed distance band and the cell itself included (w_ii = 1):
/// <code>
///   z_i = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S · √[(n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)])
///   X̄ = Σ_j x_j / n        S = √(Σ_j x_j² / n − X̄²)
/// </code>
/// over all n cells (zeros included). With binary weights Σ_j w_ij² = Σ_j w_ij = 1 + the number of neighbours.
/// p = 2 (1 − Φ(|z|)), Φ the standard normal distribution. Bins: ±3 when p ≤ 0.01, ±2 when p ≤ 0.05, ±1 when
/// p ≤ 0.10, signed as z. With the false-discovery-rate correction (Benjamini–Hochberg, as ArcGIS's "FDR correction")
/// each level α ∈ {0.10, 0.05, 0.01} gets its own threshold: sort the n p-values ascending, take the largest rank k
/// with p_(k) ≤ α · k / n, and a cell passes the level only if its p ≤ p_(k) (no cell passes when no such k exists).
/// When every cell holds the same count (S = 0) or every cell neighbours every other, z is undefined: z = 0, p = 1.
/// </summary>
public static class GetisOrd
{
    private static readonly double[] Levels = [0.10, 0.05, 0.01];

    /// <param name="x">The value of each cell (a complaint count).</param>
    /// <param name="start">Compressed neighbour rows: the neighbours of i are <paramref name="neighbours"/>[start[i]..start[i + 1]], self excluded.</param>
    public static GiStar[] Compute(double[] x, int[] start, int[] neighbours, bool fdr)
    {
        var n = x.Length;
        double sum = 0, sumSquares = 0;
        foreach (var value in x)
        {
            sum += value;
            sumSquares += value * value;
        }
        var mean = n > 0 ? sum / n : 0;
        var s = n > 0 ? Math.Sqrt(Math.Max(0, sumSquares / n - mean * mean)) : 0;

        var z = new double[n];
        var p = new double[n];
        for (var i = 0; i < n; i++)
        {
            double lag = x[i], weights = 1; // the cell itself: w_ii = 1
            for (var k = start[i]; k < start[i + 1]; k++) lag += x[neighbours[k]];
            weights += start[i + 1] - start[i];
            var variance = (n * weights - weights * weights) / (n - 1);
            var denominator = s * Math.Sqrt(Math.Max(0, variance));
            // A relative floor, so rounding in S for equal counts does not pass for a signal.
            if (n < 2 || denominator <= 1e-12 * Math.Max(1, Math.Abs(mean)))
            {
                p[i] = 1;
                continue;
            }
            z[i] = (lag - mean * weights) / denominator;
            p[i] = TwoSidedP(z[i]);
        }

        var thresholds = fdr ? Levels.Select(alpha => BenjaminiHochberg(p, alpha)).ToArray() : Levels;
        var result = new GiStar[n];
        for (var i = 0; i < n; i++)
        {
            var level = 0;
            for (var l = 0; l < Levels.Length; l++)
                if (p[i] <= thresholds[l]) level = l + 1;
            result[i] = new GiStar(z[i], p[i], Math.Sign(z[i]) * level);
        }
        return result;
    }

    /// <summary>"Hot spot 99 %", "Cold spot 90 %", "Not significant".</summary>
    public static string BinLabel(int bin) => bin switch
    {
        0 => "Not significant",
        > 0 => $"Hot spot {Confidence(bin)} %",
        < 0 => $"Cold spot {Confidence(-bin)} %",
    };

    /// <summary>The same in Bahasa Indonesia: "Titik rawan 99 %", "Titik sepi 90 %", "Tidak signifikan".</summary>
    public static string BinLabelId(int bin) => bin switch
    {
        0 => "Tidak signifikan",
        > 0 => $"Titik rawan {Confidence(bin)} %",
        < 0 => $"Titik sepi {Confidence(-bin)} %",
    };

    private static int Confidence(int level) => level switch { 3 => 99, 2 => 95, _ => 90 };

    /// <summary>The largest p_(k) with p_(k) ≤ α · k / n, or −1 (nothing passes).</summary>
    private static double BenjaminiHochberg(double[] p, double alpha)
    {
        var sorted = (double[])p.Clone();
        Array.Sort(sorted);
        for (var k = sorted.Length; k >= 1; k--)
            if (sorted[k - 1] <= alpha * k / sorted.Length) return sorted[k - 1];
        return -1;
    }

    /// <summary>2 (1 − Φ(|z|)) = erfc(|z| / √2).</summary>
    public static double TwoSidedP(double z) => Math.Min(1, Erfc(Math.Abs(z) / Math.Sqrt(2)));

    /// <summary>The complementary error function for x ≥ 0: W. J. Cody's rational approximations (relative error below
    /// 1e-15 in double precision), so p-values far in the tail stay meaningful for the FDR ranking.</summary>
    private static double Erfc(double x)
    {
        if (x < 0.5) return 1 - Erf(x);
        if (x > 27) return 0;
        double num, den;
        if (x <= 4)
        {
            double[] a = [1.23033935479799725e3, 2.05107837782607147e3, 1.71204761263407058e3, 8.81952221241769090e2,
                2.98635138197400131e2, 6.61191906371416295e1, 8.88314979438837594, 5.64188496988670089e-1, 2.15311535474403846e-8];
            double[] b = [1.23033935480374942e3, 3.43936767414372164e3, 4.36261909014324716e3, 3.29079923573345963e3,
                1.62138957456669019e3, 5.37181101862009858e2, 1.17693950891312499e2, 1.57449261107098347e1];
            num = a[8] * x;
            den = x;
            for (var i = 7; i >= 1; i--)
            {
                num = (num + a[i]) * x;
                den = (den + b[i]) * x;
            }
            return Math.Exp(-x * x) * (num + a[0]) / (den + b[0]);
        }
        double[] pc = [6.58749161529837803e-4, 1.60837851487422766e-2, 1.25781726111229246e-1, 3.60344899949804439e-1,
            3.05326634961232344e-1, 1.63153871373020978e-2];
        double[] qc = [2.33520497626869185e-3, 6.05183413124413191e-2, 5.27905102951428412e-1, 1.87295284992346725, 2.56852019228982242];
        var z2 = 1 / (x * x);
        num = pc[5] * z2;
        den = z2;
        for (var i = 4; i >= 1; i--)
        {
            num = (num + pc[i]) * z2;
            den = (den + qc[i]) * z2;
        }
        var r = z2 * (num + pc[0]) / (den + qc[0]);
        return Math.Exp(-x * x) / x * (1 / Math.Sqrt(Math.PI) - r);
    }

    private static double Erf(double x)
    {
        double[] a = [3.16112374387056560, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
        double[] b = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
        var y = x * x;
        var num = a[4] * y;
        var den = y;
        for (var i = 0; i < 3; i++)
        {
            num = (num + a[i]) * y;
            den = (den + b[i]) * y;
        }
        return x * (num + a[3]) / (den + b[3]);
    }
}
