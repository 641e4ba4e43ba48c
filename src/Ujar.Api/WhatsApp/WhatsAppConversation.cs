using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

public enum ConversationStep
{
    /// <summary>No report under way (the person may be checking a ticket).</summary>
    Idle,
    /// <summary>A location inside the city was shared; the category list was sent.</summary>
    AwaitingCategory,
    AwaitingDescription,
    /// <summary>Asked for a photo, with a "Lewati" (skip) button.</summary>
    AwaitingPhoto,
}

public enum ChatLanguage
{
    Indonesian,
    English,
}

/// <summary>
/// Where one person's report stands. One row per WhatsApp number, only while a conversation is going on: a
/// conversation nobody continued for <see cref="WhatsAppOptions.ConversationLifetime"/> is dropped (and the row
/// deleted), since it holds an unfinished report's location.
/// </summary>
public sealed class WhatsAppConversation
{
    public required string WaId { get; set; }
    public ConversationStep Step { get; set; }
    public ChatLanguage Language { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? CategoryCode { get; set; }
    public string? Description { get; set; }

    /// <summary>Which page of the category list was sent last (when there are more than 10 categories).</summary>
    public int CategoryPage { get; set; }

    /// <summary>When the person last wrote (the service's clock).</summary>
    public DateTime UpdatedAt { get; set; }

    public string Say(Bilingual text) => Language == ChatLanguage.English ? text.En : text.Id;

    /// <summary>Forgets the report under way (filed, cancelled or refused); the language stays for what the person writes next.</summary>
    public void ForgetReport()
    {
        Step = ConversationStep.Idle;
        Latitude = Longitude = null;
        CategoryCode = Description = null;
        CategoryPage = 0;
    }
}

/// <summary>
/// A complaint filed over WhatsApp: which language its reporter used, so the status changes that follow (days later,
/// when the conversation is long gone) are sent in it. The number itself is the complaint's <c>reporter_phone</c>.
/// </summary>
public sealed class WhatsAppReport
{
    public long ComplaintId { get; set; }
    public ChatLanguage Language { get; set; }
}

/// <summary>How far the status follower has read the live event log (a single row).</summary>
public sealed class WhatsAppStatusCursor
{
    public const int RowId = 1;

    public int Id { get; set; }
    public long LastSeq { get; set; }
}
