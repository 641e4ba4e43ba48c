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
    private readonly WakeSignal _wake = new();

    /// <summary>New messages are in the inbox: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Wake();

    /// <summary><see cref="WhatsAppOptions.Workers"/> loops claim messages side by side; the first also cleans up.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(loop => Task.Run(() => LoopAsync(cleansUp: loop == 0, stoppingToken))));

    private async Task LoopAsync(bool cleansUp, CancellationToken stoppingToken)
    {
        var nextCleanup = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // While there is work, each message handled wakes another loop, so a burst soon has them all busy.
                    while (await ProcessNextAsync(stoppingToken)) _wake.Wake();
                    if (cleansUp && clock.GetUtcNow() >= nextCleanup)
                    {
                        await CleanUpAsync(stoppingToken);
                        nextCleanup = clock.GetUtcNow().AddMinutes(options.Value.CleanupMinutes);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be away; the inbox keeps everything, so the next round picks it up.
                    logger.LogError(ex, "WhatsApp inbox round failed; trying again");
                }
                await _wake.WaitAsync(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

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

/// <summary>Lets a worker sleep until its poll interval is over or this process has handed it work.</summary>
public sealed class WakeSignal
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

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
