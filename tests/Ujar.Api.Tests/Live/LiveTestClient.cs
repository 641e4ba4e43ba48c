using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>A real SignalR client on /hubs/live, over WebSockets through the test server, that keeps what it receives.</summary>
public sealed class LiveTestClient : IAsyncDisposable
{
    // Long enough for a loaded CI machine; only a failing test waits it out.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Channel<LiveEventDto> _received = Channel.CreateUnbounded<LiveEventDto>();

    public HubConnection Connection { get; }

    private LiveTestClient(UjarApp app, string? accessToken, string? cookie)
    {
        Connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                if (accessToken is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                o.WebSocketFactory = async (context, ct) =>
                {
                    // As a browser does: a WebSocket carries no Authorization header, so the token rides in the query.
                    var uri = context.Options.AccessTokenProvider is { } provider && await provider() is { } token
                        ? new Uri($"{context.Uri}{(context.Uri.Query.Length > 0 ? "&" : "?")}access_token={Uri.EscapeDataString(token)}")
                        : context.Uri;
                    var webSockets = app.Server.CreateWebSocketClient();
                    // A browser opens the WebSocket from our own page, with the cookie and our Origin.
                    if (cookie is not null)
                        webSockets.ConfigureRequest = request =>
                        {
                            request.Headers.Cookie = cookie;
                            request.Headers.Origin = app.Server.BaseAddress.GetLeftPart(UriPartial.Authority);
                        };
                    return await webSockets.ConnectAsync(uri, ct);
                };
            })
            .Build();
        Connection.On<LiveEventDto>("event", e => _received.Writer.TryWrite(e));
    }

    /// <summary>Connects anonymously, or as the staff account whose bearer token is <paramref name="accessToken"/> or whose
    /// sign-in cookie (<c>name=value</c>) is <paramref name="cookie"/>.</summary>
    public static async Task<LiveTestClient> ConnectAsync(UjarApp app, string? accessToken = null, string? cookie = null)
    {
        var client = new LiveTestClient(app, accessToken, cookie);
        await client.Connection.StartAsync();
        return client;
    }

    public Task<WatchResult> WatchAreaAsync(double minLon, double minLat, double maxLon, double maxLat) =>
        Connection.InvokeAsync<WatchResult>("WatchArea", minLon, minLat, maxLon, maxLat);

    public Task<WatchResult> WatchTicketAsync(string ticket) => Connection.InvokeAsync<WatchResult>("WatchTicket", ticket);

    public Task<WatchResult> WatchQueueAsync() => Connection.InvokeAsync<WatchResult>("WatchQueue");

    /// <summary>Every event received up to and including the first that matches <paramref name="last"/>; fails the test
    /// if none comes. Events arrive in sequence order, so whatever was sent before that one is in the list.</summary>
    public async Task<List<LiveEventDto>> ReceiveUntilAsync(Func<LiveEventDto, bool> last)
    {
        var received = new List<LiveEventDto>();
        while (received.Count == 0 || !last(received[^1])) received.Add(await NextAsync());
        return received;
    }

    /// <summary>The next event received with a sequence above <paramref name="after"/>; fails the test if none comes
    /// (<paramref name="within"/>, default a patient 20 s). An event committed before a watch began may still be on its
    /// way when the watch completes: pass the watch's lastSeq to look past it.</summary>
    public async Task<LiveEventDto> NextAsync(long after = 0, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Patience);
        try
        {
            while (true)
            {
                var next = await _received.Reader.ReadAsync(timeout.Token);
                if (next.Seq > after) return next;
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("No live event arrived");
        }
    }

    /// <summary>Events received so far and not yet read.</summary>
    public List<LiveEventDto> Drain()
    {
        var list = new List<LiveEventDto>();
        while (_received.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>Shortcuts the live tests share: filing through the real HTTP API and changing a status as staff will.</summary>
public static class LiveTestActions
{
    public static async Task<string> FileAsync(this HttpClient client, double lat, double lon, string category = "sampah", string description = "Sampah menumpuk")
    {
        var response = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon, category, description));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("ticket").GetString()!;
    }

    /// <summary>One step, exactly as asked: the lifecycle may refuse it. Made by an admin unless <paramref name="actor"/> is
    /// given, or by Ujar itself for the moves only it and the reporter make (closing).</summary>
    public static async Task<ComplaintStatusChanges.Outcome> ChangeStatusAsync(this UjarApp app, string ticket, ComplaintStatus to, string? note = null,
        string? duplicateOf = null, ChangeActor? actor = null, string? targetOpd = null)
    {
        await using var db = app.NewDb();
        return await ComplaintStatusChanges.ChangeAsync(db, ticket,
            new ChangeRequest(to, note, duplicateOf, targetOpd), actor ?? ActorFor(to), CancellationToken.None);
    }

    public static readonly ChangeActor Admin = new(Actors.Staff, "admin", Name: "Admin Uji");

    /// <summary>An admin for staff moves, else Ujar itself (closing after the reporter's silence).</summary>
    private static ChangeActor ActorFor(ComplaintStatus to) =>
        Lifecycle.Transitions.Any(t => t.To == to && t.By.HasFlag(Actors.Staff)) ? Admin : ChangeActor.System;

    /// <summary>For tests that need a complaint in some status: the shortest legal path there.</summary>
    public static Task<ComplaintStatusChanges.Outcome> ReachStatusAsync(this UjarApp app, string ticket, ComplaintStatus to, string? note = null) =>
        WalkToAsync(app.Services, ticket, to, note);

    /// <summary>
    /// Moves a complaint along the shortest path <see cref="Lifecycle"/> allows, one real change (and live event) per step, as
    /// staff would. <paramref name="note"/> goes on the last step; a step that needs a note, an "after" photo or an original
    /// gets a stand-in (the photo is a row only: the check reads rows, and no test here opens the file).
    /// </summary>
    public static async Task<ComplaintStatusChanges.Outcome> WalkToAsync(IServiceProvider services, string ticket, ComplaintStatus to, string? note)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UjarDb>();
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);
        ComplaintStatusChanges.Outcome outcome = new ComplaintStatusChanges.AlreadyInStatus(complaint.Status);
        foreach (var step in ShortestPath(complaint.Status, to))
        {
            if (step.Needs.HasFlag(TransitionNeeds.AfterPhoto))
            {
                db.Photos.Add(new Photo { Id = Guid.NewGuid(), ComplaintId = complaint.Id, Kind = PhotoKind.After, Width = 1, Height = 1, Bytes = 1,
                    CreatedAt = DateTime.UtcNow });
                await db.SaveChangesAsync();
            }
            var original = step.Needs.HasFlag(TransitionNeeds.Original)
                ? await db.Complaints.Where(c => c.Ticket != ticket).Select(c => c.Ticket).FirstAsync()
                : null;
            var stepNote = step.To == to && note is not null ? note
                : step.Needs.HasFlag(TransitionNeeds.Note) ? $"Catatan uji: {Lifecycle.Label[step.To].Id}" : null;
            var targetOpd = step.Needs.HasFlag(TransitionNeeds.Opd)
                ? await db.Opds.Where(o => o.Code != db.Complaints.Where(c => c.Ticket == ticket).Select(c => c.OpdCode).First())
                    .OrderBy(o => o.Code).Select(o => o.Code).FirstAsync()
                : null;
            outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket, new ChangeRequest(step.To, stepNote, original, targetOpd),
                ActorFor(step.To), CancellationToken.None);
            Assert.IsType<ComplaintStatusChanges.Changed>(outcome);
            db.ChangeTracker.Clear();
        }
        return outcome;
    }

    /// <summary>Breadth-first over the lifecycle table; fails the test when <paramref name="to"/> cannot be reached.</summary>
    private static List<Lifecycle.Transition> ShortestPath(ComplaintStatus from, ComplaintStatus to)
    {
        var cameBy = new Dictionary<ComplaintStatus, Lifecycle.Transition>();
        var queue = new Queue<ComplaintStatus>([from]);
        while (queue.TryDequeue(out var at) && at != to)
            foreach (var t in Lifecycle.AllowedFrom(at).Where(t => t.To != from && cameBy.TryAdd(t.To, t)))
                queue.Enqueue(t.To);
        var path = new List<Lifecycle.Transition>();
        for (var s = to; s != from; s = cameBy[s].From)
            path.Insert(0, Assert.Contains(s, cameBy));
        return path;
    }
}
