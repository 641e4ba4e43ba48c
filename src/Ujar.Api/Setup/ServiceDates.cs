namespace Ujar.Api.Setup;

/// <summary>
/// The dates the service takes from clients: years 2000–2100. Complaints exist only from 2026 on, and dates at the
/// calendar's ends (0001-01-01, 9999-12-31) overflow the arithmetic done with them (a WIB day's end, the window before
/// a window, a default span), so every date parameter refuses a date outside with a 422 saying the range.
/// </summary>
public static class ServiceDates
{
    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    public static bool Covers(int year) => year is >= FirstYear and <= LastYear;

    /// <summary>"years 2000–2100", to end a refusal with.</summary>
    public static readonly Bilingual Range = new($"tahun {FirstYear}–{LastYear}", $"years {FirstYear}–{LastYear}");
}
