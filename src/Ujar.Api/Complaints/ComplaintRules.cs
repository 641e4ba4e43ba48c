using System.Text.Json;
using Ujar.Api.Setup;

namespace Ujar.Api.Complaints;

/// <summary>The fields of a new complaint as the citizen sent them, after the type checks.</summary>
public sealed record NewComplaint(double Lat, double Lon, string Category, string Description,
    string? ContactName, string? ContactPhone, string? ContactEmail, bool Anonymous);

/// <summary>
/// Reads and checks a complaint body. Type errors (not JSON, a string where a number belongs) are 400;
/// well-typed but unacceptable values (latitude 95, NaN, an unknown category) are 422.
/// </summary>
public static class ComplaintRules
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxDescriptionLength = 4000;
    public const int MaxContactLength = 200;
    public const int MaxIdempotencyKeyLength = 100;

    public abstract record Outcome;
    public sealed record Valid(NewComplaint Complaint) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    public static Outcome Parse(ReadOnlySpan<byte> body, Func<string, bool> isKnownCategory)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return new Refused(Problems.MalformedJson($"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new Refused(Problems.WrongType("(body)", "objek"));

            var errors = new Dictionary<string, Bilingual>();
            if (ReadCoordinate(root, "lat", errors, -90, 90) is { } typeProblemLat) return new Refused(typeProblemLat);
            if (ReadCoordinate(root, "lon", errors, -180, 180) is { } typeProblemLon) return new Refused(typeProblemLon);

            if (ReadString(root, "category", out var category) is { } p1) return new Refused(p1);
            if (string.IsNullOrWhiteSpace(category))
                errors["category"] = new("kategori wajib diisi", "category is required");
            else if (!isKnownCategory(category))
                errors["category"] = new($"kategori '{Truncate(category)}' tidak dikenal", $"unknown category '{Truncate(category)}'");

            if (ReadString(root, "description", out var description) is { } p2) return new Refused(p2);
            description = description?.Trim();
            if (string.IsNullOrEmpty(description))
                errors["description"] = new("uraian wajib diisi", "description is required");
            else if (description.Length > MaxDescriptionLength)
                errors["description"] = new($"uraian paling banyak {MaxDescriptionLength} karakter", $"description is at most {MaxDescriptionLength} characters");

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
                CheckContact("contact.name", name, errors);
                CheckContact("contact.phone", phone, errors);
                CheckContact("contact.email", email, errors);
                if (!string.IsNullOrWhiteSpace(email) && !email.Contains('@'))
                    errors["contact.email"] = new("alamat email tidak valid", "email address is not valid");
            }

            if (errors.Count > 0) return new Refused(Problems.Validation(errors));
            var lat = root.GetProperty("lat").GetDouble();
            var lon = root.GetProperty("lon").GetDouble();
            // An anonymous report keeps no contact at all: nothing to leak later.
            return anonymous
                ? new Valid(new NewComplaint(lat, lon, category!, description!, null, null, null, true))
                : new Valid(new NewComplaint(lat, lon, category!, description!, Blank(name), Blank(phone), Blank(email), false));
        }
    }

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

    private static IResult? ReadCoordinate(JsonElement root, string field, Dictionary<string, Bilingual> errors, double min, double max)
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors[field] = Missing(field);
            return null;
        }
        // JSON has no NaN or Infinity; clients that send them send them as strings.
        if (element.ValueKind == JsonValueKind.String && element.GetString() is "NaN" or "Infinity" or "-Infinity")
        {
            errors[field] = new($"{field} harus berupa angka terhingga", $"{field} must be a finite number");
            return null;
        }
        if (element.ValueKind != JsonValueKind.Number) return Problems.WrongType(field, "angka");
        if (!element.TryGetDouble(out var value)) value = double.PositiveInfinity;
        if (RangeError(field, value, min, max) is { } error) errors[field] = error;
        return null;
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
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
