using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.WhatsApp;

public enum OutboxState
{
    /// <summary>Waiting to be sent (again, after <see cref="WhatsAppOutboxMessage.NextAttemptAt"/>).</summary>
    Pending,
    /// <summary>The Graph API accepted it; <see cref="WhatsAppOutboxMessage.SentMessageId"/> is its id.</summary>
    Sent,
    /// <summary>Never sent on purpose: outbound not configured (logged instead) or a demo conversation.</summary>
    NotSent,
    /// <summary>Refused by the Graph API (a 4xx other than 429) or still failing after the last attempt.</summary>
    Failed,
}

/// <summary>
/// One message for a person's WhatsApp: every bot reply and every status change of their complaint. Rows are written in
/// the transaction that decided to send them, under a unique <see cref="DedupeKey"/> (the incoming message and the
/// reply's place, or the live event's sequence), so a decision made twice still gives one row; the sender then delivers
/// each row once, in order per recipient.
/// </summary>
public sealed class WhatsAppOutboxMessage
{
    public long Id { get; set; }
    public required string DedupeKey { get; set; }

    /// <summary>The recipient's number in digits: contact data, never logged in full.</summary>
    public required string WaId { get; set; }

    /// <summary>The Graph API message without its envelope: <c>{"type":"text","text":{…}}</c> or <c>{"type":"interactive",…}</c>.</summary>
    public required string Body { get; set; }
    public long? ComplaintId { get; set; }
    public bool IsDemo { get; set; }
    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? SentMessageId { get; set; }

    /// <summary>The furthest delivery callback so far: <c>sent</c>, <c>delivered</c>, <c>read</c> or <c>failed</c>.</summary>
    public string? DeliveryStatus { get; set; }
    public DateTime? DeliveryStatusAt { get; set; }
    public string? DeliveryError { get; set; }
}

public static class WhatsAppOutbox
{
    /// <summary>Queues <paramref name="content"/> for <paramref name="waId"/> inside the caller's transaction; a row
    /// with the same <paramref name="dedupeKey"/> already there means this one is not added. True when added.</summary>
    public static async Task<bool> EnqueueAsync(UjarDb db, string dedupeKey, string waId, JsonObject content, bool isDemo, long? complaintId,
        DateTime nowUtc, CancellationToken ct)
    {
        var body = content.ToJsonString();
        var state = nameof(OutboxState.Pending);
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO whatsapp_outbox (dedupe_key, wa_id, body, complaint_id, is_demo, state, attempts, next_attempt_at, created_at)
            VALUES ({dedupeKey}, {waId}, CAST({body} AS jsonb), {complaintId}, {isDemo}, {state}, 0, {nowUtc}, {nowUtc})
            ON CONFLICT (dedupe_key) DO NOTHING
            """, ct) == 1;
    }
}

/// <summary>
/// The Graph API's message shapes, cut to WhatsApp's limits: a list has at most 10 rows in all, a row title 24
/// characters, a row description 72, a section title 24, the list button and a reply button 20. Longer text is
/// shortened with "…" rather than refused by Meta.
/// </summary>
public static class GraphMessages
{
    public const int MaxListRows = 10;
    public const int MaxRowTitle = 24;
    public const int MaxRowDescription = 72;
    public const int MaxSectionTitle = 24;
    public const int MaxButtonTitle = 20;
    public const int MaxBody = 1024;
    public const int MaxText = 4096;

    public sealed record ListRow(string Id, string Title, string? Description);

    public static JsonObject Text(string body) => new()
    {
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = Fit(body, MaxText) },
    };

    public static JsonObject List(string body, string button, string sectionTitle, IReadOnlyList<ListRow> rows)
    {
        if (rows.Count is 0 or > MaxListRows) throw new ArgumentOutOfRangeException(nameof(rows), rows.Count, "a list has 1 to 10 rows");
        var jsonRows = new JsonArray();
        foreach (var row in rows)
        {
            var item = new JsonObject { ["id"] = row.Id, ["title"] = Fit(row.Title, MaxRowTitle) };
            if (!string.IsNullOrEmpty(row.Description)) item["description"] = Fit(row.Description, MaxRowDescription);
            jsonRows.Add(item);
        }
        return new JsonObject
        {
            ["type"] = "interactive",
            ["interactive"] = new JsonObject
            {
                ["type"] = "list",
                ["body"] = new JsonObject { ["text"] = Fit(body, MaxBody) },
                ["action"] = new JsonObject
                {
                    ["button"] = Fit(button, MaxButtonTitle),
                    ["sections"] = new JsonArray(new JsonObject { ["title"] = Fit(sectionTitle, MaxSectionTitle), ["rows"] = jsonRows }),
                },
            },
        };
    }

    public static JsonObject Buttons(string body, params (string Id, string Title)[] buttons) => new()
    {
        ["type"] = "interactive",
        ["interactive"] = new JsonObject
        {
            ["type"] = "button",
            ["body"] = new JsonObject { ["text"] = Fit(body, MaxBody) },
            ["action"] = new JsonObject
            {
                ["buttons"] = new JsonArray(buttons.Select(b => (JsonNode)new JsonObject
                {
                    ["type"] = "reply",
                    ["reply"] = new JsonObject { ["id"] = b.Id, ["title"] = Fit(b.Title, MaxButtonTitle) },
                }).ToArray()),
            },
        },
    };

    /// <summary>What a person would read of <paramref name="content"/>, on one line: for the log when nothing is sent.</summary>
    public static string Readable(JsonNode content)
    {
        var text = content["text"]?["body"]?.GetValue<string>();
        if (text is not null) return OneLine(text);
        var interactive = content["interactive"];
        var body = interactive?["body"]?["text"]?.GetValue<string>() ?? "";
        var choices = interactive?["action"]?["sections"]?[0]?["rows"]?.AsArray().Select(r => r!["title"]!.GetValue<string>())
                      ?? interactive?["action"]?["buttons"]?.AsArray().Select(b => b!["reply"]!["title"]!.GetValue<string>())
                      ?? [];
        return OneLine(body) + " [" + string.Join(" | ", choices) + "]";
    }

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters, ending in "…" when cut, never splitting
    /// a surrogate pair.</summary>
    public static string Fit(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    private static string OneLine(string text) => text.Replace("\r", "").Replace('\n', ' ');
}
