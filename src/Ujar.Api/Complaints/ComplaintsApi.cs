using Microsoft.Extensions.Options;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Limits;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Security;
using Ujar.Api.Setup;
using Ujar.Api.Tasks;

namespace Ujar.Api.Complaints;

public static class ComplaintsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>The intake every door files through, its group-committing writer, and the tracking page's options.</summary>
    public static IServiceCollection AddComplaintIntake(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ComplaintWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ComplaintWriter>());
        services.AddSingleton<ComplaintIntake>();
        // What the public tracking page shows of the people who handled a complaint.
        services.AddOptions<TrackingOptions>().BindConfiguration("Ujar:Tracking");
        return services;
    }

    public static IEndpointRouteBuilder MapComplaints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/complaints").WithTags("Complaints");
        api.MapPost("/", FileComplaint)
            .Accepts<ComplaintRequestDoc>("application/json", "multipart/form-data")
            .Produces<FiledComplaint>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503)
            .RequireRateLimiting(AbuseLimits.Filing)
            .CarriesSecrets();   // the reporter token
        api.MapGet("/{ticket}", GetComplaint);
        api.MapGet("/", ListComplaints);
        api.MapGet("/clusters", ComplaintClusters.GetClusters).ProducesProblem(422);
        api.MapPost("/{ticket}/answer", AnswerResolution)
            .Accepts<AnswerDoc>("application/json")
            .Produces<StatusChanged>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        app.MapGet("/api/statuses", () => TypedResults.Ok(Lifecycle.Statuses)).WithTags("Complaints");
        return app;
    }

    /// <summary>The body of <c>POST /api/complaints</c>, for the OpenAPI document; the handler reads the JSON itself.</summary>
    public sealed record ComplaintRequestDoc(double Lat, double Lon, string Category, string Description, ContactDoc? Contact, bool? Anonymous);
    public sealed record ContactDoc(string? Name, string? Phone, string? Email);

    /// <summary>The web's door to the intake: JSON, or multipart/form-data with the JSON in part <c>complaint</c> and up
    /// to three <c>photos</c>; <c>Idempotency-Key</c> makes retries safe.</summary>
    private static async Task<IResult> FileComplaint(HttpRequest request, ComplaintIntake intake, ComplaintRouter router, PhotoStore photoStore,
        CancellationToken ct)
    {
        byte[]? body;
        IReadOnlyList<RawPhoto> rawPhotos = [];
        if (PhotoForm.IsMultipart(request))
        {
            switch (await PhotoForm.ReadAsync(request, PhotoForm.ComplaintPart, ct))
            {
                case PhotoForm.Refused refused: return refused.Problem;
                case PhotoForm.Read read: (body, rawPhotos) = (read.Json!, read.Photos); break;
                default: throw new InvalidOperationException("unreachable");
            }
        }
        else
        {
            if (request.ContentLength > ComplaintRules.MaxBodyBytes) return Problems.TooLarge(ComplaintRules.MaxBodyBytes);
            body = await BodyReader.ReadAtMostAsync(request, ComplaintRules.MaxBodyBytes, ct);
            if (body is null) return Problems.TooLarge(ComplaintRules.MaxBodyBytes);
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        if (ComplaintRules.IdempotencyKeyProblem(key, ComplaintRules.MaxIdempotencyKeyLength) is { } keyProblem) return keyProblem;

        ComplaintFields fields;
        switch (ComplaintRules.ReadJson(body))
        {
            case ComplaintRules.Refused refused: return refused.Problem;
            case ComplaintRules.Read read: fields = read.Fields; break;
            default: throw new InvalidOperationException("unreachable");
        }

        // The photos are decoded only for a complaint the intake would take, whichever part came first: a bad complaint
        // with 30 MB of photos costs a parse, not three decodes. (The intake checks again, for every door.)
        IReadOnlyList<ProcessedPhoto> photos = [];
        if (rawPhotos.Count > 0)
        {
            if (ComplaintRules.Check(fields, router.IsKnownCategory, out var errors) is null) return Problems.Validation(errors);
            var (decoded, refusal) = await PhotoForm.DecodeAsync(rawPhotos, photoStore, request.HttpContext, ct);
            if (decoded is null) return refusal!;
            photos = decoded;
        }

        switch (await intake.FileAsync(new IntakeRequest(IntakeChannel.Web, fields) { IdempotencyKey = key, Photos = photos }, ct))
        {
            case ComplaintIntake.Refused refused: return refused.Problem;
            case ComplaintIntake.Filed filed:
                if (filed.Replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Created($"/api/complaints/{filed.Complaint.Ticket}", filed.Complaint);
            default: throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>The reporter's answer once the OPD says the work is done; <c>note</c> is required when it is not.</summary>
    public sealed record AnswerDoc(bool Resolved, string? Note);

    /// <summary>"Sudah selesai" closes the complaint, "belum selesai" reopens it with the reporter's note. Only the holder of
    /// the ticket's reporter token (header <c>X-Reporter-Token</c>) may answer.</summary>
    private static async Task<IResult> AnswerResolution(string ticket, HttpRequest request, UjarDb db, CancellationToken ct)
    {
        if (request.ContentLength > AnswerMaxBytes) return Problems.TooLarge(AnswerMaxBytes);
        var body = await BodyReader.ReadAtMostAsync(request, AnswerMaxBytes, ct);
        if (body is null) return Problems.TooLarge(AnswerMaxBytes);
        using var document = JsonBody.Parse(body, out var refusal);
        if (document is null) return refusal!.Problem;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return Problems.MalformedJson();

        var errors = new Dictionary<string, Bilingual>();
        bool? resolved = null;
        if (!root.TryGetProperty("resolved", out var resolvedElement) || resolvedElement.ValueKind == JsonValueKind.Null)
            errors["resolved"] = new("resolved wajib diisi (true atau false)", "resolved is required (true or false)");
        else if (resolvedElement.ValueKind is JsonValueKind.True or JsonValueKind.False) resolved = resolvedElement.GetBoolean();
        else return Problems.WrongType("resolved", "boolean");
        string? note = null;
        if (root.TryGetProperty("note", out var noteElement) && noteElement.ValueKind != JsonValueKind.Null)
        {
            if (noteElement.ValueKind != JsonValueKind.String) return Problems.WrongType("note", "teks");
            note = noteElement.GetString()!.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        }
        if (note is { Length: > StatusChangeForm.MaxNoteLength })
            errors["note"] = new($"paling banyak {StatusChangeForm.MaxNoteLength} karakter", $"at most {StatusChangeForm.MaxNoteLength} characters");
        else if (resolved == false && note is null)
            errors["note"] = new("ceritakan apa yang belum selesai", "say what is not done yet");
        if (errors.Count > 0) return Problems.Validation(errors);

        var outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket,
            new ChangeRequest(resolved == true ? ComplaintStatus.Closed : ComplaintStatus.Reopened, note),
            ChangeActor.Reporter(request.Headers[ReporterToken.Header].ToString()), ct);
        return StatusChangeResults.ToResult(outcome, ticket, Actors.Reporter);
    }

    private const int AnswerMaxBytes = 8 * 1024;

    private static async Task<IResult> GetComplaint(string ticket, UjarDb db, WorkingCalendars calendars, TimeProvider clock,
        IOptions<TrackingOptions> tracking, CancellationToken ct) =>
        await db.FindDetailAsync(ticket.Trim().ToUpperInvariant(), calendars.Current, clock.GetUtcNow().UtcDateTime, ct,
            tracking.Value.ShowStaffNames) is { } detail
            ? TypedResults.Ok(detail)
            : Problems.NotFound(new Bilingual($"Tiket {Shorten(ticket)} tidak ditemukan", $"Ticket {Shorten(ticket)} not found"));

    public sealed record ComplaintFeature(long Id, PointGeometry Geometry, PublicComplaint Properties)
    {
        [JsonPropertyOrder(-1)] public string Type => "Feature";
    }

    public sealed record PointGeometry(double[] Coordinates)
    {
        [JsonPropertyOrder(-1)] public string Type => "Point";
    }

    /// <summary>A GeoJSON FeatureCollection page; <c>nextCursor</c> is a foreign member (RFC 7946 §6.1).</summary>
    public sealed record ComplaintPage(IReadOnlyList<ComplaintFeature> Features, string? NextCursor)
    {
        [JsonPropertyOrder(-1)] public string Type => "FeatureCollection";
    }

    private static async Task<IResult> ListComplaints(UjarDb db, CancellationToken ct,
        string? bbox = null, string? category = null, string? status = null, string? from = null, string? to = null,
        string? limit = null, string? cursor = null)
    {
        var filter = ComplaintFilter.Parse(bbox, category, status, from, to, limit, cursor);
        if (filter.Problem is not null) return filter.Problem;

        var query = db.Complaints.AsNoTracking();
        if (filter.Box is { } box) query = query.Where(c => c.Location.Intersects(box));
        if (filter.Categories is { } categories) query = query.Where(c => categories.Contains(c.CategoryCode));
        if (filter.Statuses is { } statuses) query = query.Where(c => statuses.Contains(c.Status));
        if (filter.From is { } fromUtc) query = query.Where(c => c.CreatedAt >= fromUtc);
        if (filter.To is { } toUtc) query = query.Where(c => c.CreatedAt < toUtc);
        if (filter.After is { } after)
            query = query.Where(c => c.CreatedAt < after.CreatedAt || (c.CreatedAt == after.CreatedAt && c.Id < after.Id));

        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Take(filter.Limit + 1).SelectPublic(db).ToListAsync(ct);
        string? next = null;
        if (rows.Count > filter.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = PageCursor.Encode(rows[^1].CreatedAt, rows[^1].Id);
        }
        var features = rows.Select(r => new ComplaintFeature(r.Id, new PointGeometry([r.Location.X, r.Location.Y]), r.ToPublic())).ToList();
        return TypedResults.Ok(new ComplaintPage(features, next));
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}

/// <summary>Newest-first keyset cursor: the (created, id) of the last row shown.</summary>
public static class PageCursor
{
    public static string Encode(DateTime createdAt, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{createdAt.Ticks}:{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTime CreatedAt, long Id)? Decode(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks)
                   && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var id)
                   && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                ? (new DateTime(ticks, DateTimeKind.Utc), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
