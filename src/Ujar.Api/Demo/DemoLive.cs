using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Routing;
using Ujar.Api.Setup;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Demo;

/// <summary>
/// <c>serve --demo-live</c>: files a plausible complaint every 3–6 seconds, so the live map can be shown without a
/// crowd of citizens. The complaints go through <see cref="ComplaintWriter"/> like a citizen's (tickets, group commit,
/// live events), made by the same generator as <c>seed-demo</c>'s history. Every third one is played as a WhatsApp
/// conversation from a made-up number instead, through the webhook's inbox, and filed by the WhatsApp worker; its
/// replies are logged, never sent.
/// </summary>
public sealed class DemoLive(ComplaintRouter router, ComplaintWriter writer, IDbContextFactory<UjarDb> dbFactory, WhatsAppInboxWorker whatsApp,
    City city, TimeProvider clock, ILogger<DemoLive> logger) : BackgroundService
{
    private const int AttemptsPerComplaint = 50;
    private const int WhatsAppEvery = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        // The weather of this demo run: on a rainy afternoon the map fills with flooding at the low spots.
        var rainy = random.NextDouble() < 1.0 / 3;
        logger.LogInformation("Demo live: filing a plausible complaint every few seconds ({Weather})", rainy ? "rainy" : "dry");
        var demo = CityDemo.Of(city);
        DemoPlacement.Map? map = null;
        var played = 0;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(3 + 3 * random.NextDouble()), clock, stoppingToken);
                if (!router.IsLoaded) continue;
                if (map is null || map.GenerationId != router.ActiveGenerationId) map = DemoPlacement.Map.Survey(router, demo);

                var complaint = Enumerable.Range(0, AttemptsPerComplaint)
                    .Select(_ => DemoData.Plausible(map, random, clock.GetUtcNow().UtcDateTime, rainy))
                    .FirstOrDefault(c => c is not null);
                if (complaint is null)
                {
                    logger.LogWarning("Demo live: pins keep falling outside the active boundaries");
                    continue;
                }
                try
                {
                    if (played++ % WhatsAppEvery == 0)
                    {
                        await PlayWhatsAppAsync(complaint, random, stoppingToken);
                        continue;
                    }
                    var outcome = await writer.WriteAsync(complaint, stoppingToken);
                    logger.LogInformation("Demo live: filed {Ticket} ({Category}) in {Kelurahan}",
                        outcome.Complaint.Ticket, complaint.CategoryCode, complaint.KelurahanCode);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be restarting; the demo carries on with the next one.
                    logger.LogWarning(ex, "Demo live: could not file a complaint");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The complaint told over WhatsApp: the four messages go into the inbox as a signed webhook's would.</summary>
    private async Task PlayWhatsAppAsync(Complaint complaint, Random random, CancellationToken ct)
    {
        var waId = $"628{random.Next(11, 99)}{random.Next(1000_0000, 9999_9999)}";
        var now = clock.GetUtcNow().UtcDateTime;
        var body = DemoWhatsApp.Conversation(complaint, waId, complaint.ReporterName ?? $"Warga {city.ShortName}", now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (outcome, _) = await WhatsAppInbox.ReceiveAsync(db, body, now, isDemo: true, ct);
        if (outcome is not WhatsAppWebhook.Parsed) throw new InvalidOperationException($"demo WhatsApp conversation refused: {outcome}");
        whatsApp.Wake();
        logger.LogInformation("Demo live: WhatsApp conversation from {Number} ({Category}) in {Kelurahan}",
            PhoneMask.Mask(waId), complaint.CategoryCode, complaint.KelurahanCode);
    }
}
