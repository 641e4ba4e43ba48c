using System.Globalization;
using NetTopologySuite.Geometries;
using Ujar.Api.Setup;

using Ujar.Api.Routing;

namespace Ujar.Api.Complaints;

/// <summary>The query string of <c>GET /api/complaints</c>, checked. <see cref="Problem"/> is set when it cannot be used.</summary>
public sealed class ComplaintFilter
{

    public Polygon? Box { get; private init; }
    public List<string>? Categories { get; private init; }
    public List<ComplaintStatus>? Statuses { get; private init; }
    public DateTime? From { get; private init; }
    public DateTime? To { get; private init; }
    public int Limit { get; private init; } = ComplaintsApi.DefaultPageSize;
    public (DateTime CreatedAt, long Id)? After { get; private init; }
    public IResult? Problem { get; private init; }

    public static ComplaintFilter Parse(string? bbox, string? category, string? status, string? from, string? to, string? limit, string? cursor)
    {
        var errors = new Dictionary<string, Bilingual>();

        Polygon? box = null;
        if (!string.IsNullOrWhiteSpace(bbox))
        {
            var parts = bbox.Split(',');
            var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
            if (parts.Length != 4 || numbers.Any(n => !double.IsFinite(n)))
                errors["bbox"] = new("bbox harus berupa minLon,minLat,maxLon,maxLat", "bbox must be minLon,minLat,maxLon,maxLat");
            // A box of no width or height is no area to show (and no polygon to query with).
            else if (numbers[0] >= numbers[2] || numbers[1] >= numbers[3] || numbers[0] < -180 || numbers[2] > 180 || numbers[1] < -90 || numbers[3] > 90)
                errors["bbox"] = new("bbox di luar rentang, terbalik, atau tanpa luas (minLon < maxLon, minLat < maxLat)",
                    "bbox is out of range, inverted, or without area (minLon < maxLon, minLat < maxLat)");
            else
                box = (Polygon)Wgs84.Factory.ToGeometry(new Envelope(numbers[0], numbers[2], numbers[1], numbers[3]));
        }

        var categories = SplitList(category);

        List<ComplaintStatus>? statuses = null;
        if (SplitList(status) is { } statusNames)
        {
            statuses = [];
            foreach (var name in statusNames)
            {
                if (ComplaintStatuses.TryParse(name, out var s)) statuses.Add(s);
                else errors["status"] = new($"status '{name}' tidak dikenal; pilihan: {string.Join(", ", ComplaintStatuses.ApiNames)}",
                    $"unknown status '{name}'; choose from: {string.Join(", ", ComplaintStatuses.ApiNames)}");
            }
        }

        var fromUtc = ParseTime("from", from, endOfDay: false, errors);
        var toUtc = ParseTime("to", to, endOfDay: true, errors);
        if (fromUtc > toUtc) errors["to"] = new("'to' lebih awal dari 'from'", "'to' is before 'from'");

        var pageSize = ComplaintsApi.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(limit) &&
            (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > ComplaintsApi.MaxPageSize))
            errors["limit"] = new($"limit harus 1–{ComplaintsApi.MaxPageSize}", $"limit must be 1–{ComplaintsApi.MaxPageSize}");

        (DateTime, long)? after = null;
        if (!string.IsNullOrWhiteSpace(cursor))
        {
            after = PageCursor.Decode(cursor);
            if (after is null) errors["cursor"] = new("cursor tidak valid", "invalid cursor");
        }

        if (errors.Count > 0) return new ComplaintFilter { Problem = Problems.Validation(errors) };
        return new ComplaintFilter
        {
            Box = box, Categories = categories, Statuses = statuses, From = fromUtc, To = toUtc, Limit = pageSize, After = after,
        };
    }

    private static List<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A date (<c>2026-03-31</c>) is a whole WIB day, so <c>to</c> includes it; a timestamp is taken as given.
    /// Either must lie in <see cref="ServiceDates"/>' years.</summary>
    private static DateTime? ParseTime(string field, string? text, bool endOfDay, Dictionary<string, Bilingual> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (ServiceDates.Covers(day.Year))
            {
                var wibMidnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Wib.Offset);
                return (endOfDay ? wibMidnight.AddDays(1) : wibMidnight).UtcDateTime;
            }
        }
        else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                 && ServiceDates.Covers(instant.UtcDateTime.Year))
            return instant.UtcDateTime;
        errors[field] = new($"{field} harus berupa tanggal (YYYY-MM-DD) atau waktu ISO 8601, {ServiceDates.Range.Id}",
            $"{field} must be a date (YYYY-MM-DD) or an ISO 8601 time, {ServiceDates.Range.En}");
        return null;
    }
}
