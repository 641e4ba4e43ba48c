using NetTopologySuite.Geometries;
using Ujar.Api.Routing;

namespace Ujar.Api.Complaints;

/// <summary>A citizen's report: a point, a category, and where the routing sent it.</summary>
public sealed class Complaint
{
    public long Id { get; set; }

    /// <summary>Public ticket, e.g. <c>UJR-2026-000123</c>: sequential per WIB year, never reused.</summary>
    public string Ticket { get; set; } = "";

    public required string CategoryCode { get; set; }
    public required string Description { get; set; }

    /// <summary>Where the citizen dropped the pin (EPSG:4326), not the snapped position.</summary>
    public required Point Location { get; set; }

    public required string KelurahanCode { get; set; }
    public required string KecamatanCode { get; set; }
    public required string OpdCode { get; set; }

    public ComplaintStatus Status { get; set; } = ComplaintStatus.Received;

    /// <summary>Stored in UTC; shown in WIB (Asia/Jakarta).</summary>
    public DateTime CreatedAt { get; set; }

    // Private: never part of any public output.
    public string? ReporterName { get; set; }
    public string? ReporterPhone { get; set; }
    public string? ReporterEmail { get; set; }
    public bool Anonymous { get; set; }

    /// <summary>The door the complaint came in by; every door files through <see cref="ComplaintIntake"/>.</summary>
    public IntakeChannel Channel { get; set; } = IntakeChannel.Web;

    /// <summary>The channel key an Open311 client filed with (null for the web and WhatsApp): which system sent it.</summary>
    public int? ChannelKeyId { get; set; }

    /// <summary>A link to media the reporter's system holds (Open311 <c>media_url</c>). Never fetched by the server; staff
    /// open it themselves.</summary>
    public string? MediaLink { get; set; }

    /// <summary>Made up by <c>seed-demo</c> or <c>serve --demo-live</c>, not filed by a person.</summary>
    public bool IsDemo { get; set; }

    // Routing facts, kept so a later boundary import never rewrites history.
    public bool Snapped { get; set; }
    public double SnapDistanceMeters { get; set; }
    public int BoundaryGenerationId { get; set; }

    /// <summary>Client-chosen key from the Idempotency-Key header: a retry returns this complaint.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the secret given to the reporter at filing; it lets them add photos later.</summary>
    public string? ReporterTokenHash { get; set; }

    /// <summary>How many citizens backed this complaint instead of filing a duplicate (kept with the supports).</summary>
    public int SupportCount { get; set; }

    /// <summary>The original complaint, once staff mark this one Duplikat; its supporters moved there.</summary>
    public long? DuplicateOfId { get; set; }

    /// <summary>The crew account (<c>AspNetUsers.Id</c>) named when the complaint was assigned: it comes first on that crew
    /// member's /petugas. Cleared when the complaint leaves its OPD.</summary>
    public string? AssigneeId { get; set; }

    /// <summary>Optimistic concurrency: PostgreSQL's row version, so two simultaneous changes cannot both win.</summary>
    public uint Version { get; set; }

    /// <summary>A new complaint at <paramref name="location"/>, sent where <paramref name="decision"/> routed it
    /// (the decision must carry a category, and so an OPD).</summary>
    public static Complaint Routed(RouteDecision decision, Point location, string description) => new()
    {
        CategoryCode = decision.Category!.Code,
        Description = description,
        Location = location,
        KelurahanCode = decision.Area.Kelurahan.Code,
        KecamatanCode = decision.Area.Kecamatan.Code,
        OpdCode = decision.Opd!.Code,
        Snapped = decision.Area.Snapped,
        SnapDistanceMeters = decision.Area.DistanceMeters,
        BoundaryGenerationId = decision.Area.GenerationId,
    };
}

public enum ComplaintStatus
{
    Received,
    Verified,
    Assigned,
    InProgress,
    Resolved,
    Closed,
    Rejected,
    Duplicate,
    NotOurRemit,
    Reopened,
}

/// <summary>The doors complaints come in by. Stored by name; the API and exports use the lower-case name.</summary>
public enum IntakeChannel
{
    /// <summary>The citizens' map (and any client of <c>POST /api/complaints</c>).</summary>
    Web,
    /// <summary>Other systems over Open311 GeoReport v2, each with its own channel key.</summary>
    Open311,
    /// <summary>The WhatsApp Business conversation.</summary>
    WhatsApp,
}

/// <summary>Channel names: lower-case in the API and exports (<c>whatsapp</c>), the enum's name in the database.</summary>
public static class IntakeChannels
{
    private static readonly string[] ApiNameOf = Enum.GetValues<IntakeChannel>().Select(c => c.ToString().ToLowerInvariant()).ToArray();

    private static readonly Dictionary<string, IntakeChannel> ByStoredName = Enum.GetValues<IntakeChannel>().ToDictionary(c => c.ToString());

    public static IReadOnlyList<IntakeChannel> All { get; } = Enum.GetValues<IntakeChannel>();

    public static string ToApi(IntakeChannel channel) => ApiNameOf[(int)channel];

    /// <summary>A channel as raw SQL reads it from the <c>channel</c> column.</summary>
    public static IntakeChannel FromStored(string stored) => ByStoredName[stored];
}
