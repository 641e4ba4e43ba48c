using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>
/// Webhook bodies shaped exactly like Meta's WhatsApp Business Cloud API notifications, and their signature
/// (<c>X-Hub-Signature-256: sha256=</c> + hex HMAC-SHA256 of the body under the app secret).
/// </summary>
public static class MetaWebhook
{
    public const string BusinessPhoneNumberId = "109876543210";

    public static JsonObject Text(string body) => new() { ["type"] = "text", ["text"] = new JsonObject { ["body"] = body } };

    public static JsonObject Location(double lat, double lon) => new()
    {
        ["type"] = "location",
        ["location"] = new JsonObject { ["latitude"] = lat, ["longitude"] = lon, ["name"] = "Titik laporan", ["address"] = "Jl. Uji" },
    };

    public static JsonObject Image(string mediaId, string? caption = null)
    {
        var image = new JsonObject { ["mime_type"] = "image/jpeg", ["sha256"] = "ignored", ["id"] = mediaId };
        if (caption is not null) image["caption"] = caption;
        return new JsonObject { ["type"] = "image", ["image"] = image };
    }

    public static JsonObject ListReply(string id, string title = "Pilihan") => new()
    {
        ["type"] = "interactive",
        ["interactive"] = new JsonObject { ["type"] = "list_reply", ["list_reply"] = new JsonObject { ["id"] = id, ["title"] = title } },
    };

    public static JsonObject ButtonReply(string id, string title = "Lewati") => new()
    {
        ["type"] = "interactive",
        ["interactive"] = new JsonObject { ["type"] = "button_reply", ["button_reply"] = new JsonObject { ["id"] = id, ["title"] = title } },
    };

    /// <summary>A message type the bot does not read (audio, sticker, video, document, contacts…).</summary>
    public static JsonObject Other(string type) => new() { ["type"] = type, [type] = new JsonObject { ["id"] = "1234", ["mime_type"] = "x/y" } };

    /// <summary>One notification with <paramref name="messages"/> (each: id, Unix seconds, content) from one person.</summary>
    public static string Messages(string waId, string name, params (string Id, long Timestamp, JsonObject Content)[] messages)
    {
        var items = new JsonArray();
        foreach (var (id, timestamp, content) in messages)
        {
            var message = new JsonObject { ["from"] = waId, ["id"] = id, ["timestamp"] = timestamp.ToString() };
            foreach (var (key, value) in content) message[key] = value?.DeepClone();
            items.Add(message);
        }
        return Envelope(new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = Metadata(),
            ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = waId }),
            ["messages"] = items,
        });
    }

    /// <summary>A delivery callback for a message we sent.</summary>
    public static JsonObject Status(string messageId, string status, string recipient, long timestamp, int? errorCode = null, string? errorTitle = null)
    {
        var item = new JsonObject
        {
            ["id"] = messageId, ["status"] = status, ["timestamp"] = timestamp.ToString(), ["recipient_id"] = recipient,
            ["conversation"] = new JsonObject { ["id"] = "c0nv", ["origin"] = new JsonObject { ["type"] = "service" } },
            ["pricing"] = new JsonObject { ["billable"] = true, ["pricing_model"] = "CBP", ["category"] = "service" },
        };
        if (errorCode is { } code)
            item["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["title"] = errorTitle, ["message"] = errorTitle });
        return item;
    }

    public static string Statuses(params JsonObject[] statuses) => Envelope(new JsonObject
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = Metadata(),
        ["statuses"] = new JsonArray(statuses.Select(s => (JsonNode)s).ToArray()),
    });

    public static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        return client.SendAsync(request);
    }

    private static JsonObject Metadata() => new() { ["display_phone_number"] = "6277100000", ["phone_number_id"] = BusinessPhoneNumberId };

    private static string Envelope(JsonObject value) => new JsonObject
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = "102290129340398",
            ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
        }),
    }.ToJsonString();
}
