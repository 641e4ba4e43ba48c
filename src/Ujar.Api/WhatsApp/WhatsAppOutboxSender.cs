using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// Sends the outbox to the Graph API, the longest due first and in order per recipient (a row waits while an older one
/// to the same number is still pending). A row is locked (<c>FOR UPDATE SKIP LOCKED</c>) for the whole call, so one instance
/// sends it at a time. Network errors, 429 and 5xx are retried with backoff up to
/// <see cref="WhatsAppOptions.OutboxAttempts"/>; another 4xx is final. Both are recorded on the row and logged. When
/// outbound is not configured, or the row belongs to a demo conversation, nothing is called: the row is marked not sent
/// and the reply is logged with the number masked, so a developer sees the bot's answers in the log.
/// </summary>
public sealed class WhatsAppOutboxSender(IDbContextFactory<UjarDb> dbFactory, IServiceScopeFactory scopes, IOptions<WhatsAppOptions> options,
    TimeProvider clock, ILogger<WhatsAppOutboxSender> logger) : BackgroundService
{
    private readonly WorkLoops _loops = new(options.Value.Workers, TimeSpan.FromSeconds(options.Value.PollSeconds), logger, "WhatsApp outbox");

    /// <summary>New rows are in the outbox: send now rather than at the next poll.</summary>
    public void Wake() => _loops.Wake();

    /// <summary><see cref="WhatsAppOptions.Workers"/> loops send side by side (a Graph call takes a while; the rows wait for
    /// none of the others' calls).</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _loops.RunAsync(SendNextAsync, null, stoppingToken);

    /// <summary>Sends (or settles) the next due row; false when there is none.</summary>
    public async Task<bool> SendNextAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // 'Pending' written out (not a parameter), so the planner can match the partial indexes on it (OutboxState.Pending).
        var row = (await db.WhatsAppOutbox.FromSql($"""
            SELECT * FROM whatsapp_outbox o
            WHERE o.state = 'Pending' AND o.sent_at IS NULL AND o.next_attempt_at <= {now}
              AND NOT EXISTS (SELECT 1 FROM whatsapp_outbox p WHERE p.wa_id = o.wa_id AND p.state = 'Pending' AND p.id < o.id)
            ORDER BY o.next_attempt_at, o.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct)).SingleOrDefault();
        if (row is null) return false;

        var content = JsonNode.Parse(row.Body)!.AsObject();
        var settings = options.Value;
        if (row.IsDemo || !settings.CanSend)
        {
            row.State = OutboxState.NotSent;
            row.LastError = row.IsDemo ? "demo conversation: never sent" : "not configured: no access token or phone number id";
            logger.LogInformation("WhatsApp reply to {Number} not sent ({Reason}): {Text}",
                PhoneMask.Mask(row.WaId), row.IsDemo ? "demo" : "not configured", GraphMessages.Readable(content));
        }
        else
        {
            using var scope = scopes.CreateScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<GraphApi>().SendAsync(row.WaId, content, ct);
            row.Attempts++;
            switch (outcome)
            {
                case GraphApi.Sent sent:
                    row.State = OutboxState.Sent;
                    row.SentAt = now;
                    row.SentMessageId = sent.MessageId;
                    row.LastError = null;
                    // A callback for this id may already be stored; take it over under the same lock the webhook takes.
                    await WhatsAppInbox.LockSentMessageAsync(db, sent.MessageId, ct);
                    await db.SaveChangesAsync(ct);
                    await WhatsAppInbox.ApplyReceiptsAsync(db, sent.MessageId, ct);
                    logger.LogDebug("WhatsApp outbox message {Id} sent to {Number}", row.Id, PhoneMask.Mask(row.WaId));
                    break;
                case GraphApi.TryAgain again when row.Attempts < settings.OutboxAttempts:
                    row.LastError = again.Error;
                    row.NextAttemptAt = now + settings.Backoff(row.Attempts);
                    logger.LogWarning("WhatsApp outbox message {Id} to {Number} not sent (attempt {Attempts}), retrying at {Next:o}: {Error}",
                        row.Id, PhoneMask.Mask(row.WaId), row.Attempts, row.NextAttemptAt, again.Error);
                    break;
                case GraphApi.TryAgain again:
                    row.State = OutboxState.Failed;
                    row.LastError = again.Error;
                    logger.LogError("WhatsApp outbox message {Id} to {Number} given up after {Attempts} attempts: {Error}",
                        row.Id, PhoneMask.Mask(row.WaId), row.Attempts, again.Error);
                    break;
                case GraphApi.Refused refused:
                    row.State = OutboxState.Failed;
                    row.LastError = refused.Error;
                    logger.LogWarning("WhatsApp outbox message {Id} to {Number} refused by the Graph API: {Error}",
                        row.Id, PhoneMask.Mask(row.WaId), refused.Error);
                    break;
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
