using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Open311;
using Ujar.Api.Tests.Live;
using Ujar.Api.Tests.Photos;
using Ujar.Api.Tests.Tasks;

namespace Ujar.Api.Tests.Open311;

/// <summary>
/// FixMyStreet's Open311 client as it works (perllib/Open311.pm, Open311/GetServiceRequestUpdates.pm): XML only, the
/// form fields it posts, the XML paths it reads, and the updates it fetches by a window of W3C UTC times, keeping those
/// whose <c>updated_datetime</c> lies in the window.
/// </summary>
public sealed class FixMyStreetFlowTests(Open311CityApp city) : IClassFixture<Open311CityApp>
{
    private const string Jurisdiction = Open311CityApp.Jurisdiction;
    private readonly HttpClient _fms = city.App.CreateClient();

    [Fact]
    public async Task FixMyStreet_files_a_report_and_follows_it_through_the_lifecycle()
    {
        // PopulateServiceList: the services, then each one's definition for its extra fields.
        var services = await (await _fms.GetAsync($"{Open311Http.Base}/services.xml?jurisdiction_id={Jurisdiction}")).XmlAsync();
        Assert.Equal("services", services.Root!.Name.LocalName);
        var road = services.Root.Elements("service").Single(s => s.Text("service_code") == "jalan_rusak");
        Assert.Equal("Jalan rusak", road.Text("service_name"));
        Assert.Equal("true", road.Text("metadata"));
        Assert.Equal("jalan rusak, damaged road", road.Text("keywords"));
        Assert.Equal("Dinas Pekerjaan Umum dan Penataan Ruang", road.Text("group"));
        var definition = await (await _fms.GetAsync($"{Open311Http.Base}/services/jalan_rusak.xml?jurisdiction_id={Jurisdiction}")).XmlAsync();
        Assert.Equal("service_definition", definition.Root!.Name.LocalName);
        var attribute = definition.Root.Element("attributes")!.Elements("attribute").Single();
        Assert.Equal(("patokan", "string", "false"), (attribute.Text("code"), attribute.Text("datatype"), attribute.Text("required")));

        // send_service_request: the fields FixMyStreet posts, with its "title, detail, url" description.
        var post = await _fms.PostFormAsync("xml",
        [
            ("jurisdiction_id", Jurisdiction), ("api_key", city.ApiKey), ("service_code", "jalan_rusak"),
            ("lat", "0.025"), ("long", "100.06"),
            ("description", "Lubang besar di jalan\n\nLubang sedalam 20 cm di depan sekolah.\n\nhttps://fixmystreet.contoh.example/report/4711\n"),
            ("first_name", "Budi"), ("last_name", "Santoso"), ("email", "budi.santoso@contoh.example"), ("phone", "081311112222"),
            ("media_url", "https://fixmystreet.contoh.example/photo/4711.0.full.jpeg"), ("attribute[patokan]", "depan SD Negeri 3"),
        ]);
        var answer = await post.XmlAsync();
        Assert.Equal("service_requests", answer.Root!.Name.LocalName);
        var filed = answer.Root.Elements("request").Single();
        var id = filed.Text("service_request_id");
        Assert.Matches(@"^UJR-\d{4}-\d{6}$", id);
        // get_service_request_id_from_token, which FixMyStreet uses when an answer carries only a token.
        var byToken = await (await _fms.GetAsync($"{Open311Http.Base}/tokens/{filed.Text("token")}.xml?jurisdiction_id={Jurisdiction}")).XmlAsync();
        Assert.Equal(id, byToken.Root!.Element("request")!.Text("service_request_id"));

        // The OPD works on it through the staff API.
        var start = DateTime.UtcNow.AddSeconds(-1);
        var staff = await city.Staff("pupr");
        var crew = await city.Crew("pupr");
        await (await staff.ChangeAsync(id, new { to = "verified", note = "Sudah dicek di lokasi", internalNote = "CATATAN-INTERNAL-1" })).OkJsonAsync();
        await (await staff.ChangeAsync(id, new { to = "assigned" })).OkJsonAsync();
        await (await crew.ChangeAsync(id, new { to = "in_progress" })).OkJsonAsync();
        await (await crew.ChangeWithPhotosAsync(id, new Dictionary<string, string> { ["to"] = "resolved", ["note"] = "Lubang sudah ditambal" },
            ("after", TestImages.Jpeg(320, 240, TestImages.RedLeftBlueRight)))).OkJsonAsync();
        var end = DateTime.UtcNow.AddSeconds(1);

        // GetServiceRequestUpdates: api_key and jurisdiction_id in the query, a window of W3C times in UTC.
        var updatesXml = await (await _fms.GetAsync($"{Open311Http.Base}/servicerequestupdates.xml?api_key={Uri.EscapeDataString(city.ApiKey)}" +
            $"&jurisdiction_id={Jurisdiction}&start_date={W3c(start)}&end_date={W3c(end)}")).XmlAsync();
        Assert.Equal("service_request_updates", updatesXml.Root!.Name.LocalName);
        var updates = updatesXml.Root.Elements("request_update").Where(u => u.Text("service_request_id") == id).ToList();
        Assert.Equal(["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED"], updates.Select(u => u.Text("status")));
        Assert.Equal(["Sudah dicek di lokasi", "Didisposisikan / Assigned", "Dalam Proses / In progress", "Lubang sudah ditambal"],
            updates.Select(u => u.Text("description")));
        Assert.Equal(4, updates.Select(u => long.Parse(u.Text("update_id"), CultureInfo.InvariantCulture)).Distinct().Count());
        foreach (var update in updates)
        {
            // FixMyStreet's own check: the update's time, in UTC, inside the window it asked for.
            var at = DateTimeOffset.Parse(update.Text("updated_datetime"), CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.FromHours(7), at.Offset);
            Assert.InRange(at.UtcDateTime, start.AddSeconds(-1), end);
        }
        Assert.Null(updates[0].Element("media_url"));
        var fixPhoto = updates[3].Text("media_url");
        Assert.StartsWith($"{Open311CityApp.PublicBaseUrl}/media/photos/", fixPhoto);
        var photo = await _fms.GetAsync(new Uri(fixPhoto).PathAndQuery);
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType); // FixMyStreet keeps only JPEGs
        Assert.DoesNotContain("CATATAN-INTERNAL-1", updatesXml.ToString());

        // Asked again with a narrower window, the same steps keep the same ids.
        var again = await (await _fms.GetAsync($"{Open311Http.Base}/servicerequestupdates.xml?start_date={W3c(start)}&end_date={W3c(end)}")).XmlAsync();
        Assert.Equal(updates.Select(u => u.Text("update_id")),
            again.Root!.Elements("request_update").Where(u => u.Text("service_request_id") == id).Select(u => u.Text("update_id")));

        // get_service_requests by id: resolved is closed, and the notes are the resolving step's.
        var requests = await (await _fms.GetAsync($"{Open311Http.Base}/requests.xml?jurisdiction_id={Jurisdiction}&service_request_id={id}")).XmlAsync();
        var request = requests.Root!.Elements("request").Single();
        Assert.Equal(("closed", "Lubang sudah ditambal"), (request.Text("status"), request.Text("status_notes")));
        Assert.Equal(updates[3].Text("updated_datetime"), request.Text("updated_datetime"));
        Assert.Null(request.Element("expected_datetime")); // nothing more owed once resolved
        Assert.Contains("Patokan: depan SD Negeri 3", request.Text("description"));
    }

    [Fact]
    public async Task Every_lifecycle_step_becomes_one_update_with_its_documented_status()
    {
        var start = DateTime.UtcNow.AddSeconds(-1);
        var walked = await FileAsync("Jalan amblas, jalur walk");
        await city.App.ReachStatusAsync(walked, ComplaintStatus.Closed);
        await city.App.ReachStatusAsync(walked, ComplaintStatus.Reopened, "Belum selesai, retak lagi");
        await city.App.ReachStatusAsync(walked, ComplaintStatus.Assigned);
        var rejected = await FileAsync("Laporan iseng");
        await city.App.ReachStatusAsync(rejected, ComplaintStatus.Rejected, "Tidak ada kerusakan di lokasi");
        var duplicate = await FileAsync("Sama dengan laporan lain");
        await city.App.ReachStatusAsync(duplicate, ComplaintStatus.Duplicate);
        var rerouted = await FileAsync("Ternyata urusan dinas lain");
        await city.App.ReachStatusAsync(rerouted, ComplaintStatus.NotOurRemit, "Diteruskan ke dinas yang berwenang");
        var end = DateTime.UtcNow.AddSeconds(1);

        var json = await (await _fms.GetAsync($"{Open311Http.Base}/servicerequestupdates.json?start_date={W3c(start)}&end_date={W3c(end)}")).JsonAsync();
        var updates = json.EnumerateArray().ToList();
        string[] StatusesOf(string ticket) =>
            updates.Where(u => u.GetProperty("service_request_id").GetString() == ticket).Select(u => u.GetProperty("status").GetString()!).ToArray();
        Assert.Equal(["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED", "CLOSED", "OPEN", "ACTION_SCHEDULED"], StatusesOf(walked));
        Assert.Equal(["NO_FURTHER_ACTION"], StatusesOf(rejected));
        Assert.Equal(["DUPLICATE"], StatusesOf(duplicate));
        Assert.Equal(["OPEN", "OPEN"], StatusesOf(rerouted)); // not our remit, then received by the right OPD

        // One update per step, named by the step's id; oldest first.
        await using var db = city.NewDb();
        var tickets = new[] { walked, rejected, duplicate, rerouted };
        var steps = await db.StatusChanges.Where(s => db.Complaints.Any(c => c.Id == s.ComplaintId && tickets.Contains(c.Ticket)))
            .OrderBy(s => s.At).ThenBy(s => s.Id).Select(s => s.Id.ToString()).ToListAsync();
        Assert.Equal(steps, updates.Where(u => tickets.Contains(u.GetProperty("service_request_id").GetString()))
            .Select(u => u.GetProperty("update_id").GetString()));

        // And the requests' own status: open while something is owed.
        var requests = await (await _fms.GetAsync($"{Open311Http.Base}/requests.json?service_request_id={string.Join(',', tickets)}")).JsonAsync();
        var status = requests.EnumerateArray().ToDictionary(r => r.GetProperty("service_request_id").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal(["open", "closed", "closed", "open"], tickets.Select(t => status[t]));
        // status_notes: the latest step's public note, so none after a step without one (re-routing ends with "received").
        string? NotesOf(string ticket) => requests.EnumerateArray().Single(r => r.GetProperty("service_request_id").GetString() == ticket)
            .TryGetProperty("status_notes", out var notes) ? notes.GetString() : null;
        Assert.Equal("Tidak ada kerusakan di lokasi", NotesOf(rejected));
        Assert.Null(NotesOf(rerouted));
    }

    private async Task<string> FileAsync(string description)
    {
        var post = await _fms.PostFormAsync("json", Open311Http.Filing(city.ApiKey, description));
        return (await post.JsonAsync())[0].GetProperty("service_request_id").GetString()!;
    }

    /// <summary>How FixMyStreet writes its window (DateTime::Format::W3CDTF of a UTC time).</summary>
    private static string W3c(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
