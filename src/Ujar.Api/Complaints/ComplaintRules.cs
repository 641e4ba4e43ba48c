using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ujar.Api.Setup;

namespace Ujar.Api.Complaints;

/// <summary>The fields of a complaint as a door read them: of the right types, but not yet checked. Null means not
/// given; a coordinate sent as "NaN" or too large for a double arrives as NaN or infinity and is refused by the check.</summary>
public sealed record ComplaintFields(double? Lat, double? Lon, string? Category, string? Description,
    string? ContactName = null, string? ContactPhone = null, string? ContactEmail = null, bool Anonymous = false);

/// <summary>A complaint that passed every check: what the intake routes and stores.</summary>
public sealed record NewComplaint(double Lat, double Lon, string Category, string Description,
    string? ContactName, string? ContactPhone, string? ContactEmail, bool Anonymous);

/// <summary>
/// The rules a complaint must meet, whichever door it came in by. <see cref="ReadJson"/> reads the web's JSON body: type
/// errors (not JSON, a string where a number belongs) are 400. <see cref="Check"/> then judges the values for every door
/// alike: latitude 95, NaN, an unknown category, an empty description are 422, all reported at once.
/// </summary>
public static class ComplaintRules
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxDescriptionLength = 4000;
    public const int MaxContactLength = 200;
    /// <summary>The longest <c>Idempotency-Key</c> header a client may send.</summary>
    public const int MaxIdempotencyKeyLength = 100;
    /// <summary>Room in the column for keys the doors derive themselves (a WhatsApp message id).</summary>
    public const int MaxStoredIdempotencyKeyLength = 200;
    public const int MaxMediaLinkLength = 2000;

    public abstract record Outcome;
    public sealed record Read(ComplaintFields Fields) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    /// <summary>The body of <c>POST /api/complaints</c>: <c>{lat, lon, category, description, contact?: {name, phone,
    /// email}, anonymous?}</c>.</summary>
    public static Outcome ReadJson(byte[] body)
    {
        var document = JsonBody.Parse(body, out var refusal, maxDepth: 16);
        if (document is null) return new Refused(refusal!.Problem);
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new Refused(Problems.WrongType("(body)", "objek"));

            if (ReadCoordinate(root, "lat", out var lat) is { } latProblem) return new Refused(latProblem);
            if (ReadCoordinate(root, "lon", out var lon) is { } lonProblem) return new Refused(lonProblem);
            if (ReadString(root, "category", out var category) is { } p1) return new Refused(p1);
            if (ReadString(root, "description", out var description) is { } p2) return new Refused(p2);

            var anonymous = false;
            if (root.TryGetProperty("anonymous", out var anon) && anon.ValueKind != JsonValueKind.Null)
            {
                if (anon.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return new Refused(Problems.WrongType("anonymous", "boolean"));
                anonymous = anon.GetBoolean();
            }

            string? name = null, phone = null, email = null;
            if (root.TryGetProperty("contact", out var contact) && contact.ValueKind != JsonValueKind.Null)
            {
                if (contact.ValueKind != JsonValueKind.Object) return new Refused(Problems.WrongType("contact", "objek"));
                if (ReadString(contact, "name", out name, "contact.name") is { } p3) return new Refused(p3);
                if (ReadString(contact, "phone", out phone, "contact.phone") is { } p4) return new Refused(p4);
                if (ReadString(contact, "email", out email, "contact.email") is { } p5) return new Refused(p5);
            }
            return new Read(new ComplaintFields(lat, lon, category, description, name, phone, email, anonymous));
        }
    }

    /// <summary>Judges the values: the complaint to store, or the errors per field (named as in the web's JSON: <c>lat</c>,
    /// <c>lon</c>, <c>category</c>, <c>description</c>, <c>contact.name</c>, <c>contact.phone</c>, <c>contact.email</c>).</summary>
    public static NewComplaint? Check(ComplaintFields fields, Func<string, bool> isKnownCategory, out Dictionary<string, Bilingual> errors)
    {
        errors = [];
        CheckCoordinate("lat", fields.Lat, -90, 90, errors);
        CheckCoordinate("lon", fields.Lon, -180, 180, errors);

        var category = fields.Category;
        if (string.IsNullOrWhiteSpace(category))
            errors["category"] = new("kategori wajib diisi", "category is required");
        else if (!isKnownCategory(category))
            errors["category"] = new($"kategori '{Truncate(category)}' tidak dikenal", $"unknown category '{Truncate(category)}'");

        var description = fields.Description?.Trim();
        if (string.IsNullOrEmpty(description))
            errors["description"] = new("uraian wajib diisi", "description is required");
        else if (description.Length > MaxDescriptionLength)
            errors["description"] = new($"uraian paling banyak {MaxDescriptionLength} karakter", $"description is at most {MaxDescriptionLength} characters");
        else if (HasNul(description))
            errors["description"] = NulRefused;

        CheckContact("contact.name", fields.ContactName, errors);
        CheckContact("contact.phone", fields.ContactPhone, errors);
        CheckContact("contact.email", fields.ContactEmail, errors);
        if (!string.IsNullOrWhiteSpace(fields.ContactEmail) && !fields.ContactEmail.Contains('@') && !errors.ContainsKey("contact.email"))
            errors["contact.email"] = new("alamat email tidak valid", "email address is not valid");

        if (errors.Count > 0) return null;
        // An anonymous report keeps no contact at all: nothing to leak later.
        return fields.Anonymous
            ? new NewComplaint(fields.Lat!.Value, fields.Lon!.Value, category!, description!, null, null, null, true)
            : new NewComplaint(fields.Lat!.Value, fields.Lon!.Value, category!, description!,
                Blank(fields.ContactName), Blank(fields.ContactPhone), Blank(fields.ContactEmail), false);
    }

    /// <summary>A 400 for an idempotency key over <paramref name="maxLength"/> characters or holding a control character
    /// (NUL among them, which PostgreSQL refuses); null for a good one.</summary>
    public static ProblemHttpResult? IdempotencyKeyProblem(string key, int maxLength) =>
        key.Length > maxLength || key.Any(char.IsControl)
            ? Problems.Result(Problems.Create(StatusCodes.Status400BadRequest, "bad_idempotency_key",
                new Bilingual("Idempotency-Key tidak valid", "Invalid Idempotency-Key"),
                new Bilingual($"Paling banyak {maxLength} karakter yang dapat dicetak.", $"At most {maxLength} printable characters.")))
            : null;

    /// <summary>PostgreSQL refuses U+0000 in text, so it is refused here, before anything reaches the database.</summary>
    public static bool HasNul(string? text) => text is not null && text.Contains('\0');

    public static readonly Bilingual NulRefused = new("tidak boleh berisi karakter NUL (\\u0000)", "must not contain the NUL character (\\u0000)");

    /// <summary>Checks a latitude or longitude given as text (query strings): 400 when not a number, 422 when not usable.</summary>
    public static IResult? CheckQueryCoordinates(string? latText, string? lonText, out double lat, out double lon)
    {
        lat = lon = double.NaN;
        var errors = new Dictionary<string, Bilingual>();
        foreach (var (field, text, min, max) in new[] { ("lat", latText, -90.0, 90.0), ("lon", lonText, -180.0, 180.0) })
        {
            if (string.IsNullOrWhiteSpace(text)) { errors[field] = Missing(field); continue; }
            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
                return Problems.WrongType(field, "angka");
            if (RangeError(field, value, min, max) is { } error) { errors[field] = error; continue; }
            if (field == "lat") lat = value; else lon = value;
        }
        return errors.Count > 0 ? Problems.Validation(errors) : null;
    }

    private static IResult? ReadCoordinate(JsonElement root, string field, out double? value)
    {
        value = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        // JSON has no NaN or Infinity; clients that send them send them as strings.
        if (element.ValueKind == JsonValueKind.String && element.GetString() is "NaN" or "Infinity" or "-Infinity")
        {
            value = double.NaN;
            return null;
        }
        if (element.ValueKind != JsonValueKind.Number) return Problems.WrongType(field, "angka");
        value = element.TryGetDouble(out var number) ? number : double.PositiveInfinity;
        return null;
    }

    private static void CheckCoordinate(string field, double? value, double min, double max, Dictionary<string, Bilingual> errors)
    {
        if (value is null) errors[field] = Missing(field);
        else if (RangeError(field, value.Value, min, max) is { } error) errors[field] = error;
    }

    private static Bilingual? RangeError(string field, double value, double min, double max)
    {
        if (!double.IsFinite(value)) return new($"{field} harus berupa angka terhingga", $"{field} must be a finite number");
        if (value < min || value > max) return new($"{field} harus di antara {min} dan {max}", $"{field} must be between {min} and {max}");
        return null;
    }

    private static Bilingual Missing(string field) => field == "lat"
        ? new("lintang (lat) wajib diisi", "latitude (lat) is required")
        : new("bujur (lon) wajib diisi", "longitude (lon) is required");

    private static IResult? ReadString(JsonElement parent, string property, out string? value, string? field = null)
    {
        value = null;
        if (!parent.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String) return Problems.WrongType(field ?? property, "teks");
        value = element.GetString();
        return null;
    }

    private static void CheckContact(string field, string? value, Dictionary<string, Bilingual> errors)
    {
        if (value is { Length: > MaxContactLength })
            errors[field] = new($"paling banyak {MaxContactLength} karakter", $"at most {MaxContactLength} characters");
        else if (HasNul(value))
            errors[field] = NulRefused;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
