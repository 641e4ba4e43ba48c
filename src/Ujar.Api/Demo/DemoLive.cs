using Ujar.Api.Complaints;
using Ujar.Api.Routing;

namespace Ujar.Api.Demo;

/// <summary>
/// <c>serve --demo-live</c>: files a plausible complaint every 3–6 seconds, so the live map can be shown without a
/// crowd of citizens. The complaints go through <see cref="ComplaintWriter"/> like a citizen's (tickets, group commit,
/// live events), made by the same generator as <c>seed-demo</c>'s history.
/// </summary>
public sealed class DemoLive(ComplaintRouter router, ComplaintWriter writer, TimeProvider clock, ILogger<DemoLive> logger) : BackgroundService
{
    private const int AttemptsPerComplaint = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        // The weather of this demo run: on a rainy afternoon the map fills with flooding at the low spots.
        var rainy = random.NextDouble() < 1.0 / 3;
        logger.LogInformation("Demo live: filing a plausible complaint every few seconds ({Weather})", rainy ? "rainy" : "dry");
        DemoData.City? city = null;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(3 + 3 * random.NextDouble()), clock, stoppingToken);
                if (!router.IsLoaded) continue;
                if (city is null || city.GenerationId != router.ActiveGenerationId) city = DemoData.City.Survey(router);

                var complaint = Enumerable.Range(0, AttemptsPerComplaint)
                    .Select(_ => DemoData.Plausible(city, random, clock.GetUtcNow().UtcDateTime, rainy))
                    .FirstOrDefault(c => c is not null);
                if (complaint is null)
                {
                    logger.LogWarning("Demo live: pins keep falling outside the active boundaries");
                    continue;
                }
                try
                {
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
}
