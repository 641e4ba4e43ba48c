using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Security;
using Ujar.Api.Setup;

namespace Ujar.Api.Live;

public static class LiveApi
{
    public const int DefaultEventPage = 500;
    public const int MaxEventPage = 2000;

    /// <summary>
    /// The live map: SignalR (camelCase JSON, like the HTTP API) and <see cref="LiveFollower"/>, which delivers the event
    /// log to it. With <c>ConnectionStrings:Redis</c> the hub sends through a Redis backplane, so the one instance that
    /// follows the log reaches every instance's clients (README, More than one instance). The backplane is chosen when
    /// the hub is first used, from the configuration as it is then (like the database's connection string).
    /// </summary>
    public static IServiceCollection AddLiveEvents(this IServiceCollection services)
    {
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        services.AddOptions<RedisOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            if (RedisConnectionString(configuration) is not { } redis) return;
            options.Configuration = ConfigurationOptions.Parse(redis);
            // Filing never depends on Redis: the service starts without it, and while it is away a send fails at once
            // (rather than queueing for seconds) and clients catch up from /api/events; it reconnects by itself.
            options.Configuration.AbortOnConnectFail = false;
            options.Configuration.BacklogPolicy = BacklogPolicy.FailFast;
        });
        services.AddSingleton<HubLifetimeManager<LiveHub>>(sp => RedisConnectionString(sp.GetRequiredService<IConfiguration>()) is null
            ? ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<LiveHub>>(sp)
            : ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<LiveHub>>(sp));
        services.AddSingleton<LiveFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFollower>());
        services.AddSingleton<RedisReachable>();
        services.AddHealthChecks().AddCheck<RedisReachable>("redis", tags: [HealthApi.Ready], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>The Redis backplane's StackExchange.Redis configuration (<c>ConnectionStrings:Redis</c>, e.g.
    /// <c>redis:6379</c>), or null for a single instance.</summary>
    public static string? RedisConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } redis ? redis : null;

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<LiveHub>("/hubs/live")
            .CarriesSecrets();   // the connection token of the negotiation
        app.MapGet("/api/events", ListEvents).WithTags("Live").ProducesProblem(422);
        return app;
    }

    /// <param name="Events">Oldest first.</param>
    /// <param name="LastSeq">Where the next call continues (<c>after=lastSeq</c>): the last event returned when the page
    /// is full, else the newest sequence in the log, so filtered-out and rolled-back sequences are not asked for again.</param>
    public sealed record EventPage(IReadOnlyList<LiveEventDto> Events, long LastSeq);

    /// <summary>The catch-up for a client that was away: every event after <c>after</c>, in sequence order.</summary>
    private static async Task<IResult> ListEvents(UjarDb db, CancellationToken ct,
        string? after = null, string? bbox = null, string? ticket = null, string? limit = null)
    {
        var errors = new Dictionary<string, Bilingual>();
        long afterSeq = 0;
        if (!string.IsNullOrWhiteSpace(after) && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq))
            errors["after"] = new("after harus berupa bilangan bulat ≥ 0", "after must be a whole number ≥ 0");
        var pageSize = DefaultEventPage;
        if (!string.IsNullOrWhiteSpace(limit) &&
            (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > MaxEventPage))
            errors["limit"] = new($"limit harus 1–{MaxEventPage}", $"limit must be 1–{MaxEventPage}");
        ticket = ticket?.Trim().ToUpperInvariant();
        if (ticket is { Length: > 20 }) errors["ticket"] = new("nomor tiket tidak valid", "invalid ticket number");
        if (errors.Count > 0) return Problems.Validation(errors);
        var area = ComplaintFilter.Parse(bbox, null, null, null, null, null, null);
        if (area.Problem is not null) return area.Problem;

        // Bounding the page by the newest sequence first keeps lastSeq honest: commits happen in sequence order, so
        // nothing at or below it can still appear later.
        var newest = await LiveEvents.LastSeqAsync(db, ct);
        // Escalations are internal (staff and admins hear of them through the hub only).
        var query = db.LiveEvents.AsNoTracking().Where(e => e.Seq > afterSeq && e.Seq <= newest && e.Type != LiveEventType.Escalated);
        if (!string.IsNullOrEmpty(ticket)) query = query.Where(e => e.Ticket == ticket);
        if (area.Box?.EnvelopeInternal is { } box)
            query = query.Where(e => e.Lon >= box.MinX && e.Lon <= box.MaxX && e.Lat >= box.MinY && e.Lat <= box.MaxY);
        var events = await query.OrderBy(e => e.Seq).Take(pageSize).ToListAsync(ct);
        // Below `after` only when the client's cursor is ahead of the log (a restored database): it then starts again from here.
        var lastSeq = events.Count == pageSize ? events[^1].Seq : newest;
        return TypedResults.Ok(new EventPage(events.Select(LiveEventDto.From).ToList(), lastSeq));
    }
}
