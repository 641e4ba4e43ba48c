using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// Works through the inbox the webhook fills: one message per transaction, the longest due first, except that a sender's
/// message waits while an earlier one of theirs (by Meta's timestamp, then arrival) is unprocessed. Several instances can run at once: a message is claimed with <c>FOR UPDATE SKIP LOCKED</c>,
/// a later message of the same sender is not eligible while an earlier one is unprocessed, and a transaction-scoped
/// advisory lock per sender keeps even a late-arriving earlier message from running beside a later one. A failed step
/// (the photo server, the database) is rolled back to a savepoint and retried with backoff, its attempts and last error
/// recorded; after <see cref="WhatsAppOptions.InboxAttempts"/> it is given up, logged, and the person is asked to send
/// it again. Every <see cref="WhatsAppOptions.CleanupMinutes"/> it also deletes stale conversations and old messages.
/// </summary>
public sealed class WhatsAppInboxWorker(IDbContextFactory<UjarDb> dbFactory, IServiceScopeFactory scopes, WhatsAppConversations conversations,
    WhatsAppOutboxSender outbox, IOptions<WhatsAppOptions> options, TimeProvider clock, ILogger<WhatsAppInboxWorker> logger) : BackgroundService
{
    private readonly WorkLoops _loops = new(options.Value.Workers, TimeSpan.FromSeconds(options.Value.PollSeconds), logger, "WhatsApp inbox");
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;

    /// <summary>New messages are in the inbox: look now rather than at the next poll.</summary>
    public void Wake() => _loops.Wake();

    /// <summary><see cref="WhatsAppOptions.Workers"/> loops claim messages side by side; the first also cleans up.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loops.RunAsync(ProcessNextAsync, async (loop, ct) =>
        {
            if (loop != 0 || clock.GetUtcNow() < _nextCleanup) return;
            await CleanUpAsync(ct);
            _nextCleanup = clock.GetUtcNow().AddMinutes(options.Value.CleanupMinutes);
        }, stoppingToken);

    /// <summary>Claims and handles the next message that is due; false when there is none.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var message = (await db.WhatsAppInbox.FromSql($"""
            SELECT * FROM whatsapp_inbox m
            WHERE m.processed_at IS NULL AND NOT m.gave_up AND m.next_attempt_at <= {now}
              AND NOT EXISTS (SELECT 1 FROM whatsapp_inbox e
                              WHERE e.wa_id = m.wa_id AND e.processed_at IS NULL AND (e.sent_at, e.id) < (m.sent_at, m.id))
            ORDER BY m.next_attempt_at, m.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct)).SingleOrDefault();
        if (message is null) return false;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('ujar.whatsapp.sender'), hashtext({message.WaId}))", ct);

        await tx.CreateSavepointAsync("handling", ct);
        try
        {
            using var scope = scopes.CreateScope();
            await conversations.HandleAsync(db, message, scope.ServiceProvider.GetRequiredService<GraphApi>(), ct);
            message.Attempts++;
            message.ProcessedAt = now;
            message.LastError = null;
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Everything the handling wrote goes; the claim and the row lock stay, so the failure is recorded here and
            // no other instance can take the message in between.
            await tx.RollbackToSavepointAsync("handling", ct);
            db.ChangeTracker.Clear();
            message = await db.WhatsAppInbox.SingleAsync(m => m.Id == message.Id, ct);
            await RecordFailureAsync(db, message, ex, now, ct);
        }
        await tx.CommitAsync(ct);
        outbox.Wake();
        return true;
    }

    private async Task RecordFailureAsync(UjarDb db, WhatsAppInboxMessage message, Exception ex, DateTime now, CancellationToken ct)
    {
        message.Attempts++;
        message.LastError = GraphMessages.Fit($"{ex.GetType().Name}: {ex.Message}", 2000);
        if (message.Attempts < options.Value.InboxAttempts)
        {
            message.NextAttemptAt = now + options.Value.Backoff(message.Attempts);
            logger.LogWarning("WhatsApp inbox message {Id} from {Number} failed (attempt {Attempts}), retrying at {Next:o}: {Error}",
                message.Id, PhoneMask.Mask(message.WaId), message.Attempts, message.NextAttemptAt, message.LastError);
            await db.SaveChangesAsync(ct);
            return;
        }
        message.ProcessedAt = now;
        message.GaveUp = true;
        logger.LogError(ex, "WhatsApp inbox message {Id} from {Number} given up after {Attempts} attempts",
            message.Id, PhoneMask.Mask(message.WaId), message.Attempts);
        await db.SaveChangesAsync(ct);
        var language = await db.WhatsAppConversations.Where(c => c.WaId == message.WaId).Select(c => (ChatLanguage?)c.Language).SingleOrDefaultAsync(ct)
                       ?? ChatLanguage.Indonesian;
        var apology = language == ChatLanguage.English ? WhatsAppTexts.GaveUp.En : WhatsAppTexts.GaveUp.Id;
        await WhatsAppOutbox.EnqueueAsync(db, $"gave-up:{message.MessageId}", message.WaId, GraphMessages.Text(apology), message.IsDemo, null, now, ct);
    }

    /// <summary>Deletes conversations left for <see cref="WhatsAppOptions.ConversationLifetime"/> (an unfinished report's
    /// location) and processed messages older than <see cref="WhatsAppOptions.ProcessedMessageRetention"/>.</summary>
    public async Task CleanUpAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - WhatsAppOptions.ConversationLifetime;
        // A conversation being answered right now is locked and updated; the DELETE waits for it and then finds it fresh.
        var conversationsDeleted = await db.WhatsAppConversations.Where(c => c.UpdatedAt < staleBefore).ExecuteDeleteAsync(ct);
        var processedBefore = now - WhatsAppOptions.ProcessedMessageRetention;
        var messagesDeleted = await db.WhatsAppInbox.Where(m => m.ProcessedAt < processedBefore).ExecuteDeleteAsync(ct);
        if (conversationsDeleted + messagesDeleted > 0)
            logger.LogInformation("WhatsApp cleanup: {Conversations} stale conversations and {Messages} old messages deleted",
                conversationsDeleted, messagesDeleted);
    }
}

/// <summary>
/// Loops that drain a durable queue side by side. Each takes items (<c>next</c> answers whether it took one) until none is
/// due, waking another loop after each item so that a burst soon has them all busy, then runs <c>afterRound</c> and
/// sleeps until this process hands it work (<see cref="Wake"/>) or the poll interval passes, when it looks for work other
/// instances queued. A failed round is logged and tried again at the next wake: the queue keeps everything.
/// </summary>
public sealed class WorkLoops(int count, TimeSpan poll, ILogger logger, string what)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; one wake-up covers any number of new rows.
        }
    }

    public Task RunAsync(Func<CancellationToken, Task<bool>> next, Func<int, CancellationToken, Task>? afterRound, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(loop => Task.Run(() => LoopAsync(loop, next, afterRound, ct), CancellationToken.None)));

    private async Task LoopAsync(int loop, Func<CancellationToken, Task<bool>> next, Func<int, CancellationToken, Task>? afterRound,
        CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    while (await next(ct)) Wake();
                    if (afterRound is not null) await afterRound(loop, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be away; the queue keeps everything, so a later round picks it up.
                    logger.LogError(ex, "{What} round failed; trying again", what);
                }
                await _signal.WaitAsync(poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
