using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.Photos;

/// <summary>What a multipart upload held: the complaint's JSON (when filing) and the photos, already re-encoded.</summary>
public sealed record PhotoUpload(byte[]? Json, IReadOnlyList<ProcessedPhoto> Photos);

/// <summary>
/// Reads <c>multipart/form-data</c> with file parts named <c>photos</c> and, when filing, a text part <c>complaint</c>
/// holding the same JSON as a plain JSON filing. Each photo is recognised and re-encoded as it arrives, so the request
/// is refused at the first bad one and nothing has been stored. A part's own Content-Type and file name are ignored:
/// only the bytes say what a file is.
/// </summary>
public static class PhotoForm
{
    public const string PhotosPart = "photos";
    public const string ComplaintPart = "complaint";

    /// <summary>The largest request taken: three photos at their limit, the complaint's JSON at its limit, and room for
    /// the boundaries and part headers around them.</summary>
    public const long MaxRequestBytes = PhotoStore.MaxReportPhotos * (long)PhotoStore.MaxUploadBytes + ComplaintRules.MaxBodyBytes + 16 * 1024;

    public abstract record Outcome;
    public sealed record Read(PhotoUpload Upload) : Outcome;
    public sealed record Refused(IResult Problem) : Outcome;

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <param name="jsonPart">The name of the JSON part the caller needs, or null when only photos may come.</param>
    public static async Task<Outcome> ReadAsync(HttpRequest request, PhotoStore store, string? jsonPart, CancellationToken ct)
    {
        if (request.ContentLength > MaxRequestBytes) return new Refused(PhotoProblems.RequestTooLarge());
        // Kestrel stops bodies at 30,000,000 bytes by default, a little less than three photos and a complaint.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = MaxRequestBytes;

        var boundary = MediaTypeHeaderValue.Parse(request.ContentType).Boundary;
        boundary = HeaderUtilities.RemoveQuotes(boundary);
        if (boundary.Length is 0 or > 200) return new Refused(PhotoProblems.MalformedMultipart("boundary"));

        byte[]? json = null;
        var photos = new List<ProcessedPhoto>();
        var reader = new MultipartReader(boundary.Value!, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (section.GetContentDispositionHeader() is not { } disposition
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return new Refused(PhotoProblems.MalformedMultipart("Content-Disposition"));
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (name == jsonPart && json is null)
                {
                    json = await ReadAtMostAsync(section.Body, ComplaintRules.MaxBodyBytes, ct);
                    if (json is null) return new Refused(Problems.TooLarge(ComplaintRules.MaxBodyBytes));
                }
                else if (name == PhotosPart)
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? $"{PhotosPart}[{photos.Count}]";
                    if (photos.Count == PhotoStore.MaxReportPhotos) return new Refused(PhotoProblems.TooManyInRequest());
                    var bytes = await ReadAtMostAsync(section.Body, PhotoStore.MaxUploadBytes, ct);
                    if (bytes is null) return new Refused(PhotoProblems.PhotoTooLarge(photos.Count, fileName));
                    var (photo, refusal) = await store.ProcessAsync(bytes, ct);
                    if (photo is null) return new Refused(PhotoProblems.NotTaken(refusal, photos.Count, fileName));
                    photos.Add(photo);
                }
                else return new Refused(PhotoProblems.UnexpectedPart(name, jsonPart));
            }
        }
        catch (InvalidDataException ex)
        {
            // MultipartReader's word for a body that is not the multipart it claims to be (no closing boundary, …).
            return new Refused(PhotoProblems.MalformedMultipart(ex.Message));
        }

        if (jsonPart is not null && json is null) return new Refused(PhotoProblems.MissingPart(jsonPart));
        if (jsonPart is null && photos.Count == 0) return new Refused(PhotoProblems.NoPhotos());
        return new Read(new PhotoUpload(json, photos));
    }

    /// <summary>The part's bytes, or null as soon as there are more than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream part, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await part.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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
                new Bilingual($"Foto '{name}' lebih dari {PhotoImage.MaxPixels / 1_000_000} megapiksel.",
                    $"Photo '{name}' has more than {PhotoImage.MaxPixels / 1_000_000} megapixels."),
                Field(index, new Bilingual($"paling banyak {PhotoImage.MaxPixels / 1_000_000} megapiksel", $"at most {PhotoImage.MaxPixels / 1_000_000} megapixels")))),
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
