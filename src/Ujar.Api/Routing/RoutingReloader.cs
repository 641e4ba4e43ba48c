using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Routing;

/// <summary>
/// Keeps <see cref="ComplaintRouter"/> and the cached <see cref="WorkingCalendars"/> in step with the database. A committed boundary import (or a change to the
/// category or holiday tables) sends <c>NOTIFY ujar_routing</c> in its own transaction, so every running instance reloads as soon as
/// the change is visible; a periodic check covers notifications lost while the listening connection was down.
/// </summary>
public sealed class RoutingReloader(ComplaintRouter router, WorkingCalendars calendars, IDbContextFactory<UjarDb> dbFactory, ILogger<RoutingReloader> logger)
    : BackgroundService
{
    public const string Channel = "ujar_routing";
    private static readonly TimeSpan SafetyInterval = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load before the server takes requests, so the first pin is routed with real boundaries.
        await TryReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Anything committed between the first load and LISTEN would otherwise be missed.
                await TryReloadAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (await connection.WaitAsync(SafetyInterval, stoppingToken))
                        logger.LogInformation("Routing data changed; reloading");
                    await TryReloadAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Listening for routing changes failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private async Task TryReloadAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var before = router.ActiveGenerationId;
            await router.ReloadAsync(db, ct);
            await calendars.ReloadAsync(db, ct);
            if (router.ActiveGenerationId != before)
                logger.LogInformation("Routing over boundary generation {Generation}", router.ActiveGenerationId);
            if (!router.IsLoaded)
                logger.LogWarning("No active boundary generation: every pin is refused until boundaries are imported");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not load routing data (has `migrate` been run?)");
        }
    }
}
