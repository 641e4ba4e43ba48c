using NetTopologySuite.Geometries;

namespace Ujar.Api.Boundaries;

public enum BoundaryLevel
{
    Kecamatan,
    Kelurahan,
}

/// <summary>One administrative area of one generation. Complaints keep the generation they were routed with.</summary>
public sealed class Boundary
{
    public long Id { get; set; }
    public int GenerationId { get; set; }
    public BoundaryLevel Level { get; set; }

    /// <summary>Kemendagri code: <c>21.72.03</c> for a kecamatan, <c>21.72.03.1005</c> for a kelurahan.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>The kecamatan code of a kelurahan; the city code (<c>21.72</c>) of a kecamatan.</summary>
    public required string ParentCode { get; set; }

    public required MultiPolygon Geometry { get; set; }
}

/// <summary>
/// A complete set of kecamatan and kelurahan. Each import makes a new one; exactly one is active,
/// and switching is one transaction, so the router never sees half a generation.
/// </summary>
public sealed class BoundaryGeneration
{
    public int Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool IsActive { get; set; }
    public required string Source { get; set; }
}
