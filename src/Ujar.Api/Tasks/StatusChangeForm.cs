using System.Globalization;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Setup;

using Ujar.Api.Routing;

namespace Ujar.Api.Tasks;

/// <summary>
/// The body of <c>POST /api/staff/complaints/{ticket}/status</c>: JSON <c>{to, note?, internalNote?, original?, opd?,
/// version?, lat?, lon?, assignee?}</c>, or multipart/form-data with the same names as text fields and photo files in <c>after</c>
/// and <c>before</c>. Photos are decoded and re-encoded once the text has passed, so a bad one refuses the request
/// before anything is stored.
/// </summary>
public static class StatusChangeForm
{
    public const int MaxNoteLength = 2000;
    public const int MaxJsonBytes = 16 * 1024;
    public const int MaxPhotosPerKind = 3;
    public const string AfterPart = "after";
    public const string BeforePart = "before";
    private const int MaxFieldBytes = 8 * 1024;
    private const long MaxRequestBytes = 2L * MaxPhotosPerKind * PhotoStore.MaxUploadBytes + 64 * 1024;

    private static readonly string[] Fields = ["to", "note", "internalNote", "original", "opd", "version", "lat", "lon", "assignee"];

    public abstract record Outcome;
    public sealed record Parsed(ChangeRequest Request) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    public static async Task<Outcome> ReadAsync(HttpRequest request, PhotoStore store, CancellationToken ct)
    {
        var fields = new Dictionary<string, string?>();
        var rawPhotos = new List<(RawPhoto Photo, PhotoKind Kind)>();
        if (PhotoForm.IsMultipart(request))
        {
            if (await ReadMultipartAsync(request, fields, rawPhotos, ct) is { } refused) return new Refused(refused);
        }
        else
        {
            if (request.ContentLength > MaxJsonBytes) return new Refused(Problems.TooLarge(MaxJsonBytes));
            var body = await BodyReader.ReadAtMostAsync(request, MaxJsonBytes, ct);
            if (body is null) return new Refused(Problems.TooLarge(MaxJsonBytes));
            if (ReadJson(body, fields) is { } refused) return new Refused(refused);
        }
        var validated = Validate(fields);
        if (validated is not Parsed { Request: var change } || rawPhotos.Count == 0) return validated;

        // Decoded only once the text has passed: a refused change costs no decode.
        var (photos, problem) = await PhotoForm.DecodeAsync(rawPhotos.Select(p => p.Photo).ToList(), store, request.HttpContext, ct);
        if (photos is null) return new Refused(problem!);
        return new Parsed(change with { Photos = photos.Zip(rawPhotos, (photo, raw) => (photo, raw.Kind)).ToList() });
    }

    private static IResult? ReadJson(byte[] body, Dictionary<string, string?> fields)
    {
        using var document = JsonBody.Parse(body, out var refusal);
        if (document is null) return refusal!.Problem;
        if (document.RootElement.ValueKind != JsonValueKind.Object) return Problems.MalformedJson();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!Fields.Contains(property.Name)) continue;   // unknown members are ignored, as elsewhere in the API
            var numeric = property.Name is "version" or "lat" or "lon";
            fields[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String when !numeric => property.Value.GetString(),
                JsonValueKind.Number when numeric => property.Value.GetRawText(),
                _ => null,
            };
            if (property.Value.ValueKind != JsonValueKind.Null && fields[property.Name] is null)
                return Problems.WrongType(property.Name, numeric ? "angka" : "teks");
        }
        return null;
    }

    private static async Task<IResult?> ReadMultipartAsync(HttpRequest request, Dictionary<string, string?> fields,
        List<(RawPhoto Photo, PhotoKind Kind)> photos, CancellationToken ct)
    {
        var (parts, problem) = await MultipartForms.ReadAsync(request, MaxRequestBytes, (name, fileName, before) =>
            name is AfterPart or BeforePart ? PhotoRule(name, fileName, before)
            : Fields.Contains(name) && before.All(p => p.Name != name) ? PartRule.Take(MaxFieldBytes, Problems.TooLarge(MaxFieldBytes))
            : PartRule.Refuse(Problems.Result(Problems.Create(400, "unexpected_part",
                new Bilingual($"Bagian '{Shorten(name)}' tidak dikenal atau berulang", $"Unexpected or repeated part '{Shorten(name)}'"),
                new Bilingual($"Bagian yang diterima: {string.Join(", ", Fields)} (masing-masing sekali), {AfterPart}, {BeforePart}.",
                    $"Parts taken: {string.Join(", ", Fields)} (each once), {AfterPart}, {BeforePart}.")))), ct);
        if (parts is null) return problem;
        foreach (var part in parts)
        {
            if (part.Name is AfterPart or BeforePart)
                photos.Add((new RawPhoto(part.FileName is { Length: > 0 } file ? file : part.Name, part.Bytes),
                    part.Name == AfterPart ? PhotoKind.After : PhotoKind.Before));
            else fields[part.Name] = Encoding.UTF8.GetString(part.Bytes);
        }
        return null;
    }

    private static PartRule PhotoRule(string part, string? fileName, IReadOnlyList<FormPart> before)
    {
        var index = before.Count(p => p.Name == part);
        return index == MaxPhotosPerKind
            ? PartRule.Refuse(TooManyPhotos(part))
            : PartRule.Take(PhotoStore.MaxUploadBytes,
                PhotoProblems.PhotoTooLarge(before.Count(p => p.Name is AfterPart or BeforePart), fileName is { Length: > 0 } ? fileName : $"{part}[{index}]"));
    }

    private static Outcome Validate(Dictionary<string, string?> fields)
    {
        var errors = new Dictionary<string, Bilingual>();
        // Multipart text arrives unchecked (JSON was checked by JsonBody), and original and opd are looked up in the database.
        foreach (var (name, value) in fields)
            if (ComplaintRules.HasNul(value)) errors[name] = ComplaintRules.NulRefused;
        var to = ComplaintStatus.Received;
        if (Text(fields, "to") is not { } toName) errors["to"] = new("to wajib diisi", "to is required");
        else if (!ComplaintStatuses.TryParse(toName, out to))
            errors["to"] = new($"status tidak dikenal; pilih salah satu: {string.Join(", ", ComplaintStatuses.ApiNames)}",
                $"unknown status; one of: {string.Join(", ", ComplaintStatuses.ApiNames)}");
        foreach (var field in new[] { "note", "internalNote" })
            if (Text(fields, field) is { Length: > MaxNoteLength })
                errors[field] = new($"paling banyak {MaxNoteLength} karakter", $"at most {MaxNoteLength} characters");

        uint? version = null;
        if (Text(fields, "version") is { } versionText)
        {
            if (uint.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) version = parsed;
            else errors["version"] = new("version harus bilangan bulat 0–4294967295", "version must be a whole number 0–4294967295");
        }

        Point? position = null;
        var (latText, lonText) = (Text(fields, "lat"), Text(fields, "lon"));
        if ((latText is null) != (lonText is null))
            errors[latText is null ? "lat" : "lon"] = new("lat dan lon dikirim bersama", "lat and lon go together");
        else if (latText is not null)
        {
            var lat = Coordinate("lat", latText, 90, errors);
            var lon = Coordinate("lon", lonText!, 180, errors);
            if (lat is not null && lon is not null) position = Wgs84.Point(lon.Value, lat.Value);
        }

        if (errors.Count > 0) return new Refused(Problems.Validation(errors));
        return new Parsed(new ChangeRequest(to, Text(fields, "note"), Text(fields, "original"), Text(fields, "opd"), version, position,
            InternalNote: Text(fields, "internalNote"), Assignee: Text(fields, "assignee")));
    }

    /// <summary>Trimmed; blank counts as not sent.</summary>
    private static string? Text(Dictionary<string, string?> fields, string name) =>
        fields.GetValueOrDefault(name)?.Trim() is { Length: > 0 } text ? text : null;

    private static double? Coordinate(string field, string text, double limit, Dictionary<string, Bilingual> errors)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            && Math.Abs(value) <= limit)
            return value;
        errors[field] = new($"{field} harus angka terhingga antara -{limit} dan {limit}", $"{field} must be a finite number from -{limit} to {limit}");
        return null;
    }

    private static IResult TooManyPhotos(string part) =>
        Problems.Result(Problems.Create(StatusCodes.Status413PayloadTooLarge, "too_many_photos",
            new Bilingual("Terlalu banyak foto", "Too many photos"),
            new Bilingual($"Paling banyak {MaxPhotosPerKind} foto '{part}' per perubahan status.",
                $"At most {MaxPhotosPerKind} '{part}' photos per status change.")));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
