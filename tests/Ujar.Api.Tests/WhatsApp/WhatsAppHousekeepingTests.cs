using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Categories;
using Ujar.Api.WhatsApp;
using static Ujar.Api.Tests.WhatsApp.MetaWebhook;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>The cleanup runs only when a test asks (its interval is months), so each way of forgetting is seen on its own.</summary>
public sealed class ManualCleanupWhatsAppCityApp : WhatsAppCityApp
{
    protected override Dictionary<string, string> Settings()
    {
        var settings = base.Settings();
        settings["Ujar:WhatsApp:CleanupMinutes"] = "100000";
        return settings;
    }
}

/// <summary>Conversations left for a day, and old messages, are forgotten: they hold people's positions and words.</summary>
public sealed class WhatsAppStaleConversationTests(ManualCleanupWhatsAppCityApp city) : IClassFixture<ManualCleanupWhatsAppCityApp>
{
    /// <summary>Not a number <see cref="WhatsAppCityApp.NewPerson"/> hands out: its never-due message holds up no one else.</summary>
    private const string WaitingNumber = "6289900000001";

    [Fact]
    public async Task A_conversation_left_for_24_hours_is_dropped_and_deleted_and_the_next_message_starts_afresh()
    {
        var answering = city.NewPerson();
        var silent = city.NewPerson();
        await answering.SayAsync(Location(0.065, 100.055));
        await silent.SayAsync(Location(0.025, 100.06));
        await answering.SayAsync(Text("There is rubbish everywhere"));   // English from now on: remembered until the day is over
        Assert.Contains("choose a category", FakeGraph.Readable(await answering.SayAsync(Text("the list please"))));

        city.Clock.Advance(WhatsAppOptions.ConversationLifetime + TimeSpan.FromMinutes(1));

        // The answer comes a day late: the report under way and the language are gone.
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await answering.SayAsync(ListReply("sampah"))));
        await using (var db = city.App.NewDb())
        {
            var fresh = await db.WhatsAppConversations.AsNoTracking().SingleAsync(c => c.WaId == answering.WaId);
            Assert.Equal((ConversationStep.Idle, ChatLanguage.Indonesian, null), (fresh.Step, fresh.Language, fresh.Latitude));
            Assert.NotNull((await db.WhatsAppConversations.AsNoTracking().SingleAsync(c => c.WaId == silent.WaId)).Latitude);
        }

        await city.App.Services.GetRequiredService<WhatsAppInboxWorker>().CleanUpAsync(CancellationToken.None);

        await using (var db = city.App.NewDb())
        {
            Assert.False(await db.WhatsAppConversations.AnyAsync(c => c.WaId == silent.WaId));
            Assert.True(await db.WhatsAppConversations.AnyAsync(c => c.WaId == answering.WaId));
        }
        Assert.Contains("kirim *lokasi*", FakeGraph.Readable(await silent.SayAsync(ListReply("sampah"))));
        await using (var db = city.App.NewDb())
            Assert.Equal(0, await db.Complaints.CountAsync(c => c.ReporterPhone == answering.Phone || c.ReporterPhone == silent.Phone));
    }

    [Fact]
    public async Task Processed_messages_are_deleted_after_7_days_and_unprocessed_ones_never()
    {
        var person = city.NewPerson();
        await person.SayAsync(Text("halo"));
        var worker = city.App.Services.GetRequiredService<WhatsAppInboxWorker>();
        await using (var db = city.App.NewDb())
        {
            // One waiting for a retry, as a message whose photo server is down would.
            db.WhatsAppInbox.Add(new WhatsAppInboxMessage
            {
                MessageId = $"wamid.waiting.{person.WaId}", WaId = WaitingNumber, Kind = WhatsAppMessageKind.Text, Text = "menunggu",
                SentAt = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow, Attempts = 1, NextAttemptAt = DateTime.UtcNow.AddYears(1),
            });
            await db.SaveChangesAsync();
        }

        city.Clock.Advance(TimeSpan.FromDays(6));
        await worker.CleanUpAsync(CancellationToken.None);
        Assert.Equal(1, await InboxCountAsync(person.WaId));

        city.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await worker.CleanUpAsync(CancellationToken.None);
        Assert.Equal(0, await InboxCountAsync(person.WaId));
        Assert.Equal(1, await InboxCountAsync(WaitingNumber));
    }

    private async Task<int> InboxCountAsync(string waId)
    {
        await using var db = city.App.NewDb();
        return await db.WhatsAppInbox.CountAsync(m => m.WaId == waId);
    }
}

/// <summary>More than 10 categories: WhatsApp's list holds 10 rows, so they come in pages with a "more" row.</summary>
public sealed class WhatsAppCategoryPagingTests(WhatsAppCityApp city) : IClassFixture<WhatsAppCityApp>
{
    [Fact]
    public async Task More_than_10_categories_are_paged_and_a_retired_one_is_neither_offered_nor_taken()
    {
        await using (var db = city.App.NewDb())
        {
            db.Categories.AddRange(
                new Category
                {
                    Code = "saluran_tersumbat", NameId = "Saluran drainase tersumbat lumpur dan sampah", NameEn = "Drain blocked with mud and rubbish",
                    OpdCode = "pupr", Icon = "water", SortOrder = 15, VerifyDays = 1, ResponseDays = 1, ResolveDays = 3,
                },
                new Category
                {
                    Code = "kebersihan_pasar", NameId = "Kebersihan pasar", NameEn = "Market cleanliness", OpdCode = "dlh", Icon = "trash",
                    SortOrder = 200, VerifyDays = 1, ResponseDays = 2, ResolveDays = 5,
                });
            await db.SaveChangesAsync();
        }
        await city.App.ReloadRoutingAsync();
        var person = city.NewPerson();

        var first = Rows(await person.SayAsync(Location(0.065, 100.055)));
        Assert.Equal(GraphMessages.MaxListRows, first.Count);
        Assert.Equal(WhatsAppConversations.MoreCategoriesId, first[^1].Id);
        Assert.Equal(["genangan_air", "saluran_tersumbat", "pohon_membahayakan"], first.Take(3).Select(r => r.Id));
        var longName = first.Single(r => r.Id == "saluran_tersumbat").Title;
        Assert.Equal(GraphMessages.MaxRowTitle, longName.Length);
        Assert.EndsWith("…", longName);

        var second = Rows(await person.SayAsync(ListReply(WhatsAppConversations.MoreCategoriesId)));
        Assert.Equal(["masalah_sosial", "lainnya", "kebersihan_pasar", WhatsAppConversations.MoreCategoriesId], second.Select(r => r.Id));
        // Round again: back to the first page.
        Assert.Equal(first.Select(r => r.Id), Rows(await person.SayAsync(ListReply(WhatsAppConversations.MoreCategoriesId))).Select(r => r.Id));

        Assert.Contains("Dinas Lingkungan Hidup", FakeGraph.Readable(await person.SayAsync(ListReply("kebersihan_pasar"))));

        // Retired while the list was on the phone: not taken, and no longer offered.
        await using (var db = city.App.NewDb())
            await db.Categories.Where(c => c.Code == "kebersihan_pasar").ExecuteUpdateAsync(s => s.SetProperty(c => c.Active, false));
        await city.App.ReloadRoutingAsync();
        var refused = await person.SayAsync(ListReply("kebersihan_pasar"));
        Assert.Contains("tidak tersedia", FakeGraph.Readable(refused));
        var offered = Rows(refused);
        Assert.Equal(GraphMessages.MaxListRows, offered.Count);
        Assert.DoesNotContain(offered, r => r.Id == "kebersihan_pasar");
        Assert.DoesNotContain(Rows(await person.SayAsync(ListReply(WhatsAppConversations.MoreCategoriesId))), r => r.Id == "kebersihan_pasar");
    }

    private static List<(string Id, string Title)> Rows(System.Text.Json.Nodes.JsonObject list) =>
        list["interactive"]!["action"]!["sections"]![0]!["rows"]!.AsArray()
            .Select(r => (r!["id"]!.GetValue<string>(), r["title"]!.GetValue<string>())).ToList();
}
