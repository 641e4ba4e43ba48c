using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Photos;

/// <summary>
/// Reads <c>multipart/form-data</c> with file parts named <c>photos</c> and, when filing, a text part <c>complaint</c>
/// holding the same JSON as a plain JSON filing. The photos are kept as bytes: the caller judges everything cheaper
/// first (the complaint's JSON, the reporter's token) and only then has them decoded with <see cref="DecodeAsync"/>, so a
/// request refused for its text never costs a decode. A part's own Content-Type and file name are ignored: only the
/// bytes say what a file is.
/// </summary>
public static class PhotoForm
{
    public const string PhotosPart = "photos";
    public const string ComplaintPart = "complaint";

    /// <summary>The largest request taken: three photos at their limit, the complaint's JSON at its limit, and room for
    /// the boundaries and part headers around them.</summary>
    public const long MaxRequestBytes = PhotoStore.MaxReportPhotos * (long)PhotoStore.MaxUploadBytes + ComplaintRules.MaxBodyBytes + 16 * 1024;

    public abstract record Outcome;
    /// <summary>The JSON part (when one was asked for) and the photo files, none of them decoded yet.</summary>
    public sealed record Read(byte[]? Json, IReadOnlyList<RawPhoto> Photos) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <param name="jsonPart">The name of the JSON part the caller needs, or null when only photos may come.</param>
    public static async Task<Outcome> ReadAsync(HttpRequest request, string? jsonPart, CancellationToken ct)
    {
        var (parts, problem) = await MultipartForms.ReadAsync(request, MaxRequestBytes, (name, fileName, before) =>
            name == jsonPart && before.All(p => p.Name != jsonPart) ? PartRule.Take(ComplaintRules.MaxBodyBytes, Problems.TooLarge(ComplaintRules.MaxBodyBytes))
            : name == PhotosPart ? PhotoRule(before.Count(p => p.Name == PhotosPart), fileName ?? "", PhotoProblems.TooManyInRequest())
            : PartRule.Refuse(PhotoProblems.UnexpectedPart(name, jsonPart)), ct);
        if (parts is null) return new Refused(problem!);

        var json = parts.FirstOrDefault(p => p.Name == jsonPart)?.Bytes;
        var photos = Photos(parts, PhotosPart);
        if (jsonPart is not null && json is null) return new Refused(PhotoProblems.MissingPart(jsonPart));
        if (jsonPart is null && photos.Count == 0) return new Refused(PhotoProblems.NoPhotos());
        return new Read(json, photos);
    }

    /// <summary>The rule for a photo file that would be the <paramref name="index"/>-th of its kind: at most
    /// <see cref="PhotoStore.MaxUploadBytes"/>, and refused with <paramref name="tooMany"/> past
    /// <see cref="PhotoStore.MaxReportPhotos"/>.</summary>
    public static PartRule PhotoRule(int index, string fileName, IResult tooMany) =>
        index == PhotoStore.MaxReportPhotos
            ? PartRule.Refuse(tooMany)
            : PartRule.Take(PhotoStore.MaxUploadBytes, PhotoProblems.PhotoTooLarge(index, fileName.Length > 0 ? fileName : $"{PhotosPart}[{index}]"));

    /// <summary>The files of the parts named <paramref name="part"/>, in order, each named by its file name or its place.</summary>
    public static List<RawPhoto> Photos(IEnumerable<FormPart> parts, string part) =>
        parts.Where(p => p.Name == part).Select((p, i) => new RawPhoto(p.FileName is { Length: > 0 } name ? name : $"{part}[{i}]", p.Bytes)).ToList();

    /// <summary>
    /// Decodes and re-encodes <paramref name="photos"/> in order (see <see cref="PhotoStore.ProcessAsync"/>), refusing at
    /// the first one not taken; errors name it <c>photos[i]</c>. The decodes count against the client's address
    /// (<see cref="DecodeShares"/>): a client over its share is answered 429 with <c>Retry-After</c>.
    /// </summary>
    public static async Task<(IReadOnlyList<ProcessedPhoto>? Photos, IResult? Problem)> DecodeAsync(IReadOnlyList<RawPhoto> photos, PhotoStore store,
        HttpContext http, CancellationToken ct)
    {
        var processed = new List<ProcessedPhoto>(photos.Count);
        foreach (var raw in photos)
        {
            var (photo, refusal) = await store.ProcessAsync(raw.Bytes, http.Connection.RemoteIpAddress, ct);
            if (photo is null)
            {
                if (refusal == PhotoRefusal.Busy)
                    http.Response.Headers.RetryAfter = ((int)DecodeShares.Wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return (null, PhotoProblems.NotTaken(refusal, processed.Count, raw.FileName));
            }
            processed.Add(photo);
        }
        return (processed, null);
    }
}

/// <summary>The refusals of photo uploads, in both languages. Status codes: 413 for size, 415 for bytes that are not
/// a JPEG, PNG or WebP, 422 for one that claims to be but does not decode (or is absurdly large), 409 for a fourth photo
/// added to a complaint, 403 for a wrong reporter token.</summary>
public static class PhotoProblems
{
    private const string Formats = "JPEG, PNG, WebP";

    public static IResult RequestTooLarge() =>
        Problems.Result(Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
            new Bilingual("Isi permintaan terlalu besar", "Request body too large"),
            new Bilingual($"Paling banyak {PhotoStore.MaxReportPhotos} foto, masing-masing {PhotoStore.MaxUploadBytes >> 20} MB.",
                $"At most {PhotoStore.MaxReportPhotos} photos of {PhotoStore.MaxUploadBytes >> 20} MB each.")));

    public static IResult PhotoTooLarge(int index, string fileName) =>
        Problems.Result(Problems.Create(StatusCodes.Status413PayloadTooLarge, "photo_too_large",
            new Bilingual("Foto terlalu besar", "Photo too large"),
            new Bilingual($"Foto '{Shorten(fileName)}' lebih dari {PhotoStore.MaxUploadBytes >> 20} MB.",
                $"Photo '{Shorten(fileName)}' is larger than {PhotoStore.MaxUploadBytes >> 20} MB."),
            Field(index, new Bilingual($"paling besar {PhotoStore.MaxUploadBytes >> 20} MB", $"at most {PhotoStore.MaxUploadBytes >> 20} MB"))));

    public static IResult NotTaken(PhotoRefusal refusal, int index, string fileName)
    {
        var name = Shorten(fileName);
        return refusal switch
        {
            PhotoRefusal.NotAPhoto => Problems.Result(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_photo_type",
                new Bilingual("Jenis file foto tidak didukung", "Unsupported photo type"),
                new Bilingual($"File '{name}' bukan foto {Formats}.", $"File '{name}' is not a {Formats} photo."),
                Field(index, new Bilingual($"harus foto {Formats}", $"must be a {Formats} photo")))),
            PhotoRefusal.TooManyPixels => Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "photo_too_many_pixels",
                new Bilingual("Resolusi foto terlalu besar", "Photo resolution too high"),
                new Bilingual($"Foto '{name}' lebih dari {PhotoImage.MaxPixels / 1_000_000} megapiksel (PNG: {PhotoImage.MaxDecodedPixels / 1_000_000} megapiksel).",
                    $"Photo '{name}' has more than {PhotoImage.MaxPixels / 1_000_000} megapixels (PNG: {PhotoImage.MaxDecodedPixels / 1_000_000} megapixels)."),
                Field(index, new Bilingual($"paling banyak {PhotoImage.MaxPixels / 1_000_000} megapiksel", $"at most {PhotoImage.MaxPixels / 1_000_000} megapixels")))),
            PhotoRefusal.Busy => Problems.Result(Problems.Create(StatusCodes.Status429TooManyRequests, "photo_decodes_busy",
                new Bilingual("Terlalu banyak foto sedang diproses", "Too many photos in progress"),
                new Bilingual($"Foto dari alamat Anda sudah diproses {DecodeShares.PerClient} sekaligus. Kirim lagi sebentar lagi.",
                    $"{DecodeShares.PerClient} photos from your address are already being processed. Send again shortly."))),
            _ => Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "photo_unreadable",
                new Bilingual("Foto tidak dapat dibaca", "Photo cannot be read"),
                new Bilingual($"File '{name}' rusak atau terpotong. Kirim ulang fotonya.", $"File '{name}' is damaged or incomplete. Send the photo again."),
                Field(index, new Bilingual("rusak atau terpotong", "damaged or incomplete")))),
        };
    }

    public static IResult TooManyInRequest() =>
        Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "too_many_photos",
            new Bilingual("Terlalu banyak foto", "Too many photos"),
            new Bilingual($"Paling banyak {PhotoStore.MaxReportPhotos} foto per laporan.", $"At most {PhotoStore.MaxReportPhotos} photos per complaint.")));

    public static IResult ComplaintFull(string ticket) =>
        Problems.Result(Problems.Create(StatusCodes.Status409Conflict, "too_many_photos",
            new Bilingual("Terlalu banyak foto", "Too many photos"),
            new Bilingual($"Tiket {ticket} akan memiliki lebih dari {PhotoStore.MaxReportPhotos} foto.",
                $"Ticket {ticket} would have more than {PhotoStore.MaxReportPhotos} photos.")));

    public static IResult NoPhotos() =>
        Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "no_photos",
            new Bilingual("Tidak ada foto", "No photo"),
            new Bilingual($"Kirim satu sampai {PhotoStore.MaxReportPhotos} file pada bagian '{PhotoForm.PhotosPart}'.",
                $"Send one to {PhotoStore.MaxReportPhotos} files in the '{PhotoForm.PhotosPart}' part.")));

    public static IResult MissingPart(string part) =>
        Problems.Result(Problems.Create(StatusCodes.Status400BadRequest, "missing_part",
            new Bilingual($"Bagian '{part}' tidak ada", $"Part '{part}' missing"),
            new Bilingual($"Data laporan (JSON) dikirim pada bagian '{part}'.", $"The complaint's JSON goes in the '{part}' part.")));

    public static IResult UnexpectedPart(string part, string? jsonPart)
    {
        var expected = jsonPart is null ? $"'{PhotoForm.PhotosPart}'" : $"'{jsonPart}', '{PhotoForm.PhotosPart}'";
        return Problems.Result(Problems.Create(StatusCodes.Status400BadRequest, "unexpected_part",
            new Bilingual($"Bagian '{Shorten(part)}' tidak dikenal", $"Unexpected part '{Shorten(part)}'"),
            new Bilingual($"Bagian yang diterima: {expected} (masing-masing sekali, foto paling banyak {PhotoStore.MaxReportPhotos}).",
                $"Parts taken: {expected} (each once, at most {PhotoStore.MaxReportPhotos} photos).")));
    }

    public static IResult MalformedMultipart(string what) =>
        Problems.Result(Problems.Create(StatusCodes.Status400BadRequest, "malformed_multipart",
            new Bilingual("Format multipart tidak valid", "Malformed multipart body"),
            new Bilingual($"Isi permintaan bukan multipart/form-data yang valid ({Shorten(what)}).",
                $"The request body is not valid multipart/form-data ({Shorten(what)}).")));

    public static IResult MultipartExpected() =>
        Problems.Result(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "multipart_expected",
            new Bilingual("Jenis konten tidak didukung", "Unsupported media type"),
            new Bilingual("Foto dikirim sebagai multipart/form-data.", "Photos are sent as multipart/form-data.")));

    public static IResult WrongReporterToken() =>
        Problems.Result(Problems.Create(StatusCodes.Status403Forbidden, "wrong_reporter_token",
            new Bilingual("Token pelapor tidak cocok", "Reporter token does not match"),
            new Bilingual($"Hanya pelapor, dengan token yang diberikan saat melapor (header {ReporterToken.Header}), yang dapat menambah foto.",
                $"Only the reporter, with the token given at filing (header {ReporterToken.Header}), can add photos.")));

    public static ProblemHttpResult NotStored() =>
        Problems.Result(Problems.Create(StatusCodes.Status503ServiceUnavailable, "service_unavailable",
            new Bilingual("Layanan sedang tidak tersedia", "Service temporarily unavailable"),
            new Bilingual("Foto belum tersimpan. Silakan coba lagi sebentar lagi.", "The photos were not stored. Please try again shortly.")));

    /// <summary>The complaint was committed but its photos could not be kept: it exists, so the reporter gets what they
    /// need to add the photos again instead of filing a second time.</summary>
    public static ProblemHttpResult NotStoredWithComplaint(string ticket, string reporterToken)
    {
        var problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, "photos_not_stored",
            new Bilingual("Foto belum tersimpan", "Photos not stored"),
            new Bilingual($"Laporan tersimpan sebagai tiket {ticket}, tetapi fotonya belum. Kirim ulang foto dari halaman tiket.",
                $"The complaint is filed as ticket {ticket}, but its photos are not. Send the photos again from the ticket's page."));
        problem.Extensions["ticket"] = ticket;
        problem.Extensions["reporterToken"] = reporterToken;
        return Problems.Result(problem);
    }

    private static Dictionary<string, Bilingual> Field(int index, Bilingual error) => new() { [$"{PhotoForm.PhotosPart}[{index}]"] = error };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
