using System.Globalization;
using System.Security.Claims;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Tasks;

/// <summary>
/// The OPDs' side: the work queue, a complaint with its audit trail, status changes (with the crew's photos and
/// position) and the crew's nearby tasks. Admins, OPD staff and crews only; planners and the public are refused by the
/// group's policy, and every handler narrows to the caller's OPD through <see cref="StaffScope"/>.
/// </summary>
public static class TasksApi
{
    public const double DefaultRadiusMeters = 5000;
    public const double MaxRadiusMeters = 50000;
    public const int DefaultNearbyLimit = 20;
    public const int MaxNearbyLimit = 100;

    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff/complaints").WithTags("Staff").RequireAuthorization(StaffPolicies.OpdWork);
        staff.MapGet("/", StaffQueue.ListAsync).ProducesProblem(401).ProducesProblem(403).ProducesProblem(422);
        staff.MapGet("/{ticket}", StaffComplaintDetail.GetAsync).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        staff.MapPost("/{ticket}/status", ChangeStatus)
            .Accepts<StatusChangeDoc>("application/json", "multipart/form-data")
            .Produces<StatusChanged>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413)
            .ProducesProblem(415).ProducesProblem(422);

        app.MapGet("/api/staff/crew", CrewMembers.ListAsync).WithTags("Staff").RequireAuthorization(StaffPolicies.OpdWork)
            .ProducesProblem(401).ProducesProblem(403);
        app.MapGet("/api/tasks/nearby", ListNearby).WithTags("Staff").RequireAuthorization(StaffPolicies.OpdWork)
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(422);
        return app;
    }

    /// <summary>The JSON body of a status change, for the OpenAPI document; the handler reads the body itself.</summary>
    public sealed record StatusChangeDoc(string To, string? Note, string? InternalNote, string? Original, string? Opd, uint? Version,
        double? Lat, double? Lon, string? Assignee);

    public sealed record NearbyList(IReadOnlyList<WorkTask> Items);

    private static async Task<IResult> ChangeStatus(string ticket, HttpRequest request, ClaimsPrincipal user, UjarDb db,
        PhotoStore photoStore, CancellationToken ct)
    {
        var scope = StaffScope.Of(user)!;
        ChangeRequest change;
        switch (await StatusChangeForm.ReadAsync(request, photoStore, ct))
        {
            case StatusChangeForm.Refused refused: return refused.Problem;
            case StatusChangeForm.Parsed parsed: change = parsed.Request; break;
            default: throw new InvalidOperationException("unreachable");
        }

        // Files first, then the step that names them commits with their rows; when no step is made the files go again.
        var photos = change.Photos?.Select(p => p.Photo).ToList() ?? [];
        try
        {
            await photoStore.SaveFilesAsync(photos, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PhotoProblems.NotStored();
        }
        ComplaintStatusChanges.Outcome outcome;
        try
        {
            outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket, change, ChangeActor.Of(scope), ct);
        }
        catch
        {
            photoStore.DeleteFiles(photos);
            throw;
        }
        if (outcome is not ComplaintStatusChanges.Changed) photoStore.DeleteFiles(photos);
        return StatusChangeResults.ToResult(outcome, ticket, scope.Actor);
    }

    private static async Task<IResult> ListNearby(ClaimsPrincipal user, UjarDb db, ComplaintRouter router, WorkingCalendars calendars,
        TimeProvider clock, CancellationToken ct, string? lat = null, string? lon = null, string? radius = null, string? limit = null,
        string? opd = null)
    {
        var scope = StaffScope.Of(user)!;
        if (ComplaintRules.CheckQueryCoordinates(lat, lon, out var latitude, out var longitude) is { } coordinateProblem) return coordinateProblem;
        var errors = new Dictionary<string, Bilingual>();
        var meters = DefaultRadiusMeters;
        if (!string.IsNullOrWhiteSpace(radius)
            && !(double.TryParse(radius, NumberStyles.Float, CultureInfo.InvariantCulture, out meters) && meters > 0 && meters <= MaxRadiusMeters))
            errors["radius"] = new($"radius harus lebih dari 0 dan paling besar {MaxRadiusMeters} m",
                $"radius must be above 0 and at most {MaxRadiusMeters} m");
        var count = DefaultNearbyLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxNearbyLimit))
            errors["limit"] = new($"limit harus bilangan bulat 1–{MaxNearbyLimit}", $"limit must be a whole number 1–{MaxNearbyLimit}");
        if (errors.Count > 0) return Problems.Validation(errors);
        if (TaskProblems.OpdOutOfScope(scope, opd) is { } forbidden) return forbidden;

        // An account of no OPD (which should not exist for staff or crews) matches nothing rather than everything.
        var opdCode = scope.IsAdmin ? (string.IsNullOrWhiteSpace(opd) ? null : opd.Trim().ToLowerInvariant()) : scope.OpdCode ?? "";
        // A crew member's own assignments come first; staff and admins have none.
        var assignee = scope.Role == Roles.Crew ? scope.UserId : null;
        var tasks = await NearbyTasks.FindAsync(db, new NearbyTasks.Query(latitude, longitude, meters, count, opdCode, assignee), router.Categories,
            calendars.Current, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(new NearbyList(tasks));
    }
}
