using Microsoft.AspNetCore.SignalR;
using Ujar.Api.Complaints;

namespace Ujar.Api.Live;

/// <summary>What the server calls on a live-map client. Strongly typed so a misspelt client method is a compile error.</summary>
public interface ILiveClient
{
    /// <summary>Clients register <c>connection.on("event", …)</c>; the .NET client matches names case-sensitively.</summary>
    [HubMethodName("event")]
    Task Event(LiveEventDto liveEvent);
}

/// <summary>One live event as clients see it, over SignalR and from <c>GET /api/events</c> alike. <see cref="Opd"/> is the
/// OPD holding the complaint at that moment (a re-routed complaint's second event names the new one).</summary>
public sealed record LiveEventDto(long Seq, string Type, string Ticket, string Category, string Status, int SupportCount,
    double Lat, double Lon, string Kecamatan, string Opd, DateTimeOffset At)
{
    public static LiveEventDto From(LiveEventRecord record) => new(record.Seq,
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(record.Type.ToString()),
        record.Ticket, record.Category, record.Status, record.SupportCount, record.Lat, record.Lon, record.KecamatanCode,
        record.OpdCode, Wib.ToWib(record.At));
}

/// <summary>The answer to <c>WatchArea</c>/<c>WatchTicket</c>/<c>WatchQueue</c>: every event with a higher sequence reaches the caller.</summary>
public sealed record WatchResult(long LastSeq);
