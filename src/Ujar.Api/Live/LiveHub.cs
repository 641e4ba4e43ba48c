using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Data;
using Ujar.Api.Limits;

namespace Ujar.Api.Live;

/// <summary>
/// The live map's hub (<c>/hubs/live</c>). A client says what it looks at and then receives <c>event</c> calls:
/// <list type="bullet">
/// <item><c>WatchArea(minLon, minLat, maxLon, maxLat)</c>: the map's view; replaces the previous view.</item>
/// <item><c>WatchTicket(ticket)</c> / <c>UnwatchTicket(ticket)</c>: one complaint's tracking page.</item>
/// <item><c>WatchQueue()</c>: a signed-in worker's queue: OPD staff and crews get every event of the complaints their OPD
/// holds, escalations included; admins those of every OPD. The identity is the staff cookie (browser, same origin) or
/// <c>?access_token=</c> (a bearer token), read once when the connection opens.</item>
/// </list>
/// Both watch methods return <c>{lastSeq}</c> only after the group joins are done. With a Redis backplane a join is
/// complete only when the server has subscribed the group's channel, so an event sent before that would be lost:
/// a client must await the call before it relies on delivery, and then ask <c>GET /api/events?after=</c> for
/// anything between the sequence it last saw and <c>lastSeq</c>. Every event with a higher sequence reaches it. A
/// connection in several matching groups (its area and its ticket) gets such an event once per group: drop repeats by
/// <c>seq</c>.
/// A signed-in connection is closed when its session ends (logout, or an admin disabling or changing the account), so a
/// queue stops hearing of complaints at once, not when the connection happens to drop.
/// </summary>
/// <remarks>A connection may make <see cref="LimitsOptions.HubWatchCalls"/> watch calls and watch at most
/// <see cref="LimitsOptions.HubWatchedTickets"/> tickets at once; past that a call fails with a <see cref="HubException"/>
/// whose message says why in both languages, and nothing is joined.</remarks>
public sealed class LiveHub(IDbContextFactory<UjarDb> dbFactory, SessionCache sessions, KeyedLimits limits) : Hub<ILiveClient>
{
    private const string AreaGroupsKey = "areaGroups";
    private const string TicketsKey = "tickets";
    private const string SessionWatchKey = "sessionWatch";

    public override Task OnConnectedAsync()
    {
        if (Context.User is { Identity.IsAuthenticated: true } user) Context.Items[SessionWatchKey] = sessions.Watch(user, Context.Abort);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(SessionWatchKey, out var watch)) ((IDisposable)watch!).Dispose();
        return Task.CompletedTask;
    }

    public async Task<WatchResult> WatchArea(double minLon, double minLat, double maxLon, double maxLat)
    {
        TakeWatchCall();
        if (!new[] { minLon, minLat, maxLon, maxLat }.All(double.IsFinite) || minLon > maxLon || minLat > maxLat
            || minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90)
            throw new HubException("Area tidak valid: minLon, minLat, maxLon, maxLat dalam derajat, min ≤ max / "
                + "Invalid area: minLon, minLat, maxLon, maxLat in degrees, min ≤ max");

        var wanted = LiveGroups.ForArea(minLon, minLat, maxLon, maxLat);
        var joined = Context.Items.TryGetValue(AreaGroupsKey, out var held) ? (HashSet<string>)held! : [];
        await Task.WhenAll(joined.Except(wanted).Select(g => Groups.RemoveFromGroupAsync(Context.ConnectionId, g))
            .Concat(wanted.Except(joined).Select(g => Groups.AddToGroupAsync(Context.ConnectionId, g))));
        Context.Items[AreaGroupsKey] = wanted;
        return await LastSeqAsync();
    }

    public async Task<WatchResult> WatchTicket(string ticket)
    {
        var checkedTicket = CheckTicket(ticket);
        TakeWatchCall();
        var watched = WatchedTickets();
        if (!watched.Contains(checkedTicket) && watched.Count >= limits.HubWatchedTickets)
            throw new HubException($"Terlalu banyak tiket dipantau: paling banyak {limits.HubWatchedTickets} per koneksi; berhenti memantau "
                + $"yang lain dulu (UnwatchTicket) / Too many tickets watched: at most {limits.HubWatchedTickets} per connection; "
                + "unwatch others first (UnwatchTicket)");
        watched.Add(checkedTicket);
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Ticket(checkedTicket));
        return await LastSeqAsync();
    }

    public async Task<WatchResult> WatchQueue()
    {
        TakeWatchCall();
        var staff = StaffScope.Of(Context.User ?? new ClaimsPrincipal());
        var group = staff switch
        {
            { IsAdmin: true } => LiveGroups.Admins,
            { OpdCode: { } opd } when Roles.BelongsToOpd(staff.Role) => LiveGroups.Opd(opd),
            _ => throw new HubException("Antrean hanya untuk petugas OPD, tim lapangan dan admin yang sudah masuk / "
                + "The queue is for signed-in OPD staff, field crews and admins only"),
        };
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        return await LastSeqAsync();
    }

    public Task UnwatchTicket(string ticket)
    {
        var checkedTicket = CheckTicket(ticket);
        WatchedTickets().Remove(checkedTicket);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, LiveGroups.Ticket(checkedTicket));
    }

    // A connection's invocations run one at a time (MaximumParallelInvocationsPerClient is 1), so its items need no lock.
    private HashSet<string> WatchedTickets()
    {
        if (Context.Items.TryGetValue(TicketsKey, out var held)) return (HashSet<string>)held!;
        var tickets = new HashSet<string>(StringComparer.Ordinal);
        Context.Items[TicketsKey] = tickets;
        return tickets;
    }

    private void TakeWatchCall()
    {
        if (!limits.TryHubWatchCall(Context.ConnectionId, out var retryAfter))
            throw new HubException($"Terlalu sering mengganti yang dipantau; coba lagi dalam {retryAfter} detik / "
                + $"Watching changes too often; try again in {retryAfter} seconds");
    }

    private static string CheckTicket(string? ticket) =>
        ticket is { Length: > 0 and <= 20 } && !ticket.Any(char.IsControl)
            ? ticket.Trim().ToUpperInvariant()
            : throw new HubException("Nomor tiket tidak valid / Invalid ticket number");

    // Read after the joins: any event committed later than this has a higher sequence and reaches the groups joined.
    private async Task<WatchResult> LastSeqAsync()
    {
        await using var db = await dbFactory.CreateDbContextAsync(Context.ConnectionAborted);
        return new WatchResult(await LiveEvents.LastSeqAsync(db, Context.ConnectionAborted));
    }
}

/// <summary>
/// Group names. The city is cut into cells of 0.01° (about 1.1 km); an event goes to its cell's group, to the
/// <c>city</c> group (views too large to list their cells) and to its ticket's group.
/// </summary>
public static class LiveGroups
{
    public const double CellDegrees = 0.01;
    /// <summary>Past this many cells a view joins <c>city</c>: at zoom 12 the whole city is about 25 × 20 cells.</summary>
    public const int MaxCellsPerView = 400;
    public const string City = "city";

    public static string Ticket(string ticket) => $"t:{ticket}";

    /// <summary>Staff of one OPD: everything that happens to the complaints it holds.</summary>
    public static string Opd(string opdCode) => $"opd:{opdCode}";
    /// <summary>Admins: everything staff of any OPD would get.</summary>
    public const string Admins = "admins";

    /// <summary>Escalations are internal: only the OPD's staff and admins hear of them.</summary>
    public static IReadOnlyList<string> For(LiveEventRecord record) => record.Type == LiveEventType.Escalated
        ? [Opd(record.OpdCode), Admins]
        : [Cell(CellIndex(record.Lon), CellIndex(record.Lat)), City, Ticket(record.Ticket), Opd(record.OpdCode), Admins];

    public static HashSet<string> ForArea(double minLon, double minLat, double maxLon, double maxLat)
    {
        long x0 = CellIndex(minLon), x1 = CellIndex(maxLon), y0 = CellIndex(minLat), y1 = CellIndex(maxLat);
        if ((x1 - x0 + 1) * (y1 - y0 + 1) > MaxCellsPerView) return [City];
        var cells = new HashSet<string>();
        for (var x = x0; x <= x1; x++)
            for (var y = y0; y <= y1; y++)
                cells.Add(Cell(x, y));
        return cells;
    }

    private static long CellIndex(double degrees) => (long)Math.Floor(degrees / CellDegrees);

    private static string Cell(long x, long y) => string.Create(CultureInfo.InvariantCulture, $"c:{x}:{y}");
}
