using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;
using Ujar.Api.Data;

namespace Ujar.Api.Photos;

/// <summary>
/// Keeps photos: files in the media folder, rows in <c>photos</c>. The files of a photo are always written (and
/// flushed) before its row is committed, and deleted again when the row does not come, so a row never points at a
/// missing file. What a crash between the two can leave is a file without a row: unreachable and harmless.
/// </summary>
public sealed class PhotoStore(IOptions<PhotoOptions> options, DecodeShares shares, TimeProvider clock, ILogger<PhotoStore> logger)
{
    public const int MaxReportPhotos = 3;
    public const int MaxUploadBytes = 10 * 1024 * 1024;

    // Decoding a phone photo takes a core for a fraction of a second and up to a few hundred MB: one per core at a
    // time keeps a burst of uploads from exhausting memory, and more at once would not finish sooner anyway.
    private readonly SemaphoreSlim _decoding = new(Environment.ProcessorCount);

    public string PathOf(Guid id, bool thumb) => Path.Combine(options.Value.PhotosFolder, thumb ? $"{id:N}.thumb.jpg" : $"{id:N}.jpg");

    /// <summary>Decodes and re-encodes <paramref name="upload"/> (see <see cref="PhotoImage"/>). <paramref name="client"/> is
    /// the sender's address, whose share of decodes this takes (<see cref="DecodeShares"/>; null for a background worker).</summary>
    public async Task<(ProcessedPhoto? Photo, PhotoRefusal Refusal)> ProcessAsync(byte[] upload, IPAddress? client, CancellationToken ct)
    {
        // The header tells what the decode would cost: a bomb is refused without waiting for, or taking, a decoding slot.
        if (PhotoImage.Inspect(upload) is { } inspected) return (null, inspected);
        using var share = await shares.EnterAsync(client, ct);
        if (share is null) return (null, PhotoRefusal.Busy);
        await _decoding.WaitAsync(ct);
        try
        {
            return PhotoImage.TryProcess(upload, out var photo, out var refusal) ? (photo, refusal) : (null, refusal);
        }
        finally
        {
            _decoding.Release();
        }
    }

    /// <summary>Writes the files of <paramref name="photos"/>; on any failure removes those already written and rethrows.</summary>
    public async Task SaveFilesAsync(IReadOnlyList<ProcessedPhoto> photos, CancellationToken ct)
    {
        try
        {
            foreach (var photo in photos)
            {
                await WriteAtomicallyAsync(PathOf(photo.Id, thumb: false), photo.Jpeg, ct);
                await WriteAtomicallyAsync(PathOf(photo.Id, thumb: true), photo.Thumb, ct);
            }
        }
        catch
        {
            DeleteFiles(photos);
            throw;
        }
    }

    public void DeleteFiles(IReadOnlyList<ProcessedPhoto> photos)
    {
        foreach (var path in photos.SelectMany(p => new[] { PathOf(p.Id, thumb: false), PathOf(p.Id, thumb: true) }))
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not remove the unused photo file {Path}", path);
            }
        }
    }

    /// <summary>Inserts the rows of photos whose files are written. False, and nothing inserted, when a complaint would
    /// then have more than <see cref="MaxReportPhotos"/> report photos.</summary>
    public async Task<bool> AttachAsync(UjarDb db, long complaintId, PhotoKind kind, IReadOnlyList<ProcessedPhoto> photos, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two uploads for one complaint at the same moment must not both pass the count: the row lock queues them.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM complaints WHERE id = {complaintId} FOR UPDATE", ct);
        if (kind == PhotoKind.Report
            && await db.Photos.CountAsync(p => p.ComplaintId == complaintId && p.Kind == PhotoKind.Report, ct) + photos.Count > MaxReportPhotos)
            return false;

        var now = clock.GetUtcNow().UtcDateTime;
        // One microsecond apart (PostgreSQL's resolution), so photos sent together keep the order they were sent in.
        db.Photos.AddRange(photos.Select((p, i) => new Photo
        {
            Id = p.Id, ComplaintId = complaintId, Kind = kind, Width = p.Width, Height = p.Height, Bytes = p.Jpeg.Length,
            CreatedAt = now.AddTicks(i * TimeSpan.TicksPerMicrosecond),
        }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public enum Stored { Done, TooMany }

    /// <summary>Files, then rows; the files go again if the rows are refused or fail.</summary>
    public async Task<Stored> StoreAsync(UjarDb db, long complaintId, PhotoKind kind, IReadOnlyList<ProcessedPhoto> photos, CancellationToken ct)
    {
        await SaveFilesAsync(photos, ct);
        try
        {
            if (await AttachAsync(db, complaintId, kind, photos, ct)) return Stored.Done;
        }
        catch
        {
            DeleteFiles(photos);
            throw;
        }
        DeleteFiles(photos);
        return Stored.TooMany;
    }

    /// <summary>Temp file in the same folder, flushed to disk, then renamed: a reader sees the whole file or none,
    /// and the row committed after it never meets a file the OS still had in its cache when the power went.</summary>
    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await file.WriteAsync(bytes, ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

public static class PhotoViews
{
    public static PhotoView ToView(this Photo photo) => View(photo.Id, photo.Kind, photo.Width, photo.Height);

    public static PhotoView ToView(this ProcessedPhoto photo, PhotoKind kind) => View(photo.Id, kind, photo.Width, photo.Height);

    private static PhotoView View(Guid id, PhotoKind kind, int width, int height) =>
        new(id, kind.ToString().ToLowerInvariant(), PhotoUrls.Full(id), PhotoUrls.Thumb(id), width, height);
}
