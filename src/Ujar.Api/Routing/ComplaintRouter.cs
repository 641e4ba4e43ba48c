using Microsoft.EntityFrameworkCore;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Data;

namespace Ujar.Api.Routing;

/// <summary>A routing answer: the areas a point falls in and the agency its category goes to.</summary>
public sealed record RouteDecision(AreaRoute Area, Opd? Opd, Category? Category);

/// <summary>
/// Routes a pin in memory: point → kelurahan/kecamatan over the active boundary generation, category → OPD.
/// PostGIS stays the source of truth; <see cref="ReloadAsync"/> swaps in a new snapshot atomically, so a request
/// sees either the old generation or the new one, never a mix.
/// </summary>
public sealed class ComplaintRouter
{
    private volatile Snapshot? _snapshot;

    public bool IsLoaded => _snapshot?.Index is not null;
    public int? ActiveGenerationId => _snapshot?.Index?.GenerationId;
    public IReadOnlyList<RoutableKelurahan> Kelurahan => _snapshot?.Index?.Kelurahan ?? [];
    public IReadOnlyDictionary<string, Category> Categories => _snapshot?.Categories ?? new Dictionary<string, Category>();

    /// <returns>The decision, or null when the point is outside the service area (or no boundaries are loaded).</returns>
    public RouteDecision? Route(double lon, double lat, string? categoryCode)
    {
        var snapshot = _snapshot;
        var area = snapshot?.Index?.Route(lon, lat);
        if (area is null) return null;
        Category? category = null;
        Opd? opd = null;
        if (categoryCode is not null && snapshot!.Categories.TryGetValue(categoryCode, out category))
            opd = snapshot.Opds[category.OpdCode];
        return new RouteDecision(area, opd, category);
    }

    /// <summary>A category citizens may file in now: it exists and an admin has not retired it.</summary>
    public bool IsKnownCategory(string code) => _snapshot?.Categories.GetValueOrDefault(code)?.Active ?? false;

    public async Task ReloadAsync(UjarDb db, CancellationToken ct = default)
    {
        var opds = await db.Opds.AsNoTracking().ToDictionaryAsync(o => o.Code, ct);
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Code, ct);
        var generationId = await db.BoundaryGenerations.Where(g => g.IsActive).Select(g => (int?)g.Id).SingleOrDefaultAsync(ct);

        RoutingIndex? index = _snapshot?.Index;
        if (generationId is null) index = null;
        else if (index?.GenerationId != generationId) index = await LoadIndexAsync(db, generationId.Value, ct);

        _snapshot = new Snapshot(index, categories, opds);
    }

    private static async Task<RoutingIndex> LoadIndexAsync(UjarDb db, int generationId, CancellationToken ct)
    {
        var boundaries = await db.Boundaries.AsNoTracking().Where(b => b.GenerationId == generationId).ToListAsync(ct);
        var kecamatan = boundaries.Where(b => b.Level == BoundaryLevel.Kecamatan)
            .ToDictionary(b => b.Code, b => new Area(b.Code, b.Name));
        var kelurahan = boundaries.Where(b => b.Level == BoundaryLevel.Kelurahan)
            .Select(b => new RoutableKelurahan(new Area(b.Code, b.Name),
                kecamatan.GetValueOrDefault(b.ParentCode) ?? new Area(b.ParentCode, b.ParentCode),
                b.Geometry));
        return new RoutingIndex(generationId, kelurahan);
    }

    private sealed record Snapshot(RoutingIndex? Index, Dictionary<string, Category> Categories, Dictionary<string, Opd> Opds);
}
