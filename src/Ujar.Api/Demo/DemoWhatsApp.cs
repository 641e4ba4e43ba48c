using System.Text.Json;
using Ujar.Api.Complaints;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Demo;

/// <summary>
/// A WhatsApp conversation as Meta's webhook would deliver it (location → list reply → text → "Lewati"), for
/// <c>serve --demo-live</c>. It goes through <see cref="WhatsAppInbox.ReceiveAsync"/> like a signed webhook body, so the
/// demo exercises the real parsing, inbox, conversation and intake; only its replies stay in the log.
/// </summary>
public static class DemoWhatsApp
{
    public static byte[] Conversation(Complaint complaint, string waId, string name, DateTime nowUtc)
    {
        var timestamp = new DateTimeOffset(nowUtc).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        object Message(string type, string key, object content) => new Dictionary<string, object>
        {
            ["from"] = waId, ["id"] = $"wamid.demo.{Guid.NewGuid():N}", ["timestamp"] = timestamp, ["type"] = type, [key] = content,
        };
        object[] messages =
        [
            Message("location", "location", new { latitude = complaint.Location.Y, longitude = complaint.Location.X }),
            Message("interactive", "interactive", new { type = "list_reply", list_reply = new { id = complaint.CategoryCode, title = complaint.CategoryCode } }),
            Message("text", "text", new { body = complaint.Description }),
            Message("interactive", "interactive", new { type = "button_reply", button_reply = new { id = WhatsAppConversations.SkipId, title = "Lewati" } }),
        ];
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "demo",
                    changes = new[]
                    {
                        new
                        {
                            field = "messages",
                            value = new
                            {
                                messaging_product = "whatsapp",
                                metadata = new { display_phone_number = "620000000000", phone_number_id = "demo" },
                                contacts = new[] { new { profile = new { name }, wa_id = waId } },
                                messages,
                            },
                        },
                    },
                },
            },
        });
    }
}
