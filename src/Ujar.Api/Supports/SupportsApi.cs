using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Limits;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Setup;

namespace Ujar.Api.Supports;

/// <summary>
/// Before filing, the map offers the open complaints of the same category close to the pin; "Dukung" (support) on one
/// of them counts the citizen in instead of starting a duplicate.
/// </summary>
public static class SupportsApi
{
    public const double DefaultRadiusMeters = 50;
    public const double MaxRadiusMeters = 500;
    public const int MaxNearby = 20;
    public const int MinDeviceTokenLength = 8;
    public const int MaxDeviceTokenLength = 200;

    /// <summary>Complaints still being worked on: the ones worth backing rather than filing again.</summary>
    public static readonly ComplaintStatus[] OpenStatuses =
        [ComplaintStatus.Received, ComplaintStatus.Verified, ComplaintStatus.Assigned, ComplaintStatus.InProgress, ComplaintStatus.Reopened];


    public static IEndpointRouteBuilder MapSupports(this IEndpointRouteBuilder app)
    {
        // A literal segment outranks {ticket} in ASP.NET Core routing, so /nearby never reaches GET /api/complaints/{ticket}.
        var api = app.MapGroup("/api/complaints").WithTags("Supports");
        api.MapGet("/nearby", ListNearby).ProducesProblem(400).ProducesProblem(422);
        api.MapPost("/{ticket}/support", Support).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429)
            .RequireRateLimiting(AbuseLimits.Support);
        return app;
    }

    public sealed record NearbyComplaint(string Ticket, string Category, string Status, string Description, double DistanceMeters,
        int SupportCount, string? ThumbUrl, DateTimeOffset CreatedAt, double Lat, double Lon);

    public sealed record NearbyList(IReadOnlyList<NearbyComplaint> Items);

    public sealed record SupportResult(string Ticket, int SupportCount, bool Added);

    /// <summary>Open complaints of <c>category</c> within <c>radius</c> metres (default 50, at most 500), nearest first.</summary>
    private static async Task<IResult> ListNearby(UjarDb db, ComplaintRouter router, CancellationToken ct,
        string? lat = null, string? lon = null, string? category = null, string? radius = null)
    {
        if (ComplaintRules.CheckQueryCoordinates(lat, lon, out var latitude, out var longitude) is { } coordinateProblem) return coordinateProblem;
        var errors = new Dictionary<string, Bilingual>();
        category = category?.Trim();
        if (string.IsNullOrEmpty(category)) errors["category"] = new("kategori wajib diisi", "category is required");
        else if (!router.IsKnownCategory(category)) errors["category"] = new("kategori tidak dikenal", "unknown category");
        var meters = DefaultRadiusMeters;
        if (!string.IsNullOrWhiteSpace(radius))
        {
            if (!double.TryParse(radius, NumberStyles.Float, CultureInfo.InvariantCulture, out meters)) return Problems.WrongType("radius", "angka");
            if (!(meters > 0 && meters <= MaxRadiusMeters))
                errors["radius"] = new($"radius harus lebih dari 0 dan paling besar {MaxRadiusMeters} m", $"radius must be above 0 and at most {MaxRadiusMeters} m");
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var here = Wgs84.Point(longitude, latitude);
        // The GiST index is on the planar geometry, so a cheap test in degrees (wide enough for any latitude the
        // point could reach) picks the candidates; the distance on the spheroid decides.
        var candidateDegrees = meters / (110_000 * Math.Max(Math.Cos((Math.Abs(latitude) + 0.01) * Math.PI / 180), 1e-3));
        var rows = await db.Complaints.AsNoTracking()
            .Where(c => c.CategoryCode == category && OpenStatuses.Contains(c.Status))
            .Where(c => c.Location.IsWithinDistance(here, candidateDegrees))
            .Where(c => EF.Functions.IsWithinDistance(c.Location, here, meters, true))
            .Select(c => new
            {
                c.Id, c.Ticket, c.CategoryCode, c.Status, c.Description, c.SupportCount, c.CreatedAt, c.Location,
                Distance = EF.Functions.Distance(c.Location, here, true),
                FirstPhotoId = db.Photos.Where(p => p.ComplaintId == c.Id && p.Kind == PhotoKind.Report).OrderBy(p => p.CreatedAt)
                    .Select(p => (Guid?)p.Id).FirstOrDefault(),
            })
            .OrderBy(r => r.Distance).ThenBy(r => r.Id)
            .Take(MaxNearby)
            .ToListAsync(ct);

        return TypedResults.Ok(new NearbyList(rows.Select(r => new NearbyComplaint(r.Ticket, r.CategoryCode, ComplaintStatuses.ToApi(r.Status),
            r.Description, Math.Round(r.Distance, 1), r.SupportCount, r.FirstPhotoId is { } photo ? PhotoUrls.Thumb(photo) : null,
            Wib.ToWib(r.CreatedAt), r.Location.Y, r.Location.X)).ToList()));
    }

    /// <summary>One support per device and complaint (header <c>X-Device-Token</c>); repeating it changes nothing. At most
    /// <see cref="LimitsOptions.SupportsPerAddressPerComplaint"/> per client address and complaint, whatever tokens it
    /// sends: the rest are answered like a repeat (<c>added: false</c>), so a forger learns nothing to work around.</summary>
    private static async Task<IResult> Support(string ticket, HttpRequest request, UjarDb db, AddressHasher addresses,
        IOptions<LimitsOptions> limits, CancellationToken ct)
    {
        var token = request.Headers["X-Device-Token"].ToString();
        if (token.Length is < MinDeviceTokenLength or > MaxDeviceTokenLength || token.Any(char.IsControl))
            return Problems.Result(Problems.Create(400, "bad_device_token",
                new Bilingual("X-Device-Token tidak valid", "Invalid X-Device-Token"),
                new Bilingual($"Header X-Device-Token wajib ada: {MinDeviceTokenLength}–{MaxDeviceTokenLength} karakter yang dapat dicetak.",
                    $"The X-Device-Token header is required: {MinDeviceTokenLength}–{MaxDeviceTokenLength} printable characters.")));
        var deviceHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        ticket = ticket.Trim().ToUpperInvariant();

        var addressHash = addresses.Hash(request.HttpContext);

        return await BackAsync(db, ticket, deviceHash, addressHash, limits.Value.SupportsPerAddressPerComplaint, DateTime.UtcNow, ct) switch
        {
            Backing.Missing => Problems.NotFound(new Bilingual($"Tiket {Shorten(ticket)} tidak ditemukan", $"Ticket {Shorten(ticket)} not found")),
            Backing.Closed closed => NotOpen(closed.Status),
            Backing.Counted counted => TypedResults.Ok(new SupportResult(ticket, counted.SupportCount, counted.Added)),
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    /// <summary>What backing a complaint did.</summary>
    public abstract record Backing
    {
        public sealed record Missing : Backing;
        public sealed record Closed(ComplaintStatus Status) : Backing;
        /// <summary><paramref name="Added"/> false: a repeat from the device, or the address already gave its share.</summary>
        public sealed record Counted(int SupportCount, bool Added) : Backing;
    }

    /// <summary>One support of <paramref name="ticket"/> (upper case) from a device and address (hashes), made at
    /// <paramref name="atUtc"/>: the support, the count and its live event commit together. The demo history backs
    /// popular complaints through it too.</summary>
    public static async Task<Backing> BackAsync(UjarDb db, string ticket, string deviceHash, string addressHash, int perAddressLimit,
        DateTime atUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The complaint's row lock puts its supports in a line until the commit: the status and the per-address count
        // read below cannot change before this support is in, on this instance or another.
        var target = await db.Complaints.FromSql($"SELECT * FROM complaints WHERE ticket = {ticket} FOR UPDATE").AsNoTracking()
            .Select(c => new { c.Id, c.Status, c.SupportCount }).SingleOrDefaultAsync(ct);
        if (target is null) return new Backing.Missing();
        if (!OpenStatuses.Contains(target.Status)) return new Backing.Closed(target.Status);
        if (await db.Supports.CountAsync(s => s.ComplaintId == target.Id && s.AddressHash == addressHash, ct) >= perAddressLimit)
            return new Backing.Counted(target.SupportCount, false);

        var now = DateTime.SpecifyKind(atUtc, DateTimeKind.Utc);
        // ON CONFLICT DO NOTHING: a repeat from the same device adds nothing.
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO supports (complaint_id, device_token_hash, address_hash, created_at) VALUES ({target.Id}, {deviceHash}, {addressHash}, {now})
            ON CONFLICT DO NOTHING
            """, ct);
        if (inserted == 0) return new Backing.Counted(target.SupportCount, false);

        await db.Complaints.Where(c => c.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.SupportCount, c => c.SupportCount + 1), ct);
        var supported = await db.Complaints.AsNoTracking().SingleAsync(c => c.Id == target.Id, ct);
        var changed = LiveEvents.Of(LiveEventType.SupportChanged, supported, now);
        await LiveEvents.AppendAsync(db, [changed], ct);
        await tx.CommitAsync(ct);
        return new Backing.Counted(supported.SupportCount, true);
    }

    private static IResult NotOpen(ComplaintStatus status) =>
        Problems.Result(Problems.Create(409, "complaint_not_open",
            new Bilingual("Laporan ini sudah tidak terbuka", "This complaint is no longer open"),
            new Bilingual($"Status laporan: {ComplaintStatuses.ToApi(status)}. Dukungan hanya untuk laporan yang masih ditangani; buat laporan baru bila masalahnya muncul lagi.",
                $"Complaint status: {ComplaintStatuses.ToApi(status)}. Support is only for complaints still being handled; file a new complaint if the problem is back.")));

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
