using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ujar.Api.Setup;

/// <summary>A message a citizen can read, in Bahasa Indonesia first and English second.</summary>
public sealed record Bilingual(string Id, string En);

/// <summary>
/// RFC 7807 answers for every refusal. <c>title</c>/<c>detail</c> are in Bahasa Indonesia (the citizens'
/// language); <c>titleEn</c>/<c>detailEn</c> carry the English, and <c>code</c> is stable for programs.
/// </summary>
public static class Problems
{
    public static ProblemDetails Create(int status, string code, Bilingual title, Bilingual? detail = null,
        IReadOnlyDictionary<string, Bilingual>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            // A reference relative to the answering server: every installation documents its problems at its own address.
            Type = $"/problems/{code.Replace('_', '-')}",
            Title = title.Id,
            Detail = detail?.Id,
        };
        problem.Extensions["code"] = code;
        problem.Extensions["titleEn"] = title.En;
        if (detail is not null) problem.Extensions["detailEn"] = detail.En;
        if (errors is { Count: > 0 }) problem.Extensions["errors"] = errors;
        return problem;
    }

    /// <summary>The answer for <paramref name="problem"/>; its <see cref="ProblemHttpResult.ProblemDetails"/> stay readable, so a
    /// door that speaks another error format (Open311, WhatsApp) can translate a refusal of the shared intake.</summary>
    public static ProblemHttpResult Result(ProblemDetails problem) =>
        TypedResults.Problem(problem);

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, Bilingual> errors) =>
        Result(Create(StatusCodes.Status422UnprocessableEntity, "validation_failed",
            new Bilingual("Data laporan tidak valid", "The complaint data is not valid"),
            new Bilingual("Periksa kolom yang ditandai lalu kirim ulang.", "Check the marked fields and send again."),
            errors));

    public static IResult MalformedJson(string? reason = null) =>
        Result(Create(StatusCodes.Status400BadRequest, "malformed_json",
            new Bilingual("Format JSON tidak valid", "Malformed JSON"),
            new Bilingual("Isi permintaan bukan JSON yang valid." + Suffix(reason), "The request body is not valid JSON." + Suffix(reason))));

    public static IResult WrongType(string field, string expected) =>
        Result(Create(StatusCodes.Status400BadRequest, "wrong_type",
            new Bilingual("Tipe data salah", "Wrong data type"),
            new Bilingual($"Kolom '{field}' harus berupa {expected}.", $"Field '{field}' must be {EnglishType(expected)}."),
            new Dictionary<string, Bilingual> { [field] = new($"harus berupa {expected}", $"must be {EnglishType(expected)}") }));

    public static IResult TooLarge(long limitBytes) =>
        Result(Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
            new Bilingual("Isi permintaan terlalu besar", "Request body too large"),
            new Bilingual($"Batas ukuran adalah {limitBytes / 1024} KB.", $"The limit is {limitBytes / 1024} KB.")));

    public static IResult NotFound(Bilingual what) =>
        Result(Create(StatusCodes.Status404NotFound, "not_found", what));

    public static ProblemHttpResult OutsideServiceArea(City city) =>
        Result(Create(StatusCodes.Status422UnprocessableEntity, "outside_service_area",
            new Bilingual($"Di luar wilayah {city.Name}", "Outside the service area"),
            new Bilingual($"Titik yang dipilih tidak berada di wilayah {city.Name}. Geser pin ke lokasi di dalam wilayah itu.",
                $"The chosen point is not inside {city.NameEn}. Move the pin to a place inside it.")));

    public static ProblemHttpResult ServiceUnavailable() =>
        Result(Create(StatusCodes.Status503ServiceUnavailable, "service_unavailable",
            new Bilingual("Layanan sedang tidak tersedia", "Service temporarily unavailable"),
            new Bilingual("Laporan belum tersimpan. Silakan coba lagi sebentar lagi.", "The complaint was not stored. Please try again shortly.")));

    private static string Suffix(string? reason) => string.IsNullOrEmpty(reason) ? "" : $" ({reason})";

    private static string EnglishType(string indonesian) => indonesian switch
    {
        "angka" => "a number",
        "teks" => "a string",
        "objek" => "an object",
        "boolean" => "a boolean",
        _ => indonesian,
    };
}
