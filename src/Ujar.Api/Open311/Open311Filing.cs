using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Setup;

namespace Ujar.Api.Open311;

/// <summary>The body of <c>POST requests</c>: its text fields and photo files.</summary>
public sealed record Open311Form(IReadOnlyDictionary<string, StringValues> Fields, IReadOnlyList<RawPhoto> Photos);

/// <summary>
/// Reads <c>POST requests</c> (form-urlencoded or multipart/form-data) and turns its fields into a filing for the intake,
/// and the intake's refusals back into Open311 errors. Limits are the web door's: 64 KB of text, up to three photos of
/// 10 MB each, and the same photo checks.
/// </summary>
public static class Open311Filing
{
    /// <summary>The multipart parts photo files come in: <c>media</c> (the Open311 name) or <c>photos</c> (the web's).</summary>
    public static readonly IReadOnlySet<string> PhotoParts = new HashSet<string> { "media", PhotoForm.PhotosPart };

    /// <summary>The one attribute every service defines: a nearby landmark, the way addresses are often given here.</summary>
    public const string LandmarkAttribute = "patokan";

    private const string AttributePrefix = "attribute[";

    public abstract record ReadOutcome;
    public sealed record Read(Open311Form Form) : ReadOutcome;
    public sealed record Refused(Open311Errors Errors) : ReadOutcome;

    public static async Task<ReadOutcome> ReadAsync(HttpRequest request, Open311Format format, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
            return new Refused(UnsupportedContentType(format));
        if (contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await ReadMultipartAsync(request, format, ct);
        if (!contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return new Refused(UnsupportedContentType(format));
        try
        {
            return await ReadUrlEncodedAsync(request, format, ct);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's word for a body that broke off or is framed wrongly.
            return new Refused(Unreadable(ex.StatusCode, ex.Message, format));
        }
        catch (InvalidDataException ex)
        {
            // FormReader's word for a form over its count limits.
            return new Refused(Unreadable(StatusCodes.Status400BadRequest, ex.Message, format));
        }
    }

    private static async Task<ReadOutcome> ReadUrlEncodedAsync(HttpRequest request, Open311Format format, CancellationToken ct)
    {
        if (request.ContentLength > ComplaintRules.MaxBodyBytes) return new Refused(FromProblem(Problems.TooLarge(ComplaintRules.MaxBodyBytes), format));
        var body = await BodyReader.ReadAtMostAsync(request, ComplaintRules.MaxBodyBytes, ct);
        if (body is null) return new Refused(FromProblem(Problems.TooLarge(ComplaintRules.MaxBodyBytes), format));
        using var reader = new FormReader(new MemoryStream(body), Encoding.UTF8);
        return new Read(new Open311Form(await reader.ReadFormAsync(ct), []));
    }

    /// <summary>Text fields share the 64 KB a form may hold; photo files are kept as bytes, since decoding waits until the
    /// api_key is checked.</summary>
    private static async Task<ReadOutcome> ReadMultipartAsync(HttpRequest request, Open311Format format, CancellationToken ct)
    {
        var (parts, problem) = await MultipartForms.ReadAsync(request, PhotoForm.MaxRequestBytes, (name, fileName, before) =>
        {
            if (PhotoParts.Contains(name))
                return PhotoForm.PhotoRule(before.Count(p => PhotoParts.Contains(p.Name)), fileName ?? "", PhotoProblems.TooManyInRequest());
            if (fileName is not null)
                return PartRule.Refuse(Problems.Validation(new Dictionary<string, Bilingual>
                {
                    [Shorten(name)] = new("file foto dikirim pada bagian 'media'", "photo files go in the 'media' part"),
                }));
            var textLeft = ComplaintRules.MaxBodyBytes - before.Where(p => p.FileName is null).Sum(p => p.Bytes.Length);
            return PartRule.Take(textLeft, Problems.TooLarge(ComplaintRules.MaxBodyBytes));
        }, ct);
        if (parts is null) return new Refused(FromProblem(problem!, format));

        var fields = parts.Where(p => !PhotoParts.Contains(p.Name)).GroupBy(p => p.Name)
            .ToDictionary(g => g.Key, g => new StringValues(g.Select(p => Encoding.UTF8.GetString(p.Bytes)).ToArray()));
        var photos = parts.Where(p => PhotoParts.Contains(p.Name))
            .Select((p, i) => new RawPhoto(p.FileName is { Length: > 0 } fileName ? fileName : $"media[{i}]", p.Bytes)).ToList();
        return new Read(new Open311Form(fields, photos));
    }

    /// <summary>The filing the form describes, or the errors of every field that is wrong (all at once). The intake makes
    /// its own checks after this one (ranges, lengths, the category, the city's boundary).</summary>
    public static (ComplaintFields? Fields, string? MediaLink, List<(string Field, Bilingual Message)> Errors) ReadFields(Open311Form form)
    {
        var errors = new List<(string Field, Bilingual Message)>();
        foreach (var (field, values) in form.Fields)
            if (ComplaintRules.HasNul(field) || values.Any(ComplaintRules.HasNul))
                errors.Add((Shorten(field), ComplaintRules.NulRefused));
        if (errors.Count > 0) return (null, null, errors);

        string? One(string name)
        {
            if (!form.Fields.TryGetValue(name, out var values) || values.Count == 0) return null;
            if (values.Count > 1 && values.Distinct().Count() > 1)
            {
                errors.Add((name, new Bilingual("hanya boleh diberikan sekali", "must be given at most once")));
                return null;
            }
            return string.IsNullOrWhiteSpace(values[0]) ? null : values[0]!.Trim();
        }

        var lat = Coordinate("lat", One("lat"), errors);
        var lon = Coordinate("long", One("long"), errors);
        var addressString = One("address_string");
        if (lat is null && lon is null && (addressString is not null || One("address_id") is not null)
            && !errors.Any(e => e.Field is "lat" or "long"))
            errors.Add(("lat, long", new Bilingual(
                "Ujar tidak mengubah alamat menjadi koordinat: kirim lat dan long (address_string boleh menyertainya)",
                "Ujar does not geocode addresses: send lat and long (address_string may come with them)")));

        string? landmark = null;
        foreach (var attribute in form.Fields.Keys.Where(k => k.StartsWith("attribute", StringComparison.Ordinal)))
        {
            var code = attribute.StartsWith(AttributePrefix, StringComparison.Ordinal) && attribute.EndsWith(']')
                ? attribute[AttributePrefix.Length..^1] : null;
            if (code != LandmarkAttribute)
                errors.Add((Shorten(attribute), new Bilingual($"atribut tidak dikenal; satu-satunya atribut adalah attribute[{LandmarkAttribute}]",
                    $"unknown attribute; the only attribute is attribute[{LandmarkAttribute}]")));
            else landmark = One(attribute);
        }

        // FixMyStreet sends media_url once per photo when set to send them all: the first is its main photo, and one link
        // is what we keep.
        var mediaLink = form.Fields.GetValueOrDefault("media_url").FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        var description = One("description");
        var firstName = One("first_name");
        var lastName = One("last_name");
        var email = One("email");
        var phone = One("phone");
        var serviceCode = One("service_code");
        if (errors.Count > 0) return (null, null, errors);

        // The landmark and the address the client had go into the description as lines of their own, where staff read
        // them; with nothing else to say, the intake refuses the empty description as it would anyway.
        if (description is not null)
            description = string.Join('\n', new[] { description, Line("Patokan", landmark), Line("Alamat", addressString) }.OfType<string>());

        var reporterName = $"{firstName} {lastName}".Trim();
        var anonymous = reporterName.Length == 0 && email is null && phone is null;
        return (new ComplaintFields(lat, lon, serviceCode, description, reporterName.Length == 0 ? null : reporterName, phone, email, anonymous),
            mediaLink, errors);
    }

    private static string? Line(string label, string? value) => value is null ? null : $"{label}: {value}";

    private static double? Coordinate(string field, string? text, List<(string Field, Bilingual Message)> errors)
    {
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add((field, new Bilingual("harus berupa angka (derajat desimal WGS 84, mis. 0.9187)",
            "must be a number (WGS 84 decimal degrees, e.g. 0.9187)")));
        return null;
    }

    /// <summary>The intake's field names (the web's JSON) as Open311 names them.</summary>
    private static readonly Dictionary<string, string> Open311FieldOf = new()
    {
        ["lat"] = "lat",
        ["lon"] = "long",
        ["category"] = "service_code",
        ["description"] = "description",
        ["contact.name"] = "first_name + last_name",
        ["contact.phone"] = "phone",
        ["contact.email"] = "email",
        ["mediaLink"] = "media_url",
    };

    /// <summary>
    /// A refusal of the intake or the photo checks as Open311 errors: one per field when the problem names fields, else
    /// one with its title and detail, each in both languages. The status is kept, except that 422 (which Open311 does not
    /// use) becomes 400, the spec's status for invalid parameters.
    /// </summary>
    public static Open311Errors FromProblem(IResult refusal, Open311Format format)
    {
        if (refusal is not ProblemHttpResult { ProblemDetails: var problem })
            throw new InvalidOperationException($"Refusals are ProblemDetails, not {refusal.GetType().Name}");
        var status = problem.Status is null or StatusCodes.Status422UnprocessableEntity ? StatusCodes.Status400BadRequest : problem.Status.Value;
        if (problem.Extensions.TryGetValue("errors", out var value) && value is IReadOnlyDictionary<string, Bilingual> { Count: > 0 } fields)
            return new Open311Errors(status, fields.Select(f => new Open311Error(status, Open311Errors.Text(Open311Name(f.Key), f.Value))).ToList(), format);
        return Open311Errors.One(status, format, Open311Errors.Text(Summary(problem)));
    }

    private static Bilingual Summary(ProblemDetails problem)
    {
        var titleEn = problem.Extensions.TryGetValue("titleEn", out var title) && title is string en ? en : problem.Title;
        var detailEn = problem.Extensions.TryGetValue("detailEn", out var detail) ? detail as string : null;
        return new Bilingual(problem.Detail is null ? problem.Title ?? "" : $"{problem.Title}. {problem.Detail}",
            detailEn is null ? titleEn ?? "" : $"{titleEn}. {detailEn}");
    }

    private static string Open311Name(string field) =>
        Open311FieldOf.GetValueOrDefault(field)
        // The photo checks name files photos[0], photos[1]…: in Open311 they came as media.
        ?? (field.StartsWith(PhotoForm.PhotosPart + "[", StringComparison.Ordinal) ? "media" + field[PhotoForm.PhotosPart.Length..] : field);

    private static Open311Errors Unreadable(int status, string why, Open311Format format) =>
        Open311Errors.One(status, format, Open311Errors.Text(new Bilingual(
            $"Isi permintaan tidak dapat dibaca ({Shorten(why)})", $"The request body cannot be read ({Shorten(why)})")));

    private static Open311Errors UnsupportedContentType(Open311Format format) =>
        Open311Errors.One(StatusCodes.Status415UnsupportedMediaType, format, Open311Errors.Text(new Bilingual(
            "Kirim permintaan sebagai application/x-www-form-urlencoded atau multipart/form-data (dengan foto)",
            "Send the request as application/x-www-form-urlencoded, or multipart/form-data with photos")));

    private static string Shorten(string text) => (text.Length <= 40 ? text : text[..40] + "…").Replace('\0', '?');
}
