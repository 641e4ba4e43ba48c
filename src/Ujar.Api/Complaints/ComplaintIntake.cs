using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Complaints;

/// <summary>
/// A complaint as one of the doors hands it to the intake. <see cref="IdempotencyKey"/> is unique per channel: a retry
/// with the same key returns the complaint stored the first time. <see cref="Photos"/> are already decoded and
/// re-encoded (<see cref="PhotoStore.ProcessAsync"/>), so no EXIF reaches the intake.
/// </summary>
public sealed record IntakeRequest(IntakeChannel Channel, ComplaintFields Fields)
{
    public string? IdempotencyKey { get; init; }
    public IReadOnlyList<ProcessedPhoto> Photos { get; init; } = [];
    /// <summary>A link to media held elsewhere (Open311 <c>media_url</c>); kept as text, never fetched.</summary>
    public string? MediaLink { get; init; }
    public int? ChannelKeyId { get; init; }
    /// <summary>Made up by <c>serve --demo-live</c> (its WhatsApp conversations), not filed by a person.</summary>
    public bool IsDemo { get; init; }
}

/// <summary>The answer to a filing. <see cref="ReporterToken"/> is the reporter's secret for this ticket, given only in
/// the first answer (a replay has none); each door decides whether its caller may see it.</summary>
public sealed record FiledComplaint(long Id, string Ticket, string Status, string Category,
    CodeName Kelurahan, CodeName Kecamatan, CodeName Opd, bool Snapped, double SnappedMeters, DateTimeOffset CreatedAt,
    string? ReporterToken, IReadOnlyList<PhotoView> Photos);

/// <summary>
/// The one way a complaint gets in, whichever door it came by (the web map, Open311, WhatsApp): the same checks, the
/// same routing with the 200 m coastal snap, the same photo handling, the same idempotency and the same live events.
/// The doors only read their own format and translate the outcome back into it.
/// </summary>
public sealed class ComplaintIntake(City city, ComplaintRouter router, ComplaintWriter writer, PhotoStore photoStore, IDbContextFactory<UjarDb> dbFactory)
{
    public abstract record Outcome;
    /// <summary>Stored and committed, or (<paramref name="Replayed"/>) stored earlier under the same idempotency key.</summary>
    public sealed record Filed(FiledComplaint Complaint, bool Replayed) : Outcome;
    /// <summary>Nothing stored (except in <c>photos_not_stored</c>, whose problem names the ticket that was). The problem
    /// carries a status, a stable <c>code</c>, both languages and per-field <c>errors</c> named as in the web's JSON.</summary>
    public sealed record Refused(ProblemHttpResult Problem) : Outcome;

    public async Task<Outcome> FileAsync(IntakeRequest request, CancellationToken ct)
    {
        if (ComplaintRules.Check(request.Fields, router.IsKnownCategory, out var errors) is not { } input)
            return new Refused(Problems.Validation(errors));
        if (request.MediaLink is { } link && MediaLinkError(link) is { } linkError)
            return new Refused(Problems.Validation(new Dictionary<string, Bilingual> { ["mediaLink"] = linkError }));
        // Each door checks its own keys; this guards the column, so no row the database would refuse reaches the writer's
        // batch (where it would fail its neighbours' commit and make the writer retry them one by one).
        if (request.IdempotencyKey is { } key && ComplaintRules.IdempotencyKeyProblem(key, ComplaintRules.MaxStoredIdempotencyKeyLength) is { } keyProblem)
            return new Refused(keyProblem);
        if (router.Route(input.Lon, input.Lat, input.Category) is not { Opd: { } opd } decision)
            return new Refused(Problems.OutsideServiceArea(city));

        var complaint = Complaint.Routed(decision, Wgs84.Point(input.Lon, input.Lat), input.Description);
        complaint.ReporterName = input.ContactName;
        complaint.ReporterPhone = input.ContactPhone;
        complaint.ReporterEmail = input.ContactEmail;
        complaint.Anonymous = input.Anonymous;
        complaint.Channel = request.Channel;
        complaint.ChannelKeyId = request.ChannelKeyId;
        complaint.MediaLink = request.MediaLink;
        complaint.IsDemo = request.IsDemo;
        complaint.IdempotencyKey = string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey;
        var reporterToken = ReporterToken.New();
        complaint.ReporterTokenHash = ReporterToken.Hash(reporterToken);
        var photos = request.Photos;

        // The photo files are written before the complaint is queued and their rows inserted right after it commits.
        // Files first means a row never exists without its file, and the only step left after the commit is one small
        // INSERT, so the time in which the complaint is visible without its photos stays short. Putting the rows into
        // the writer's batch would make it atomic but would hold a group commit shared by many citizens hostage to one
        // upload. Files of a complaint that is not stored after all (a replay, a failed write) are deleted again.
        try
        {
            await photoStore.SaveFilesAsync(photos, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Refused(PhotoProblems.NotStored());
        }

        WriteOutcome outcome;
        try
        {
            outcome = await writer.WriteAsync(complaint, ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or DbUpdateException or TimeoutException or InvalidOperationException)
        {
            photoStore.DeleteFiles(photos);
            // The request's fault, not the database's: ClientFaults answers it (422), where a 503 would invite a retry.
            if (ClientFaults.IsNulRefusal(ex)) throw;
            return new Refused(Problems.ServiceUnavailable());
        }

        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var stored = outcome.Complaint;
        if (outcome.Replayed) photoStore.DeleteFiles(photos);
        else if (photos.Count > 0)
        {
            try
            {
                // Not the caller's token: the complaint is committed, so its photos follow even if the caller left.
                // A new complaint has no photos yet, so its at most three cannot exceed the limit.
                await photoStore.AttachAsync(db, stored.Id, PhotoKind.Report, photos, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or DbUpdateException or TimeoutException or InvalidOperationException)
            {
                photoStore.DeleteFiles(photos);
                return new Refused(PhotoProblems.NotStoredWithComplaint(stored.Ticket, reporterToken));
            }
        }
        if (outcome.Replayed && !SameRequest(stored, complaint))
            return new Refused(Problems.Result(Problems.Create(409, "idempotency_key_reused",
                new Bilingual("Idempotency-Key sudah dipakai untuk laporan lain", "Idempotency-Key already used for another complaint"),
                new Bilingual($"Kunci ini milik tiket {stored.Ticket}. Gunakan kunci baru untuk laporan baru.",
                    $"This key belongs to ticket {stored.Ticket}. Use a new key for a new complaint."))));

        if (!outcome.Replayed)
            return new Filed(new FiledComplaint(stored.Id, stored.Ticket, ComplaintStatuses.ToApi(stored.Status), stored.CategoryCode,
                Names(decision.Area.Kelurahan), Names(decision.Area.Kecamatan), new CodeName(opd.Code, opd.Name),
                stored.Snapped, Math.Round(stored.SnapDistanceMeters, 1), Wib.ToWib(stored.CreatedAt),
                reporterToken, photos.Select(p => p.ToView(PhotoKind.Report)).ToList()), Replayed: false);

        // The first answer's names came from the generation it was routed with; read them back from there.
        var row = (await db.FindPublicAsync(stored.Ticket, CancellationToken.None))!;
        var storedPhotos = await db.Photos.AsNoTracking().Where(p => p.ComplaintId == row.Id).OrderBy(p => p.CreatedAt)
            .Select(p => p.ToView()).ToListAsync(CancellationToken.None);
        // The token was in the first answer only; it is not stored, so a retry cannot (and need not) repeat it.
        return new Filed(new FiledComplaint(row.Id, row.Ticket, ComplaintStatuses.ToApi(row.Status), row.Category,
            new CodeName(row.KelurahanCode, row.KelurahanName), new CodeName(row.KecamatanCode, row.KecamatanName),
            new CodeName(row.OpdCode, row.OpdName), row.Snapped, Math.Round(row.SnappedMeters, 1), Wib.ToWib(row.CreatedAt),
            null, storedPhotos), Replayed: true);
    }

    /// <summary>An absolute http(s) URL of sensible length, or why not.</summary>
    public static Bilingual? MediaLinkError(string link) =>
        link.Length > ComplaintRules.MaxMediaLinkLength || ComplaintRules.HasNul(link)
        || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            ? new Bilingual($"harus alamat http(s) lengkap, paling banyak {ComplaintRules.MaxMediaLinkLength} karakter",
                $"must be a full http(s) address of at most {ComplaintRules.MaxMediaLinkLength} characters")
            : null;

    private static CodeName Names(Area area) => new(area.Code, area.Name);

    private static bool SameRequest(Complaint stored, Complaint retry) =>
        stored.CategoryCode == retry.CategoryCode && stored.Description == retry.Description && stored.Location.EqualsExact(retry.Location);
}
