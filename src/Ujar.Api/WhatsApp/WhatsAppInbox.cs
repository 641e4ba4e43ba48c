using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// A message from WhatsApp, kept from the moment the webhook answered 200 until it is processed (and 7 days more, so a
/// re-delivery finds its id). <see cref="Id"/> is the arrival order; <see cref="MessageId"/> (Meta's <c>wamid</c>) is
/// unique, so a message Meta delivers twice is stored and handled once.
/// </summary>
public sealed class WhatsAppInboxMessage
{
    public long Id { get; set; }
    public required string MessageId { get; set; }

    /// <summary>The sender's number in digits (Meta's <c>wa_id</c>): contact data, never logged in full.</summary>
    public required string WaId { get; set; }
    public string? ProfileName { get; set; }
    public WhatsAppMessageKind Kind { get; set; }
    public string? Text { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? MediaId { get; set; }
    public string? ReplyId { get; set; }

    /// <summary>Meta's timestamp: one sender's messages are processed in this order, then by arrival.</summary>
    public DateTime SentAt { get; set; }
    public DateTime ReceivedAt { get; set; }

    /// <summary>Played by <c>serve --demo-live</c>: the complaint is marked demo and no reply leaves the service.</summary>
    public bool IsDemo { get; set; }

    /// <summary>Set when done, whether handled or given up (<see cref="GaveUp"/>).</summary>
    public DateTime? ProcessedAt { get; set; }
    public bool GaveUp { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// A delivery callback as Meta sent it. Kept as a row of its own because a callback can arrive before the sender has
/// committed the message id it belongs to; the sender then applies the receipts already there.
/// </summary>
public sealed class WhatsAppDeliveryReceipt
{
    public long Id { get; set; }
    public required string MessageId { get; set; }
    public required string Status { get; set; }
    public DateTime At { get; set; }
    public string? Error { get; set; }
}

/// <summary>What the webhook stores: everything of one delivery in one transaction, or nothing.</summary>
public static class WhatsAppInbox
{
    /// <summary>
    /// A webhook body whose signature was checked (or a demo conversation made in this process): parsed and stored, or
    /// refused as a whole. The webhook and <c>serve --demo-live</c> both come here, so a demo message takes the very
    /// path a person's does. <c>NewMessages</c> is how many messages were not seen before.
    /// </summary>
    public static async Task<(WhatsAppWebhook.ParseOutcome Outcome, int NewMessages)> ReceiveAsync(UjarDb db, byte[] body, DateTime nowUtc,
        bool isDemo, CancellationToken ct)
    {
        var outcome = WhatsAppWebhook.Parse(body);
        return outcome is WhatsAppWebhook.Parsed parsed ? (outcome, await StoreAsync(db, parsed.Batch, nowUtc, isDemo, ct)) : (outcome, 0);
    }

    /// <summary>
    /// Inserts the batch's new messages (a message id seen before is skipped) and its delivery receipts, and brings the
    /// outbox rows the receipts name up to date. Returns how many messages were new.
    /// </summary>
    public static async Task<int> StoreAsync(UjarDb db, WebhookBatch batch, DateTime nowUtc, bool isDemo, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inserted = 0;
        foreach (var m in batch.Messages)
        {
            var kind = m.Kind.ToString();
            inserted += await db.Database.ExecuteSqlAsync($"""
                INSERT INTO whatsapp_inbox (message_id, wa_id, profile_name, kind, text, latitude, longitude, media_id, reply_id,
                                            sent_at, received_at, is_demo, gave_up, attempts, next_attempt_at)
                VALUES ({m.MessageId}, {m.WaId}, {m.ProfileName}, {kind}, {m.Text}, {m.Latitude}, {m.Longitude}, {m.MediaId}, {m.ReplyId},
                        {m.SentAt}, {nowUtc}, {isDemo}, false, 0, {nowUtc})
                ON CONFLICT (message_id) DO NOTHING
                """, ct);
        }
        // In id order, so two deliveries naming the same messages take the locks in the same order.
        foreach (var status in batch.Statuses.OrderBy(s => s.MessageId, StringComparer.Ordinal))
        {
            await LockSentMessageAsync(db, status.MessageId, ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO whatsapp_delivery_receipts (message_id, status, at, error)
                VALUES ({status.MessageId}, {status.Status}, {status.At}, {status.Error})
                ON CONFLICT (message_id, status) DO NOTHING
                """, ct);
            await ApplyReceiptsAsync(db, status.MessageId, ct);
        }
        await tx.CommitAsync(ct);
        return inserted;
    }

    /// <summary>
    /// Serialises the webhook's receipts and the sender's recording of the same message id: whichever commits second
    /// sees the other's row, so a "delivered" that overtook our own bookkeeping is never lost.
    /// </summary>
    public static Task LockSentMessageAsync(UjarDb db, string messageId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('ujar.whatsapp.sent'), hashtext({messageId}))", ct);

    /// <summary>Sets the outbox row's delivery status to the furthest receipt: failed, else read, delivered, sent.</summary>
    public static Task ApplyReceiptsAsync(UjarDb db, string messageId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE whatsapp_outbox o SET delivery_status = r.status, delivery_status_at = r.at, delivery_error = r.error
            FROM (SELECT status, at, error FROM whatsapp_delivery_receipts WHERE message_id = {messageId}
                  ORDER BY CASE status WHEN 'failed' THEN 4 WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 WHEN 'sent' THEN 1 ELSE 0 END DESC,
                           at DESC
                  LIMIT 1) r
            WHERE o.sent_message_id = {messageId}
            """, ct);
}
