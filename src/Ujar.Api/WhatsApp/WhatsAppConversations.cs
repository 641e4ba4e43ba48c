using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Limits;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// The conversation that turns WhatsApp messages into a complaint: location → category list → description → photo or
/// "Lewati" → filed through <see cref="ComplaintIntake"/>, like every other door. Besides that path: a ticket number in
/// a text answers with its public status, "batal"/"cancel" drops the report, and anything else gets instructions.
/// One call handles one message inside the caller's transaction; its replies go to the outbox in that transaction, so
/// a message is answered exactly when its handling commits.
/// </summary>
public sealed class WhatsAppConversations(City city, ComplaintRouter router, ComplaintIntake intake, PhotoStore photoStore,
    WorkingCalendars calendars, IOptions<PublicSite> site, IOptions<WhatsAppOptions> options, IOptions<LimitsOptions> limits,
    TimeProvider clock, ILogger<WhatsAppConversations> logger)
{
    public const string SkipId = "skip";
    public const string MoreCategoriesId = "more";

    /// <summary>A step that failed for a reason that may pass (the photo server, the database): the message is tried again.</summary>
    public sealed class TryAgainException(string message) : Exception(message);

    private readonly Regex _ticketPattern = Tickets.Pattern(city.TicketPrefix);

    private static readonly HashSet<string> CancelWords = ["batal", "batalkan", "cancel"];
    private static readonly HashSet<string> SkipWords = ["lewati", "skip"];

    /// <summary>What one message makes the bot do: the replies in order, and the complaint they are about.</summary>
    private sealed class Turn(UjarDb db, WhatsAppInboxMessage message, WhatsAppConversation conversation, DateTime now)
    {
        public UjarDb Db { get; } = db;
        public WhatsAppInboxMessage Message { get; } = message;
        public WhatsAppConversation Conversation { get; } = conversation;
        public DateTime Now { get; } = now;
        public List<JsonObject> Replies { get; } = [];
        public long? ComplaintId { get; set; }

        public void Say(Bilingual text) => Replies.Add(GraphMessages.Text(Conversation.Say(text)));
    }

    /// <summary>Handles <paramref name="message"/> (which the caller holds locked) and queues its replies.</summary>
    public async Task HandleAsync(UjarDb db, WhatsAppInboxMessage message, GraphApi graph, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var conversation = (await db.WhatsAppConversations
            .FromSql($"SELECT * FROM whatsapp_conversations WHERE wa_id = {message.WaId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (conversation is null)
        {
            conversation = new WhatsAppConversation { WaId = message.WaId };
            db.WhatsAppConversations.Add(conversation);
        }
        else if (now - conversation.UpdatedAt >= WhatsAppOptions.ConversationLifetime)
        {
            // Left for a day: whatever was under way is gone, as if the cleanup had already deleted it.
            conversation.ForgetReport();
            conversation.Language = ChatLanguage.Indonesian;
        }
        conversation.UpdatedAt = now;
        if (message.Kind is WhatsAppMessageKind.Text or WhatsAppMessageKind.Image && message.Text is { } written)
            conversation.Language = WhatsAppLanguages.Guess(written, conversation.Language);

        var turn = new Turn(db, message, conversation, now);
        await RespondAsync(turn, graph, ct);
        await db.SaveChangesAsync(ct);
        for (var i = 0; i < turn.Replies.Count; i++)
            await WhatsAppOutbox.EnqueueAsync(db, $"reply:{message.MessageId}:{i}", message.WaId, turn.Replies[i], message.IsDemo,
                turn.ComplaintId, now, ct);
    }

    private async Task RespondAsync(Turn turn, GraphApi graph, CancellationToken ct)
    {
        var message = turn.Message;
        var conversation = turn.Conversation;
        switch (message.Kind)
        {
            case WhatsAppMessageKind.Unsupported:
                turn.Say(WhatsAppTexts.Unsupported);
                return;

            case WhatsAppMessageKind.Location:
                StartReport(turn, message.Latitude!.Value, message.Longitude!.Value);
                return;

            case WhatsAppMessageKind.Text:
                var text = message.Text ?? "";
                if (CancelWords.Contains(Word(text)))
                {
                    conversation.ForgetReport();
                    turn.Say(WhatsAppTexts.Cancelled);
                    return;
                }
                if (_ticketPattern.Match(text) is { Success: true } ticket)
                {
                    turn.Replies.Add(await TicketStatusAsync(turn, ticket.Value.ToUpperInvariant(), ct));
                    return;
                }
                switch (conversation.Step)
                {
                    case ConversationStep.AwaitingCategory:
                        SendCategories(turn, WhatsAppTexts.ChooseFromList);
                        return;
                    case ConversationStep.AwaitingDescription when !string.IsNullOrWhiteSpace(text):
                        conversation.Description = text.Trim();
                        conversation.Step = ConversationStep.AwaitingPhoto;
                        AskForPhoto(turn, WhatsAppTexts.AskPhoto);
                        return;
                    case ConversationStep.AwaitingPhoto when SkipWords.Contains(Word(text)):
                        await FileAsync(turn, [], photoLost: false, ct);
                        return;
                    case ConversationStep.AwaitingPhoto:
                        AskForPhoto(turn, WhatsAppTexts.PhotoOrSkip);
                        return;
                    default:
                        turn.Say(WhatsAppTexts.Instructions(city));
                        return;
                }

            case WhatsAppMessageKind.ListReply or WhatsAppMessageKind.ButtonReply:
                var id = message.ReplyId ?? "";
                if (id == SkipId && conversation.Step == ConversationStep.AwaitingPhoto)
                    await FileAsync(turn, [], photoLost: false, ct);
                else if (id == MoreCategoriesId && conversation.Step == ConversationStep.AwaitingCategory)
                {
                    conversation.CategoryPage++;
                    SendCategories(turn, null);
                }
                // A category picked again while describing (from the same list further up) changes the category.
                else if (conversation.Step is ConversationStep.AwaitingCategory or ConversationStep.AwaitingDescription)
                    ChooseCategory(turn, id);
                else turn.Say(WhatsAppTexts.Instructions(city));
                return;

            case WhatsAppMessageKind.Image:
                switch (conversation.Step)
                {
                    case ConversationStep.AwaitingPhoto:
                        await FileWithPhotoAsync(turn, graph, ct);
                        return;
                    case ConversationStep.AwaitingDescription when !string.IsNullOrWhiteSpace(message.Text):
                        // A photo with a caption is the description and the photo at once.
                        conversation.Description = message.Text.Trim();
                        conversation.Step = ConversationStep.AwaitingPhoto;
                        await FileWithPhotoAsync(turn, graph, ct);
                        return;
                    case ConversationStep.AwaitingDescription:
                        turn.Say(WhatsAppTexts.DescriptionFirst);
                        return;
                    case ConversationStep.AwaitingCategory:
                        SendCategories(turn, WhatsAppTexts.ChooseFromList);
                        return;
                    default:
                        turn.Say(WhatsAppTexts.Instructions(city));
                        return;
                }
        }
    }

    /// <summary>A shared location starts a report (replacing one under way), or ends here when it is outside the city.</summary>
    private void StartReport(Turn turn, double lat, double lon)
    {
        var conversation = turn.Conversation;
        conversation.ForgetReport();
        if (router.Route(lon, lat, null) is null)
        {
            turn.Say(WhatsAppTexts.OutsideCity(city));
            return;
        }
        conversation.Latitude = lat;
        conversation.Longitude = lon;
        conversation.Step = ConversationStep.AwaitingCategory;
        SendCategories(turn, null);
    }

    /// <summary>
    /// The category list for the report's location: where it would go (kelurahan, kecamatan) and, per row, the OPD. Up to
    /// 10 active categories fit one list; more are shown 9 at a time with a "more" row that turns the page.
    /// </summary>
    private void SendCategories(Turn turn, Bilingual? note)
    {
        var conversation = turn.Conversation;
        if (router.Route(conversation.Longitude!.Value, conversation.Latitude!.Value, null) is not { } place)
        {
            // The boundaries changed under the conversation and the place is no longer in the city.
            conversation.ForgetReport();
            turn.Say(WhatsAppTexts.OutsideCity(city));
            return;
        }
        var english = conversation.Language == ChatLanguage.English;
        var categories = router.Categories.Values.Where(c => c.Active).OrderBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
        var perPage = categories.Count <= GraphMessages.MaxListRows ? GraphMessages.MaxListRows : GraphMessages.MaxListRows - 1;
        var pages = Math.Max(1, (categories.Count + perPage - 1) / perPage);
        var page = conversation.CategoryPage % pages;
        conversation.CategoryPage = page;

        var rows = categories.Skip(page * perPage).Take(perPage).Select(c =>
        {
            var opd = router.Route(conversation.Longitude.Value, conversation.Latitude.Value, c.Code)?.Opd;
            return new GraphMessages.ListRow(c.Code, english ? c.NameEn : c.NameId,
                opd is null ? null : conversation.Say(WhatsAppTexts.HandledBy(english ? opd.NameEn : opd.Name)));
        }).ToList();
        if (pages > 1)
            rows.Add(new GraphMessages.ListRow(MoreCategoriesId, conversation.Say(WhatsAppTexts.MoreRowTitle), conversation.Say(WhatsAppTexts.MoreRowDescription)));
        if (rows.Count == 0)
        {
            // No active category at all: nothing could be filed, so say where to turn instead of an empty list.
            conversation.ForgetReport();
            turn.Say(WhatsAppTexts.Instructions(city));
            return;
        }

        var where = conversation.Say(WhatsAppTexts.Where(place.Area.Kelurahan.Name, place.Area.Kecamatan.Name));
        var body = note is null ? where : conversation.Say(note) + "\n\n" + where;
        turn.Replies.Add(GraphMessages.List(body, conversation.Say(WhatsAppTexts.ListButton), conversation.Say(WhatsAppTexts.ListSection), rows));
    }

    private void ChooseCategory(Turn turn, string code)
    {
        var conversation = turn.Conversation;
        if (!router.IsKnownCategory(code)
            || router.Route(conversation.Longitude!.Value, conversation.Latitude!.Value, code) is not { Category: { } category, Opd: { } opd })
        {
            conversation.Step = ConversationStep.AwaitingCategory;
            SendCategories(turn, WhatsAppTexts.CategoryGone);
            return;
        }
        conversation.CategoryCode = category.Code;
        conversation.Step = ConversationStep.AwaitingDescription;
        var english = conversation.Language == ChatLanguage.English;
        turn.Say(WhatsAppTexts.AskDescription(english ? category.NameEn : category.NameId, english ? opd.NameEn : opd.Name));
    }

    private static void AskForPhoto(Turn turn, Bilingual text) =>
        turn.Replies.Add(GraphMessages.Buttons(turn.Conversation.Say(text), (SkipId, turn.Conversation.Say(WhatsAppTexts.SkipButton))));

    /// <summary>
    /// Downloads the photo, re-encodes it as every photo is (<see cref="PhotoStore.ProcessAsync"/>) and files. A photo
    /// that cannot be read or is too large gets a request for another (or Lewati); a download that keeps failing files
    /// the complaint without it after <see cref="WhatsAppOptions.MediaAttempts"/> attempts: a complaint is never lost
    /// for a photo.
    /// </summary>
    private async Task FileWithPhotoAsync(Turn turn, GraphApi graph, CancellationToken ct)
    {
        var message = turn.Message;
        switch (await graph.DownloadMediaAsync(message.MediaId!, ct))
        {
            case GraphApi.Downloaded downloaded:
                var (photo, _) = await photoStore.ProcessAsync(downloaded.Bytes, client: null, ct);
                if (photo is null)
                {
                    AskForPhoto(turn, WhatsAppTexts.PhotoUnreadable);
                    return;
                }
                await FileAsync(turn, [photo], photoLost: false, ct);
                return;
            case GraphApi.TooLarge:
                AskForPhoto(turn, WhatsAppTexts.PhotoTooLarge);
                return;
            case GraphApi.DownloadFailed failed when message.Attempts + 1 < options.Value.MediaAttempts:
                throw new TryAgainException($"photo download failed: {failed.Error}");
            case GraphApi.DownloadFailed failed:
                logger.LogWarning("WhatsApp photo from {Number} could not be downloaded in {Attempts} attempts ({Error}); filing without it",
                    PhoneMask.Mask(message.WaId), message.Attempts + 1, failed.Error);
                await FileAsync(turn, [], photoLost: true, ct);
                return;
        }
    }

    private async Task FileAsync(Turn turn, IReadOnlyList<ProcessedPhoto> photos, bool photoLost, CancellationToken ct)
    {
        var message = turn.Message;
        var conversation = turn.Conversation;
        if (await OneHourAllowanceUsedAsync(turn, ct) is { } sendAfter)
        {
            AskForPhoto(turn, WhatsAppTexts.TooManyReports(limits.Value.WhatsAppPerSenderPerHour, sendAfter));
            return;
        }
        // The completing message's id is the idempotency key: handling it again (after a crash, a failed commit) files
        // nothing new and answers with the same ticket.
        var request = new IntakeRequest(IntakeChannel.WhatsApp, new ComplaintFields(conversation.Latitude, conversation.Longitude,
            conversation.CategoryCode, conversation.Description, ContactName: message.ProfileName, ContactPhone: "+" + message.WaId))
        {
            IdempotencyKey = message.MessageId,
            Photos = photos,
            IsDemo = message.IsDemo,
        };
        switch (await intake.FileAsync(request, ct))
        {
            case ComplaintIntake.Filed { Complaint: var filed }:
                turn.ComplaintId = filed.Id;
                await turn.Db.Database.ExecuteSqlAsync($"""
                    INSERT INTO whatsapp_reports (complaint_id, language) VALUES ({filed.Id}, {conversation.Language.ToString()})
                    ON CONFLICT (complaint_id) DO NOTHING
                    """, ct);
                var opd = await OpdNamesAsync(turn.Db, filed.Opd.Code, ct);
                // A retry after the photo was lost (or a replay whose photos were not kept) files what is stored: say so.
                var withoutPhoto = photoLost || (photos.Count > 0 && filed.Photos.Count == 0);
                turn.Say(WhatsAppTexts.Filed(filed.Ticket, conversation.Say(opd), site.Value.TrackingUrl(filed.Ticket), withoutPhoto));
                logger.LogInformation("WhatsApp: filed {Ticket} ({Category}) for {Number}", filed.Ticket, filed.Category, PhoneMask.Mask(message.WaId));
                conversation.ForgetReport();
                return;

            case ComplaintIntake.Refused { Problem: { StatusCode: >= 500 } problem }:
                throw new TryAgainException($"intake answered {problem.StatusCode} {problem.ProblemDetails.Extensions["code"]}");

            case ComplaintIntake.Refused { Problem.ProblemDetails: var problem }:
                if (problem.Extensions["code"] as string == "outside_service_area")
                {
                    conversation.ForgetReport();
                    turn.Say(WhatsAppTexts.OutsideCity(city));
                    return;
                }
                var errors = problem.Extensions.TryGetValue("errors", out var e) && e is IReadOnlyDictionary<string, Bilingual> byField
                    ? byField
                    : new Dictionary<string, Bilingual>();
                turn.Say(WhatsAppTexts.NotAccepted(problem.Title ?? "", problem.Extensions["titleEn"] as string ?? "", errors.Values));
                // Back to the step whose answer was refused; anything else cannot be mended in the chat.
                if (errors.ContainsKey("category"))
                {
                    conversation.Step = ConversationStep.AwaitingCategory;
                    SendCategories(turn, null);
                }
                else if (errors.ContainsKey("description"))
                {
                    conversation.Step = ConversationStep.AwaitingDescription;
                    turn.Say(WhatsAppTexts.DescribeAgain);
                }
                else
                {
                    conversation.ForgetReport();
                    turn.Say(WhatsAppTexts.StartAgain);
                }
                return;
        }
    }

    /// <summary>
    /// When the sender has filed <see cref="LimitsOptions.WhatsAppPerSenderPerHour"/> complaints within the hour before this
    /// message: the time the oldest of them leaves the hour. Counted in the database, so it holds on every instance; a
    /// complaint this very message already filed (handled again after a crash) is not counted, so its replay still answers.
    /// </summary>
    private async Task<DateTimeOffset?> OneHourAllowanceUsedAsync(Turn turn, CancellationToken ct)
    {
        var allowed = limits.Value.WhatsAppPerSenderPerHour;
        var phone = "+" + turn.Message.WaId;
        var since = turn.Now.AddHours(-1);
        var recent = await turn.Db.Complaints.AsNoTracking()
            .Where(c => c.Channel == IntakeChannel.WhatsApp && c.ReporterPhone == phone && c.CreatedAt > since
                && c.IdempotencyKey != turn.Message.MessageId)
            .OrderByDescending(c => c.CreatedAt).Take(allowed).Select(c => c.CreatedAt).ToListAsync(ct);
        return recent.Count < allowed ? null : Wib.ToWib(recent[^1].AddHours(1));
    }

    /// <summary>A ticket's public facts only: status, OPD, last update, next deadline, tracking link.</summary>
    private async Task<JsonObject> TicketStatusAsync(Turn turn, string ticket, CancellationToken ct)
    {
        var conversation = turn.Conversation;
        if (await turn.Db.FindDetailAsync(ticket, calendars.Current, turn.Now, ct) is not { } detail)
            return GraphMessages.Text(conversation.Say(WhatsAppTexts.TicketNotFound(ticket)));
        ComplaintStatuses.TryParse(detail.Complaint.Status, out var status);
        var label = Lifecycle.Label[status];
        var text = WhatsAppTexts.TicketStatus(ticket, new Bilingual(label.Id, label.En), await OpdNamesAsync(turn.Db, detail.Complaint.Opd.Code, ct),
            detail.Timeline[^1].At, detail.Deadline?.Due, site.Value.TrackingUrl(ticket));
        return GraphMessages.Text(conversation.Say(text));
    }

    public static async Task<Bilingual> OpdNamesAsync(UjarDb db, string code, CancellationToken ct) =>
        await db.Opds.AsNoTracking().Where(o => o.Code == code).Select(o => new Bilingual(o.Name, o.NameEn)).SingleOrDefaultAsync(ct)
        ?? new Bilingual(code, code);

    /// <summary>The text as one bare lower-case word ("Batal!" → "batal"), to recognise the commands.</summary>
    private static string Word(string text) => text.Trim().TrimEnd('.', '!', '?').Trim().ToLowerInvariant();
}
