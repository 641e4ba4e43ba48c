using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Limits;
using Ujar.Api.Setup;

namespace Ujar.Api.Photos;

public static class PhotosApi
{
    public static IEndpointRouteBuilder MapPhotos(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/complaints/{ticket}/photos", AddPhotos).WithTags("Photos")
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<AddedPhotos>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413)
            .ProducesProblem(415).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503)
            .RequireRateLimiting(AbuseLimits.Filing);
        app.MapGet("/media/photos/{file}", ServePhoto).WithTags("Photos");
        return app;
    }

    public sealed record AddedPhotos(string Ticket, IReadOnlyList<PhotoView> Photos);

    /// <summary>The reporter adds photos after filing (multipart parts <c>photos</c>, their token in
    /// <c>X-Reporter-Token</c>), up to <see cref="PhotoStore.MaxReportPhotos"/> in all.</summary>
    private static async Task<IResult> AddPhotos(string ticket, HttpRequest request, PhotoStore store, UjarDb db, CancellationToken ct)
    {
        var normalised = ticket.Trim().ToUpperInvariant();
        var complaint = await db.Complaints.AsNoTracking().Where(c => c.Ticket == normalised)
            .Select(c => new { c.Id, c.Ticket, c.ReporterTokenHash }).FirstOrDefaultAsync(ct);
        if (complaint is null)
            return Problems.NotFound(new Bilingual($"Tiket {Shorten(ticket)} tidak ditemukan", $"Ticket {Shorten(ticket)} not found"));
        if (!ReporterToken.Matches(request.Headers[ReporterToken.Header], complaint.ReporterTokenHash))
            return PhotoProblems.WrongReporterToken();
        if (!PhotoForm.IsMultipart(request)) return PhotoProblems.MultipartExpected();
        // Refuse before the upload is read and decoded; AttachAsync checks again under a lock.
        if (await db.Photos.CountAsync(p => p.ComplaintId == complaint.Id && p.Kind == PhotoKind.Report, ct) >= PhotoStore.MaxReportPhotos)
            return PhotoProblems.ComplaintFull(complaint.Ticket);

        IReadOnlyList<RawPhoto> rawPhotos;
        switch (await PhotoForm.ReadAsync(request, jsonPart: null, ct))
        {
            case PhotoForm.Refused refused: return refused.Problem;
            case PhotoForm.Read read: rawPhotos = read.Photos; break;
            default: throw new InvalidOperationException("unreachable");
        }
        var (photos, refusal) = await PhotoForm.DecodeAsync(rawPhotos, store, request.HttpContext, ct);
        if (photos is null) return refusal!;

        PhotoStore.Stored stored;
        try
        {
            stored = await store.StoreAsync(db, complaint.Id, PhotoKind.Report, photos, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Npgsql.NpgsqlException or DbUpdateException)
        {
            return PhotoProblems.NotStored();
        }
        if (stored == PhotoStore.Stored.TooMany) return PhotoProblems.ComplaintFull(complaint.Ticket);
        return TypedResults.Created($"/api/complaints/{complaint.Ticket}",
            new AddedPhotos(complaint.Ticket, photos.Select(p => p.ToView(PhotoKind.Report)).ToList()));
    }

    /// <summary><c>{id:N}.jpg</c> or <c>{id:N}.thumb.jpg</c> (see <see cref="PhotoUrls"/>). A photo never changes once
    /// stored (a new one gets a new id), so browsers and proxies may keep it for a year without asking again.</summary>
    private static IResult ServePhoto(string file, PhotoStore store, HttpResponse response)
    {
        var thumb = file.EndsWith(".thumb.jpg", StringComparison.Ordinal);
        var id = thumb ? file[..^".thumb.jpg".Length] : file.EndsWith(".jpg", StringComparison.Ordinal) ? file[..^".jpg".Length] : "";
        if (!Guid.TryParseExact(id, "N", out var photoId) || !File.Exists(store.PathOf(photoId, thumb)))
            return Problems.NotFound(new Bilingual("Foto tidak ditemukan", "Photo not found"));
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.PhysicalFile(store.PathOf(photoId, thumb), "image/jpeg");
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
