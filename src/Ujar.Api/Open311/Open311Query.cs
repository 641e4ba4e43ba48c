using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>Times as Open311 shows them: ISO 8601 in WIB with its offset, to the second (<c>2026-12-07T09:30:00+07:00</c>).</summary>
public static partial class Open311Time
{
    /// <summary>Whole seconds, always rounded down, so a shown time never lies after the real one: a client that filters
    /// what it fetched by the shown time (FixMyStreet does) keeps everything the server's own range gave it.</summary>
    public static string Format(DateTime utc) =>
        Wib.ToWib(new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc))
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>UTC to the 100 ns, for links that must name a window exactly as it was cut.</summary>
    public static string FormatExact(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    // W3C date-time (ISO 8601's profile the spec and FixMyStreet use): a date, optionally a time, optionally an offset.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex W3cDateTime();

    /// <summary>A W3C date-time as UTC. Without an offset it is WIB (a date alone is 00:00 WIB). A '+' decoded to a space by
    /// a client that did not escape it is read as the '+' it was.</summary>
    public static bool TryParse(string text, out DateTime utc)
    {
        utc = default;
        text = text.Trim().Replace(' ', '+');
        if (!W3cDateTime().IsMatch(text)) return false;
        // Outside the service's years the conversions below could overflow.
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || !ServiceDates.Covers(parsed.Year))
            return false;
        utc = parsed.Kind switch
        {
            DateTimeKind.Utc => parsed,
            DateTimeKind.Local => parsed.ToUniversalTime(),
            _ => DateTime.SpecifyKind(parsed - Wib.Offset, DateTimeKind.Utc),
        };
        return true;
    }
}

/// <summary>
/// Reads an Open311 query string and collects what is wrong with it, so a client learns every mistake at once. Every
/// parameter it reads is validated; one it is not asked about is ignored (clients add their own, FixMyStreet sends
/// <c>api_key</c> with its reads). A NUL anywhere is refused: PostgreSQL cannot store it and no parameter needs it.
/// </summary>
public sealed class Open311Query(IQueryCollection query)
{
    public List<(string Field, Bilingual Message)> Errors { get; } = [];

    /// <summary>Refusals that apply to any read: NUL characters, and a <c>jurisdiction_id</c> this server does not serve
    /// (404, as the spec says). Null when the request may go on.</summary>
    public Open311Errors? CheckCommon(Open311Format format, Open311Options options)
    {
        foreach (var (name, values) in query)
            if (ComplaintRules.HasNul(name) || values.Any(ComplaintRules.HasNul))
                Errors.Add((Shorten(name), ComplaintRules.NulRefused));
        if (Errors.Count > 0) return Open311Errors.BadRequest(format, Errors);
        var jurisdiction = Single("jurisdiction_id");
        if (Errors.Count > 0) return Open311Errors.BadRequest(format, Errors);
        return jurisdiction is null || options.Serves(jurisdiction) ? null : options.UnknownJurisdiction(format, jurisdiction);
    }

    /// <summary>The parameter's value; null when absent or empty. Given twice is an error: which one would be meant?</summary>
    public string? Single(string name)
    {
        if (!query.TryGetValue(name, out var values) || StringValues.IsNullOrEmpty(values)) return null;
        if (values.Count > 1)
        {
            Errors.Add((name, new Bilingual("hanya boleh diberikan sekali", "must be given at most once")));
            return null;
        }
        return string.IsNullOrWhiteSpace(values[0]) ? null : values[0]!.Trim();
    }

    /// <summary>A comma-separated list (the spec's form), also taken when the parameter is repeated; null when absent.</summary>
    public IReadOnlyList<string>? List(string name)
    {
        if (!query.TryGetValue(name, out var values)) return null;
        var items = values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct().ToList();
        return items.Count == 0 ? null : items;
    }

    public int? Int(string name, int min, int max)
    {
        if (Single(name) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        Errors.Add((name, new Bilingual($"harus bilangan bulat {min} sampai {max}", $"must be a whole number from {min} to {max}")));
        return null;
    }

    public DateTime? Time(string name)
    {
        if (Single(name) is not { } text) return null;
        if (Open311Time.TryParse(text, out var utc)) return utc;
        Errors.Add((name, new Bilingual($"harus waktu ISO 8601, {ServiceDates.Range.Id}, mis. 2026-12-07T08:00:00+07:00",
            $"must be an ISO 8601 date-time, {ServiceDates.Range.En}, e.g. 2026-12-07T08:00:00+07:00")));
        return null;
    }

    /// <summary>
    /// <c>start_date</c> and <c>end_date</c>, both included, as GeoReport v2 says: neither given is the last
    /// <paramref name="defaultSpan"/> up to now; an end alone reaches <paramref name="defaultSpan"/> back; a start alone
    /// reaches <paramref name="defaultSpan"/> forward but not past now, so the window a next-page link names is closed and
    /// later filings cannot shift its pages. The two may be at most <paramref name="maxSpan"/> apart. Null (with the errors
    /// noted) when they do not make a window.
    /// </summary>
    public (DateTime FromUtc, DateTime ToUtc)? Window(DateTime nowUtc, TimeSpan defaultSpan, TimeSpan maxSpan)
    {
        var start = Time("start_date");
        var end = Time("end_date");
        if (Errors.Count > 0) return null;
        var (from, to) = (start, end) switch
        {
            ({ } s, { } e) => (s, e),
            ({ } s, null) => (s, s + defaultSpan < nowUtc ? s + defaultSpan : s > nowUtc ? s : nowUtc),
            (null, { } e) => (e - defaultSpan, e),
            _ => (nowUtc - defaultSpan, nowUtc),
        };
        if (from > to)
            Errors.Add(("start_date", new Bilingual("harus sebelum end_date", "must be before end_date")));
        else if (to - from > maxSpan)
            Errors.Add(("end_date", new Bilingual($"paling jauh {maxSpan.TotalDays:0} hari setelah start_date",
                $"must be at most {maxSpan.TotalDays:0} days after start_date")));
        return Errors.Count > 0 ? null : (from, to);
    }

    private static string Shorten(string text) => (text.Length <= 40 ? text : text[..40] + "…").Replace('\0', '?');
}
