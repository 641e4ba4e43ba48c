namespace Ujar.Api.Demo;

/// <summary>
/// The rain of the demo period. Tanjungpinang's wet season is the northeast monsoon, November to January, with a
/// second, smaller peak around April; June to August are the driest months. Rainy days come in spells (a wet day makes
/// the next one likelier), so flooding reports cluster in days-long waves rather than scattering evenly.
/// </summary>
public sealed class DemoWeather
{
    /// <summary>The chance of heavy rain on a day of each month (January first), before the spell makes it likelier.</summary>
    private static readonly double[] RainByMonth = [0.35, 0.2, 0.18, 0.22, 0.15, 0.08, 0.07, 0.08, 0.12, 0.2, 0.35, 0.42];
    private const double SpellBoost = 0.35;

    private readonly HashSet<DateOnly> _rainy;

    private DemoWeather(HashSet<DateOnly> rainy) => _rainy = rainy;

    /// <summary>The rain of the <paramref name="days"/> WIB days up to and including <paramref name="today"/>.</summary>
    public static DemoWeather Of(Random random, DateOnly today, int days)
    {
        var rainy = new HashSet<DateOnly>();
        var wetYesterday = false;
        for (var day = today.AddDays(-days); day <= today; day = day.AddDays(1))
        {
            var chance = RainByMonth[day.Month - 1] + (wetYesterday ? SpellBoost : 0);
            wetYesterday = random.NextDouble() < chance;
            if (wetYesterday) rainy.Add(day);
        }
        return new DemoWeather(rainy);
    }

    public bool IsRainy(DateOnly wibDate) => _rainy.Contains(wibDate);

    public IReadOnlyCollection<DateOnly> RainyDays => _rainy;
}
