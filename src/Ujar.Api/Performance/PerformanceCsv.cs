using System.Globalization;
using System.Text;
using Ujar.Api.Complaints;

namespace Ujar.Api.Performance;

/// <summary>
/// The performance figures as one CSV table: UTF-8 (with a BOM, so spreadsheet programs read the names right), comma
/// separated, RFC 4180 quoting, CRLF line ends, a header row whose column names are the JSON names (<c>receivedByChannel.whatsapp</c> for a member of an object). One row per OPD
/// (<c>level</c> = <c>opd</c>, ranked ones first) and then one per kecamatan (<c>level</c> = <c>kecamatan</c>, no
/// English name, never ranked: <c>ranked</c> and <c>rank</c> empty). Numbers use '.' decimals, exactly as the JSON
/// writes them (percentages already rounded to one decimal); an empty cell is a null ("nothing to measure"), never 0.
/// </summary>
public static class PerformanceCsv
{
    public static readonly string[] Columns =
    [
        "level", "code", "name", "nameEn", "received", .. IntakeChannels.All.Select(c => $"receivedByChannel.{IntakeChannels.ToApi(c)}"), "rejected", "resolved", "reopened", "deadlineCounted", "withinDeadline", "stillOpen",
        "firstResponseMedianDays", "resolutionMedianDays", "resolvedWithinDeadlinePct", "reopenRatePct", "stillOpenPct", "ranked", "rank",
    ];

    public static IResult Result(PerformanceReport report) =>
        TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Write(report))).ToArray(), "text/csv; charset=utf-8",
            $"ujar-kinerja-{report.Period.From:yyyy-MM-dd}-{report.Period.To:yyyy-MM-dd}.csv");

    public static string Write(PerformanceReport report)
    {
        var csv = new StringBuilder();
        Line(csv, Columns);
        foreach (var o in report.Opds)
        {
            Line(csv, ["opd", o.Code, o.Name, o.NameEn, Number(o.Received), .. ByChannel(o.ReceivedByChannel), Number(o.Rejected), Number(o.Resolved), Number(o.Reopened),
                Number(o.DeadlineCounted), Number(o.WithinDeadline), Number(o.StillOpen), Number(o.FirstResponseMedianDays),
                Number(o.ResolutionMedianDays), Number(o.ResolvedWithinDeadlinePct), Number(o.ReopenRatePct), Number(o.StillOpenPct),
                o.Ranked ? "true" : "false", Number(o.Rank)]);
        }
        foreach (var k in report.Kecamatan)
        {
            Line(csv, ["kecamatan", k.Code, k.Name, "", Number(k.Received), .. ByChannel(k.ReceivedByChannel), Number(k.Rejected), Number(k.Resolved), Number(k.Reopened),
                Number(k.DeadlineCounted), Number(k.WithinDeadline), Number(k.StillOpen), Number(k.FirstResponseMedianDays),
                Number(k.ResolutionMedianDays), Number(k.ResolvedWithinDeadlinePct), Number(k.ReopenRatePct), Number(k.StillOpenPct), "", ""]);
        }
        return csv.ToString();
    }

    private static IEnumerable<string> ByChannel(IReadOnlyDictionary<string, int> received) =>
        IntakeChannels.All.Select(c => Number(received[IntakeChannels.ToApi(c)]));

    private static void Line(StringBuilder csv, IEnumerable<string> cells) => csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");

    // Shortest round-trip form, invariant: what System.Text.Json writes for the same double.
    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
