namespace Ujar.Api.Demo;

/// <summary>
/// The rain of the demo period: the city's seasons come from its demo.json (<see cref="CityDemo.RainByMonth"/>).
/// Rainy days come in spells (a wet day makes the next one likelier), so flooding reports cluster in days-long waves
/// rather than scattering evenly.
/// </summary>
public sealed class DemoWeather
{
    private const double SpellBoost = 0.35;

    private readonly HashSet<DateOnly> _rainy;

    private DemoWeather(HashSet<DateOnly> rainy) => _rainy = rainy;

    /// <summary>The rain of the <paramref name="days"/> WIB days up to and including <paramref name="today"/>, with
    /// <paramref name="rainByMonth"/> the chance of heavy rain on a day of each month (January first) before a spell
    /// makes it likelier.</summary>
    public static DemoWeather Of(Random random, DateOnly today, int days, IReadOnlyList<double> rainByMonth)
    {
        var rainy = new HashSet<DateOnly>();
        var wetYesterday = false;
        for (var day = today.AddDays(-days); day <= today; day = day.AddDays(1))
        {
            var chance = rainByMonth[day.Month - 1] + (wetYesterday ? SpellBoost : 0);
            wetYesterday = random.NextDouble() < chance;
            if (wetYesterday) rainy.Add(day);
        }
        return new DemoWeather(rainy);
    }

    public bool IsRainy(DateOnly wibDate) => _rainy.Contains(wibDate);

    public IReadOnlyCollection<DateOnly> RainyDays => _rainy;
}
