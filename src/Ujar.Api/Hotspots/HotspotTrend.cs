namespace Ujar.Api.Hotspots;

/// <summary>
/// How a cell's hot spot changed between the previous window and the current one (same length, same filters,
/// same grid, band and FDR choice), from the Gi* of both windows. Hot means bin ≥ +1 (at least 90 % confidence);
/// Δz = z_now − z_before. The rule, first match wins:
/// <list type="number">
/// <item><c>new</c>: hot now, not hot before.</item>
/// <item><c>intensifying</c>: hot in both, Δz &gt; +1.</item>
/// <item><c>diminishing</c>: hot before and either not hot now, or hot in both with Δz &lt; −1.</item>
/// <item><c>persistent</c>: hot in both, |Δz| ≤ 1.</item>
/// <item><c>no pattern</c>: hot in neither (cold spots are not trended).</item>
/// </list>
/// A z change of 1 is one standard error of the statistic: less than that is read as the same hot spot.
/// </summary>
public static class HotspotTrend
{
    public const double ZChange = 1.0;

    public static string Label(GiStar now, GiStar before)
    {
        bool hotNow = now.Bin > 0, hotBefore = before.Bin > 0;
        var change = now.Z - before.Z;
        if (hotNow && !hotBefore) return "new";
        if (hotNow && change > ZChange) return "intensifying";
        if (hotBefore && (!hotNow || change < -ZChange)) return "diminishing";
        if (hotNow) return "persistent";
        return "no pattern";
    }
}
