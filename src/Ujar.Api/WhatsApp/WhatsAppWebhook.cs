using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ujar.Api.Complaints;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>What a person sent, as far as the conversation cares.</summary>
public enum WhatsAppMessageKind
{
    Text,
    Location,
    Image,
    /// <summary>A row picked from one of our lists; <see cref="IncomingMessage.ReplyId"/> is the row id.</summary>
    ListReply,
    /// <summary>One of our reply buttons (or a template's quick reply); <see cref="IncomingMessage.ReplyId"/> is its id.</summary>
    ButtonReply,
    /// <summary>Audio, video, a sticker, a document, contacts…: answered with what the bot can read.</summary>
    Unsupported,
}

/// <summary>One message of a webhook. <see cref="Text"/> is a text's body or an image's caption.</summary>
public sealed record IncomingMessage(string MessageId, string WaId, string? ProfileName, DateTime SentAt, WhatsAppMessageKind Kind,
    string? Text = null, double? Latitude = null, double? Longitude = null, string? MediaId = null, string? ReplyId = null);

/// <summary>A delivery callback for a message we sent: <c>sent</c>, <c>delivered</c>, <c>read</c> or <c>failed</c>.</summary>
public sealed record DeliveryStatus(string MessageId, string Status, DateTime At, string? Error);

public sealed record WebhookBatch(IReadOnlyList<IncomingMessage> Messages, IReadOnlyList<DeliveryStatus> Statuses);

/// <summary>
/// Reads the webhook POSTs of the WhatsApp Business Cloud API
/// (<c>{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{…}}]}]}</c>) and checks
/// their signature. Only shapes this service acts on are read; other fields and change types are passed over, so a new
/// kind of notification from Meta never makes a whole delivery fail.
/// </summary>
public static class WhatsAppWebhook
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const string SignaturePrefix = "sha256=";
    private const int MaxIdLength = 200;

    public abstract record ParseOutcome;
    public sealed record Parsed(WebhookBatch Batch) : ParseOutcome;
    public sealed record NotJson(string Reason) : ParseOutcome;
    /// <summary>JSON, but not shaped like a webhook; <paramref name="Reason"/> says where.</summary>
    public sealed record Unexpected(string Reason) : ParseOutcome;

    /// <summary>
    /// Whether <paramref name="header"/> is <c>sha256=</c> + the hex HMAC-SHA256 of exactly <paramref name="body"/> under
    /// <paramref name="appSecret"/>. The comparison takes the same time wherever the first wrong byte is, so the
    /// signature cannot be guessed byte by byte from response times.
    /// </summary>
    public static bool HasValidSignature(ReadOnlySpan<byte> body, string? header, string appSecret)
    {
        if (header is null || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal)) return false;
        var hex = header.AsSpan(SignaturePrefix.Length).Trim();
        if (hex.Length != 2 * HMACSHA256.HashSizeInBytes) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Compares the hub's verify token with ours in constant time; hashing first makes even the lengths equal.</summary>
    public static bool IsVerifyToken(string? given, string? configured) =>
        !string.IsNullOrEmpty(configured) && given is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));

    public static ParseOutcome Parse(byte[] body)
    {
        // NULs are dropped from what is read (OptionalString) rather than refused: a person's chat cannot be sent back.
        var document = JsonBody.Parse(body, out var refusal, maxDepth: 32, allowNul: true);
        if (document is null) return new NotJson(refusal!.Reason);
        using (document)
        {
            try
            {
                return new Parsed(Read(document.RootElement));
            }
            catch (ShapeException ex)
            {
                return new Unexpected(ex.Message);
            }
        }
    }

    private static WebhookBatch Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ShapeException("the body is not a JSON object");
        var messages = new List<IncomingMessage>();
        var statuses = new List<DeliveryStatus>();
        // Another product's notification (a page, an Instagram account) is not ours to read.
        if (OptionalString(root, "object", "object") is { } kind && kind != "whatsapp_business_account") return new WebhookBatch(messages, statuses);

        foreach (var (entry, e) in Objects(root, "entry", "entry"))
        foreach (var (change, c) in Objects(entry, "changes", $"entry[{e}].changes"))
        {
            var at = $"entry[{e}].changes[{c}]";
            if (OptionalString(change, "field", $"{at}.field") != "messages") continue;
            if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
                throw new ShapeException($"{at}.value must be an object");

            var names = new Dictionary<string, string>();
            foreach (var (contact, k) in Objects(value, "contacts", $"{at}.value.contacts"))
            {
                var waId = OptionalString(contact, "wa_id", $"{at}.value.contacts[{k}].wa_id");
                var name = contact.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
                    ? OptionalString(profile, "name", $"{at}.value.contacts[{k}].profile.name")
                    : null;
                if (waId is not null && !string.IsNullOrWhiteSpace(name)) names[waId] = name;
            }
            foreach (var (message, m) in Objects(value, "messages", $"{at}.value.messages"))
                if (ReadMessage(message, $"{at}.value.messages[{m}]", names) is { } read) messages.Add(read);
            foreach (var (status, s) in Objects(value, "statuses", $"{at}.value.statuses"))
                statuses.Add(ReadStatus(status, $"{at}.value.statuses[{s}]"));
        }
        return new WebhookBatch(messages, statuses);
    }

    private static IncomingMessage? ReadMessage(JsonElement message, string at, Dictionary<string, string> names)
    {
        var from = RequiredString(message, "from", at);
        // The sender's number becomes the complaint's phone (+ and the digits) and keys their conversation.
        if (from.Length is < 5 or > 20 || !from.All(char.IsAsciiDigit)) throw new ShapeException($"{at}.from must be a phone number in digits");
        var id = RequiredString(message, "id", at);
        if (id.Length > MaxIdLength) throw new ShapeException($"{at}.id is longer than {MaxIdLength} characters");
        var sentAt = Timestamp(RequiredString(message, "timestamp", at), $"{at}.timestamp");
        var type = RequiredString(message, "type", at);
        // A profile name longer than a contact field would make the intake refuse the whole complaint over a display name.
        var name = names.GetValueOrDefault(from) is { } n ? Clip(n, ComplaintRules.MaxContactLength) : null;

        switch (type)
        {
            case "text":
                return new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.Text, Text: RequiredString(Child(message, "text", at), "body", $"{at}.text"));
            case "location":
                var location = Child(message, "location", at);
                return new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.Location,
                    Latitude: Number(location, "latitude", $"{at}.location"), Longitude: Number(location, "longitude", $"{at}.location"));
            case "image":
                var image = Child(message, "image", at);
                var mediaId = RequiredString(image, "id", $"{at}.image");
                if (mediaId.Length > MaxIdLength) throw new ShapeException($"{at}.image.id is longer than {MaxIdLength} characters");
                return new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.Image,
                    Text: OptionalString(image, "caption", $"{at}.image.caption"), MediaId: mediaId);
            case "interactive":
                var interactive = Child(message, "interactive", at);
                return OptionalString(interactive, "type", $"{at}.interactive.type") switch
                {
                    "list_reply" => new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.ListReply,
                        ReplyId: Clip(RequiredString(Child(interactive, "list_reply", $"{at}.interactive"), "id", $"{at}.interactive.list_reply"), MaxIdLength)),
                    "button_reply" => new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.ButtonReply,
                        ReplyId: Clip(RequiredString(Child(interactive, "button_reply", $"{at}.interactive"), "id", $"{at}.interactive.button_reply"), MaxIdLength)),
                    _ => new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.Unsupported),
                };
            case "button":
                return new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.ButtonReply,
                    ReplyId: Clip(RequiredString(Child(message, "button", at), "payload", $"{at}.button"), MaxIdLength));
            case "reaction":
                // An emoji put on one of our messages (a 👍 on the ticket) needs no answer at all.
                return null;
            default:
                return new IncomingMessage(id, from, name, sentAt, WhatsAppMessageKind.Unsupported);
        }
    }

    private static DeliveryStatus ReadStatus(JsonElement status, string at)
    {
        var id = RequiredString(status, "id", at);
        if (id.Length > MaxIdLength) throw new ShapeException($"{at}.id is longer than {MaxIdLength} characters");
        var state = RequiredString(status, "status", at);
        if (state.Length > 20) throw new ShapeException($"{at}.status is not a delivery status");
        string? error = null;
        if (status.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            && errors[0] is { ValueKind: JsonValueKind.Object } first)
        {
            var code = first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText() : "?";
            var title = OptionalString(first, "title", $"{at}.errors[0].title") ?? OptionalString(first, "message", $"{at}.errors[0].message");
            error = Clip($"{code}: {title}", 500);
        }
        return new DeliveryStatus(id, state, Timestamp(RequiredString(status, "timestamp", at), $"{at}.timestamp"), error);
    }

    private static IEnumerable<(JsonElement Item, int Index)> Objects(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) yield break;
        if (array.ValueKind != JsonValueKind.Array) throw new ShapeException($"{at} must be an array");
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new ShapeException($"{at}[{i}] must be an object");
            yield return (item, i++);
        }
    }

    private static JsonElement Child(JsonElement parent, string name, string at) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : throw new ShapeException($"{at}.{name} must be an object");

    private static string RequiredString(JsonElement parent, string name, string at) =>
        OptionalString(parent, name, $"{at}.{name}") ?? throw new ShapeException($"{at}.{name} is required");

    /// <summary>The string, without NUL characters: PostgreSQL refuses them in text, and in a chat they mean nothing.</summary>
    private static string? OptionalString(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ShapeException($"{at} must be a string");
        return value.GetString()!.Replace("\0", "");
    }

    private static double Number(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number)
            || !double.IsFinite(number))
            throw new ShapeException($"{at}.{name} must be a number");
        return number;
    }

    /// <summary>Meta's timestamps are Unix seconds, as a string.</summary>
    private static DateTime Timestamp(string text, string at) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : throw new ShapeException($"{at} must be Unix seconds");

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    private sealed class ShapeException(string message) : Exception(message);
}
