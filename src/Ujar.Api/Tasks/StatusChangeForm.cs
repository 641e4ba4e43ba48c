using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using NetTopologySuite.Geometries;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Setup;

using Ujar.Api.Routing;

namespace Ujar.Api.Tasks;

/// <summary>
/// The body of <c>POST /api/staff/complaints/{ticket}/status</c>: JSON <c>{to, note?, internalNote?, original?, opd?,
/// version?, lat?, lon?}</c>, or multipart/form-data with the same names as text fields and photo files in <c>after</c>
/// and <c>before</c>. Photos are decoded and re-encoded while reading, so a bad one refuses the request before anything
/// is stored.
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

    private static readonly string[] Fields = ["to", "note", "internalNote", "original", "opd", "version", "lat", "lon"];

    public abstract record Outcome;
    public sealed record Parsed(ChangeRequest Request) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    public static async Task<Outcome> ReadAsync(HttpRequest request, PhotoStore store, CancellationToken ct)
    {
        var fields = new Dictionary<string, string?>();
        var photos = new List<(ProcessedPhoto Photo, PhotoKind Kind)>();
        if (PhotoForm.IsMultipart(request))
        {
            if (await ReadMultipartAsync(request, store, fields, photos, ct) is { } refused) return new Refused(refused);
        }
        else
        {
            if (request.ContentLength > MaxJsonBytes) return new Refused(Problems.TooLarge(MaxJsonBytes));
            var body = await BodyReader.ReadAtMostAsync(request, MaxJsonBytes, ct);
            if (body is null) return new Refused(Problems.TooLarge(MaxJsonBytes));
            if (ReadJson(body, fields) is { } refused) return new Refused(refused);
        }
        return Validate(fields, photos);
    }

    private static IResult? ReadJson(byte[] body, Dictionary<string, string?> fields)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Problems.MalformedJson(ex.Message);
        }
        using (document)
        {
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
        }
        return null;
    }

    private static async Task<IResult?> ReadMultipartAsync(HttpRequest request, PhotoStore store, Dictionary<string, string?> fields,
        List<(ProcessedPhoto Photo, PhotoKind Kind)> photos, CancellationToken ct)
    {
        if (request.ContentLength > MaxRequestBytes) return PhotoProblems.RequestTooLarge();
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = MaxRequestBytes;
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary);
        if (boundary.Length is 0 or > 200) return PhotoProblems.MalformedMultipart("boundary");

        var reader = new MultipartReader(boundary.Value!, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (section.GetContentDispositionHeader() is not { } disposition
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return PhotoProblems.MalformedMultipart("Content-Disposition");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (name is AfterPart or BeforePart)
                {
                    var kind = name == AfterPart ? PhotoKind.After : PhotoKind.Before;
                    var index = photos.Count(p => p.Kind == kind);
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? $"{name}[{index}]";
                    if (index == MaxPhotosPerKind) return TooManyPhotos(name);
                    var bytes = await BodyReader.ReadAtMostAsync(section.Body, PhotoStore.MaxUploadBytes, ct);
                    if (bytes is null) return PhotoProblems.PhotoTooLarge(photos.Count, fileName);
                    var (photo, refusal) = await store.ProcessAsync(bytes, ct);
                    if (photo is null) return PhotoProblems.NotTaken(refusal, photos.Count, fileName);
                    photos.Add((photo, kind));
                }
                else if (Fields.Contains(name) && !fields.ContainsKey(name))
                {
                    var bytes = await BodyReader.ReadAtMostAsync(section.Body, MaxFieldBytes, ct);
                    if (bytes is null) return Problems.TooLarge(MaxFieldBytes);
                    fields[name] = Encoding.UTF8.GetString(bytes);
                }
                else
                    return Problems.Result(Problems.Create(400, "unexpected_part",
                        new Bilingual($"Bagian '{Shorten(name)}' tidak dikenal atau berulang", $"Unexpected or repeated part '{Shorten(name)}'"),
                        new Bilingual($"Bagian yang diterima: {string.Join(", ", Fields)} (masing-masing sekali), {AfterPart}, {BeforePart}.",
                            $"Parts taken: {string.Join(", ", Fields)} (each once), {AfterPart}, {BeforePart}.")));
            }
        }
        catch (InvalidDataException ex)
        {
            return PhotoProblems.MalformedMultipart(ex.Message);
        }
        return null;
    }

    private static Outcome Validate(Dictionary<string, string?> fields, List<(ProcessedPhoto Photo, PhotoKind Kind)> photos)
    {
        var errors = new Dictionary<string, Bilingual>();
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
            photos, Text(fields, "internalNote")));
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
