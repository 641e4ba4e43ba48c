using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Setup;

namespace Ujar.Api.Complaints;

/// <summary>What became of a complaint handed to the writer.</summary>
/// <param name="Complaint">The stored row: the new one, or the earlier one with the same idempotency key.</param>
/// <param name="Replayed">True when the idempotency key had already been used and nothing new was stored.</param>
public sealed record WriteOutcome(Complaint Complaint, bool Replayed);

/// <summary>
/// Group commit for new complaints. Requests that arrive together are written in one transaction (one ticket-counter
/// update, one batched INSERT, one commit, so one WAL flush), and each caller is answered only after that commit.
/// On two cores one transaction per request spends most of its time waiting for the flush; sharing it is what lets
/// intake keep up with a burst after heavy rain. A single writer loop also serialises idempotency-key checks, so
/// two concurrent retries of one request can never both insert.
/// </summary>
public sealed class ComplaintWriter(IDbContextFactory<UjarDb> dbFactory, City city, TimeProvider clock, ILogger<ComplaintWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(20_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues <paramref name="complaint"/> (ticket and time are assigned at commit) and waits for the commit.</summary>
    public async Task<WriteOutcome> WriteAsync(Complaint complaint, CancellationToken ct)
    {
        var pending = new Pending(complaint, new TaskCompletionSource<WriteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        // Once queued the write goes ahead even if the caller gives up: a retry with the same key finds it.
        return await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
                await CommitAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Whatever is still queued at shutdown is refused rather than left hanging.
        while (_queue.Reader.TryRead(out var left)) left.Done.TrySetException(new OperationCanceledException("shutting down"));
    }

    private async Task CommitAsync(List<Pending> batch, bool keyLookedUpAgain = false)
    {
        try
        {
            await CommitBatchAsync(batch);
        }
        catch (DbUpdateException ex) when (batch.Count > 1)
        {
            // One bad row must not fail its neighbours.
            logger.LogWarning(ex, "Batch of {Count} complaints failed; retrying one by one", batch.Count);
            foreach (var single in batch) await CommitAsync([single]);
        }
        catch (DbUpdateException ex) when (!keyLookedUpAgain && IsKeyTakenMeanwhile(ex))
        {
            // Another instance stored this idempotency key first (a client's retry that the load balancer sent there while
            // this try was in flight). That row is committed now, so looking again answers it as a replay.
            await CommitAsync(batch, keyLookedUpAgain: true);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not store {Count} complaints", batch.Count);
            foreach (var pending in batch) pending.Done.TrySetException(ex);
        }
    }

    private async Task CommitBatchAsync(List<Pending> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();

        // Keys are unique per channel: the same text from two doors names two complaints.
        var keys = batch.Where(p => p.Complaint.IdempotencyKey is not null).Select(p => p.Complaint.IdempotencyKey!).Distinct().ToList();
        var existing = keys.Count == 0
            ? new Dictionary<(IntakeChannel, string), Complaint>()
            : (await db.Complaints.AsNoTracking().Where(c => keys.Contains(c.IdempotencyKey!)).ToListAsync())
                .ToDictionary(c => (c.Channel, c.IdempotencyKey!));

        var toInsert = new List<Pending>(batch.Count);
        var firstWithKey = new Dictionary<(IntakeChannel, string), Pending>();
        var followers = new List<(Pending Follower, Pending Leader)>();
        foreach (var pending in batch)
        {
            var key = pending.Complaint.IdempotencyKey is { } text ? (pending.Complaint.Channel, text) : ((IntakeChannel, string)?)null;
            if (key is { } k1 && existing.TryGetValue(k1, out var stored))
                pending.Done.TrySetResult(new WriteOutcome(stored, true));
            else if (key is { } k2 && firstWithKey.TryGetValue(k2, out var leader))
                followers.Add((pending, leader));
            else
            {
                if (key is { } k3) firstWithKey[k3] = pending;
                toInsert.Add(pending);
            }
        }
        if (toInsert.Count == 0) return;

        var now = clock.GetUtcNow().UtcDateTime;
        var year = Wib.Year(now);
        var last = await Tickets.ReserveAsync(db, year, toInsert.Count);
        var number = last - toInsert.Count;
        foreach (var pending in toInsert)
        {
            pending.Complaint.CreatedAt = now;
            pending.Complaint.Ticket = Tickets.Format(city.TicketPrefix, year, ++number);
        }
        db.Complaints.AddRange(toInsert.Select(p => p.Complaint));
        await db.SaveChangesAsync();
        var filed = toInsert.Select(p => LiveEvents.Of(LiveEventType.ComplaintFiled, p.Complaint, now)).ToList();
        await LiveEvents.AppendAsync(db, filed, CancellationToken.None);
        await tx.CommitAsync();

        foreach (var pending in toInsert) pending.Done.TrySetResult(new WriteOutcome(pending.Complaint, false));
        foreach (var (follower, leader) in followers) follower.Done.TrySetResult(new WriteOutcome(leader.Complaint, true));
    }

    /// <summary>The unique index on (idempotency key, channel) refused the row: another writer stored that key first.</summary>
    private static bool IsKeyTakenMeanwhile(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_complaints_idempotency_key_channel" };

    private sealed record Pending(Complaint Complaint, TaskCompletionSource<WriteOutcome> Done);
}

/// <summary>Public ticket numbers such as <c>UJR-2026-000123</c>: the city's prefix, one sequence per WIB year, readable over the phone.</summary>
public static class Tickets
{
    public static string Format(string prefix, int year, int number) => $"{prefix}-{year}-{number:D6}";

    /// <summary>A ticket of the city anywhere in a text (a WhatsApp message), in any case.</summary>
    public static Regex Pattern(string prefix) =>
        new($@"\b{Regex.Escape(prefix)}-\d{{4}}-\d{{6}}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Reserves <paramref name="count"/> consecutive numbers of <paramref name="year"/> inside the caller's
    /// transaction: if it rolls back, so does the reservation, and a committed number is never handed out again.</summary>
    /// <returns>The last number reserved.</returns>
    public static async Task<int> ReserveAsync(UjarDb db, int year, int count)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO ticket_counters (year, last_number) VALUES ($1, $2)
            ON CONFLICT (year) DO UPDATE SET last_number = ticket_counters.last_number + EXCLUDED.last_number
            RETURNING last_number
            """, connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = year });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Waktu Indonesia Barat: UTC+7 all year (no daylight saving since 1964), so a fixed offset is exact.</summary>
public static class Wib
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);
    public static int Year(DateTime utc) => (utc + Offset).Year;
    public static DateTimeOffset ToWib(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset);

    /// <summary>00:00 WIB of <paramref name="wibDate"/>, in UTC.</summary>
    public static DateTime StartOfDayUtc(DateOnly wibDate) =>
        DateTime.SpecifyKind(wibDate.ToDateTime(TimeOnly.MinValue) - Offset, DateTimeKind.Utc);
}
