using System.Globalization;
using System.Text;

namespace Ujar.Api.Boundaries;

/// <summary>A feature whose geometry was not valid (OGC) and was repaired with <c>ST_MakeValid</c> before storing.</summary>
public sealed record RepairedGeometry(string Code, string Reason);

/// <summary>Two features of the imported layer whose interiors share <see cref="AreaM2"/> square metres.</summary>
public sealed record Overlap(string CodeA, string CodeB, double AreaM2);

/// <summary>Land between neighbours that belongs to none of them; <see cref="Lat"/>/<see cref="Lon"/> is a point inside it.</summary>
public sealed record Gap(double AreaM2, IReadOnlyList<string> TouchingCodes, double Lat, double Lon);

/// <summary>A kelurahan with <see cref="AreaM2"/> square metres outside the polygon of its kecamatan in the new generation.</summary>
public sealed record OutsideParent(string Code, string ParentCode, double AreaM2);

/// <summary>What a boundary import found and did. <see cref="Errors"/> refuse the file; everything else is a warning.</summary>
public sealed class ImportReport
{
    // Long lists are cut in the text (the typed lists keep everything), so real data stays readable.
    private const int ListedInText = 15;

    public required string File { get; init; }
    public required BoundaryLevel Level { get; init; }
    public bool Accepted { get; init; }
    public bool Committed { get; init; }

    /// <summary>The generation this import created and activated; null unless <see cref="Committed"/>.</summary>
    public int? GenerationId { get; init; }

    /// <summary>The generation that was active when the file was checked: parents come from it, the other level is copied from it.</summary>
    public int? PreviousGenerationId { get; init; }

    public int FeatureCount { get; init; }

    /// <summary>Rows of the other level copied (or, in a dry run, to be copied) from <see cref="PreviousGenerationId"/>.</summary>
    public int CopiedCount { get; init; }

    /// <summary>
    /// Kecamatan built by dissolving the kelurahan of the file (<see cref="ImportOptions.DissolveParents"/>); null when
    /// the kecamatan were copied instead.
    /// </summary>
    public int? DissolvedCount { get; init; }

    /// <summary>Dissolved kecamatan whose union came out invalid and was repaired with <c>ST_MakeValid</c>.</summary>
    public IReadOnlyList<RepairedGeometry> DissolvedRepaired { get; init; } = [];

    public int? SourceSrid { get; init; }
    public double TotalAreaKm2 { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];
    public IReadOnlyList<RepairedGeometry> Repaired { get; init; } = [];
    public IReadOnlyList<Overlap> Overlaps { get; init; } = [];
    public IReadOnlyList<Gap> Gaps { get; init; } = [];
    public IReadOnlyList<OutsideParent> OutsideParent { get; init; } = [];

    /// <summary>Warnings that fit none of the typed lists, e.g. copied kelurahan whose kecamatan is not in a new kecamatan file.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public string ToText()
    {
        var text = new StringBuilder();
        var level = Level.ToString().ToLowerInvariant();
        text.AppendLine($"Impor batas wilayah / boundary import: {File} ({level}{(SourceSrid is { } srid ? $", source SRID {srid}" : "")})");
        // A file that could not be read has no features to sum up; its errors say why.
        if (FeatureCount > 0)
        {
            text.Append($"  {FeatureCount} {level} in the file, {Number(TotalAreaKm2, "N2")} km² in total");
            text.AppendLine(
                DissolvedCount is { } dissolved ? $"; {dissolved} kecamatan dissolved from them (nothing copied from the active generation)"
                : PreviousGenerationId is { } previous ? $"; {CopiedCount} {Other(Level)} copied from active generation {previous}"
                : "; no active generation to copy from");
        }

        Section(text, "Kesalahan / errors (the file is refused)", Errors, e => e);
        Section(text, "Diperbaiki / invalid geometries repaired", Repaired, r => $"{r.Code}: {r.Reason}");
        Section(text, "Kecamatan diperbaiki / dissolved kecamatan repaired", DissolvedRepaired, r => $"{r.Code}: {r.Reason}");
        Section(text, "Tumpang tindih / overlaps between neighbours", Overlaps,
            o => $"{o.CodeA} × {o.CodeB}: {Number(o.AreaM2)} m²", Overlaps.Sum(o => o.AreaM2));
        Section(text, "Celah / gaps between neighbours (land in none of them)", Gaps,
            g => $"{Number(g.AreaM2)} m² near {Number(g.Lat, "F5")} N, {Number(g.Lon, "F5")} E, between {string.Join(", ", g.TouchingCodes)}",
            Gaps.Sum(g => g.AreaM2));
        Section(text, "Di luar induk / kelurahan outside their kecamatan", OutsideParent,
            o => $"{o.Code}: {Number(o.AreaM2)} m² outside {o.ParentCode}", OutsideParent.Sum(o => o.AreaM2));
        Section(text, "Peringatan lain / other warnings", Warnings, w => w);

        text.AppendLine();
        text.AppendLine(
            !Accepted ? "DITOLAK / REFUSED: nothing changed; fix the errors above and run again"
            : Committed ? $"DITERAPKAN / COMMITTED: generation {GenerationId} is now active{(PreviousGenerationId is { } was ? $" (was {was})" : "")}"
            : "Uji coba / dry run: nothing changed; add --commit to apply");
        return text.ToString();
    }

    private static void Section<T>(StringBuilder text, string title, IReadOnlyList<T> items, Func<T, string> line, double? totalM2 = null)
    {
        if (items.Count == 0) return;
        text.AppendLine();
        text.AppendLine($"{title}: {items.Count}{(totalM2 is { } total ? $", {Number(total)} m² in total" : "")}");
        foreach (var item in items.Take(ListedInText)) text.AppendLine($"  - {line(item)}");
        if (items.Count > ListedInText) text.AppendLine($"  … and {items.Count - ListedInText} more");
    }

    private static string Other(BoundaryLevel level) => level == BoundaryLevel.Kelurahan ? "kecamatan" : "kelurahan";

    private static string Number(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
}
