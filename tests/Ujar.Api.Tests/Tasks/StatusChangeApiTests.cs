using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;
using Ujar.Api.Tests.Photos;

namespace Ujar.Api.Tests.Tasks;

/// <summary>POST /api/staff/complaints/{ticket}/status and the reporter's answer, through the real HTTP pipeline.</summary>
public sealed class StatusChangeApiTests(TasksCityApp city) : IClassFixture<TasksCityApp>
{
    private const string Other = TasksCityApp.OtherOpd;
    private const double PinLat = 0.065, PinLon = 100.055;
    // About 30 m and 500 m north of the pin (one degree of latitude is ~110.6 km here).
    private const double Lat30M = PinLat + 30 / 110_574.0, Lat500M = PinLat + 500 / 110_574.0;

    private static byte[] Photo() => TestImages.Jpeg(320, 240, TestImages.RedLeftBlueRight);

    [Fact]
    public async Task The_whole_path_is_walked_by_the_right_people_and_the_audit_trail_names_them()
    {
        var (ticket, token) = await city.FileAsync(PinLat, PinLon, "jalan_rusak", "Jalan berlubang, jalur utama");
        var staff = await city.Staff();
        var crew = await city.Crew();

        await (await staff.ChangeAsync(ticket, new { to = "verified", note = "Sudah dicek", internalNote = "Prioritas minggu ini" })).OkJsonAsync();
        await (await staff.ChangeAsync(ticket, new { to = "assigned" })).OkJsonAsync();
        await (await crew.ChangeAsync(ticket, new { to = "in_progress", lat = Lat30M, lon = PinLon })).OkJsonAsync();
        var resolved = await (await crew.ChangeWithPhotosAsync(ticket,
            Fields("resolved", "Sudah ditambal", Lat30M, PinLon),
            ("before", Photo()), ("after", Photo()))).OkJsonAsync();
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.False(resolved.GetProperty("needsReview").GetBoolean());
        var closed = await (await city.App.CreateClient().AnswerAsync(ticket, token, new { resolved = true })).OkJsonAsync();
        Assert.Equal("closed", closed.GetProperty("status").GetString());

        var detail = await staff.DetailAsync(ticket);
        var timeline = detail.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal([(null, "received", null), ("received", "verified", "opd_staff"), ("verified", "assigned", "opd_staff"),
                ("assigned", "in_progress", "crew"), ("in_progress", "resolved", "crew"), ("resolved", "closed", "reporter")],
            timeline.Select(s => (s.GetProperty("from").GetString(), s.GetProperty("to").GetString(), s.GetProperty("actorRole").GetString())));
        Assert.Equal("Prioritas minggu ini", timeline[1].GetProperty("internalNote").GetString());
        Assert.Equal("Uji opd_staff pupr", timeline[1].GetProperty("actorName").GetString());
        var resolveStep = timeline[4];
        Assert.Equal(["before", "after"], resolveStep.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        Assert.InRange(resolveStep.GetProperty("distanceFromPinMeters").GetDouble(), 29, 31);
        Assert.False(resolveStep.GetProperty("needsReview").GetBoolean());
        Assert.Equal(2, detail.GetProperty("photos").GetArrayLength());
        Assert.Equal(0, detail.GetProperty("allowed").EnumerateArray().Count(a => a.GetProperty("status").GetString() != "reopened"));
        foreach (var photo in resolveStep.GetProperty("photos").EnumerateArray())
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(photo.GetProperty("thumbUrl").GetString())).StatusCode);
    }

    [Fact]
    public async Task Allowed_moves_are_those_of_this_user()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.0002);
        Assert.Equal(["verified", "rejected", "duplicate", "not_our_remit"],
            (await (await city.Staff()).DetailAsync(ticket)).GetProperty("allowed").EnumerateArray().Select(a => a.GetProperty("status").GetString()));
        Assert.Empty((await (await city.Crew()).DetailAsync(ticket)).GetProperty("allowed").EnumerateArray());
        await city.App.ReachStatusAsync(ticket, ComplaintStatus.Assigned);
        var crewMoves = (await (await city.Crew()).DetailAsync(ticket)).GetProperty("allowed").EnumerateArray().ToList();
        Assert.Equal(["in_progress"], crewMoves.Select(a => a.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_crew_cannot_verify()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.0004);
        await (await (await city.Crew()).ChangeAsync(ticket, new { to = "verified" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await StepsAsync(ticket));
    }

    [Fact]
    public async Task A_move_the_table_does_not_have_is_refused_with_the_allowed_moves()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.0006);
        var problem = await (await (await city.Staff()).ChangeAsync(ticket, new { to = "resolved", note = "langsung selesai" }))
            .ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Equal(["verified", "rejected", "duplicate", "not_our_remit"],
            problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetProperty("status").GetString()));
        Assert.Equal(["note", "opd"], problem.GetProperty("allowed")[3].GetProperty("needs").Strings());
        Assert.Empty(problem.GetProperty("missing").EnumerateArray());
        Assert.Equal(0, await StepsAsync(ticket));
    }

    [Fact]
    public async Task A_move_missing_what_it_needs_lists_what_is_missing()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.0008);
        var problem = await (await (await city.Staff()).ChangeAsync(ticket, new { to = "rejected" })).ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Equal(["note"], problem.GetProperty("missing").Strings());

        var reroute = await (await (await city.Staff()).ChangeAsync(ticket, new { to = "not_our_remit", note = "Bukan kami" }))
            .ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Equal(["opd"], reroute.GetProperty("missing").Strings());
        Assert.Equal(0, await StepsAsync(ticket));
    }

    [Fact]
    public async Task Two_changes_from_the_same_version_one_wins_and_the_other_is_told_it_changed_meanwhile()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.001);
        var staff = await city.Staff();
        var version = (await staff.DetailAsync(ticket)).GetProperty("version").GetUInt32();

        var first = await (await staff.ChangeAsync(ticket, new { to = "verified", version })).OkJsonAsync();
        var second = await (await (await city.Admin()).ChangeAsync(ticket, new { to = "rejected", note = "Tidak jelas", version }))
            .ProblemAsync(HttpStatusCode.Conflict, "changed_meanwhile");

        Assert.NotEqual(version, first.GetProperty("version").GetUInt32());
        Assert.Equal(first.GetProperty("version").GetUInt32(), second.GetProperty("currentVersion").GetUInt32());
        Assert.Equal(first.GetProperty("version").GetUInt32(), (await staff.DetailAsync(ticket)).GetProperty("version").GetUInt32());
        Assert.Equal(1, await StepsAsync(ticket));
    }

    [Fact]
    public async Task A_change_that_loses_the_race_for_the_row_is_told_the_version_now_committed()
    {
        var (ticket, _) = await city.FileAsync(PinLat, PinLon + 0.0012);
        var staff = await city.Staff();
        var version = (await staff.DetailAsync(ticket)).GetProperty("version").GetUInt32();

        // Someone else changes the complaint and holds the row: ours reads the old, matching version and then waits.
        await using var other = new NpgsqlConnection(city.App.ConnectionString);
        await other.OpenAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE complaints SET support_count = support_count + 1 WHERE ticket = $1", other, otherTx))
        {
            update.Parameters.AddWithValue(ticket);
            await update.ExecuteNonQueryAsync();
        }
        var ours = staff.ChangeAsync(ticket, new { to = "verified", version });
        await WaitUntilBlockedOnLockAsync();
        await otherTx.CommitAsync();

        var problem = await (await ours).ProblemAsync(HttpStatusCode.Conflict, "changed_meanwhile");
        var committed = (await staff.DetailAsync(ticket)).GetProperty("version").GetUInt32();
        Assert.NotEqual(version, committed);
        Assert.Equal(committed, problem.GetProperty("currentVersion").GetUInt32());
        Assert.Equal(0, await StepsAsync(ticket));
        await (await staff.ChangeAsync(ticket, new { to = "verified", version = committed })).OkJsonAsync();
    }

    [Fact]
    public async Task Two_truly_concurrent_changes_without_a_version_one_wins_and_nothing_is_half_written()
    {
        for (var round = 0; round < 5; round++)
        {
            var (ticket, _) = await city.FileAsync(PinLat + 0.0002, PinLon + round * 0.0002);
            var (staff, admin) = (await city.Staff(), await city.Admin());

            var responses = await Task.WhenAll(staff.ChangeAsync(ticket, new { to = "verified" }), admin.ChangeAsync(ticket, new { to = "verified" }));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
            Assert.Contains((await loser.ReadJsonAsync()).GetProperty("code").GetString(), new[] { "changed_meanwhile", "already_in_status" });
            Assert.Equal(1, await StepsAsync(ticket));
            await using var db = city.App.NewDb();
            Assert.Equal(1, await db.LiveEvents.CountAsync(e => e.Ticket == ticket && e.Type == Api.Live.LiveEventType.StatusChanged));
        }
    }

    [Fact]
    public async Task Rerouting_lands_at_the_other_OPD_as_received_and_the_old_OPD_loses_access()
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.0004, PinLon, "galian_kabel", "Galian kabel PLN, bukan PUPR");
        var changed = await (await (await city.Staff()).ChangeAsync(ticket, new { to = "not_our_remit", note = "Kabel milik pihak lain", opd = Other }))
            .OkJsonAsync();
        Assert.Equal(("received", Other), (changed.GetProperty("status").GetString(), changed.GetProperty("opd").GetString()));
        Assert.Equal([("received", "not_our_remit"), ("not_our_remit", "received")],
            changed.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("from").GetString(), s.GetProperty("to").GetString())));

        await (await (await city.Staff()).GetAsync($"/api/staff/complaints/{ticket}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await (await city.Staff()).ChangeAsync(ticket, new { to = "verified" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var detail = await (await city.Staff(Other)).DetailAsync(ticket);
        Assert.Equal(Other, detail.GetProperty("opd").GetString());
        Assert.Equal([(null, "received", null), ("received", "not_our_remit", "pupr"), ("not_our_remit", "received", Other)],
            detail.GetProperty("timeline").EnumerateArray().Select(s =>
                (s.GetProperty("from").GetString(), s.GetProperty("to").GetString(), s.GetProperty("opd").GetString())));
        var queue = await (await (await city.Staff(Other)).GetAsync("/api/staff/complaints?status=received&limit=200")).OkJsonAsync();
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("ticket").GetString() == ticket);
        await (await (await city.Staff(Other)).ChangeAsync(ticket, new { to = "verified" })).OkJsonAsync();
    }

    [Fact]
    public async Task Marking_a_duplicate_moves_its_supporters_to_the_original_and_a_device_that_backed_both_counts_once()
    {
        var (original, _) = await city.FileAsync(PinLat + 0.0006, PinLon, "sampah", "Sampah di pasar");
        var (repeat, _) = await city.FileAsync(PinLat + 0.0006, PinLon + 0.0001, "sampah", "Sampah di pasar lagi");
        await SupportAsync(original, "perangkat-a-0001");
        await SupportAsync(original, "perangkat-c-0003");
        await SupportAsync(repeat, "perangkat-a-0001");
        await SupportAsync(repeat, "perangkat-b-0002");

        var changed = await (await (await city.Staff(Other)).ChangeAsync(repeat, new { to = "duplicate", original })).OkJsonAsync();

        Assert.Equal("duplicate", changed.GetProperty("status").GetString());
        var staff = await city.Staff(Other);
        Assert.Equal(3, (await staff.DetailAsync(original)).GetProperty("supportCount").GetInt32());
        Assert.Equal(0, (await staff.DetailAsync(repeat)).GetProperty("supportCount").GetInt32());
        await using var db = city.App.NewDb();
        var originalId = (await db.Complaints.SingleAsync(c => c.Ticket == original)).Id;
        Assert.Equal(3, await db.Supports.CountAsync(s => s.ComplaintId == originalId));
    }

    [Fact]
    public async Task A_crew_closing_far_from_the_pin_is_kept_but_flagged_and_shows_in_the_review_queue()
    {
        var (near, _) = await city.FileAsync(PinLat + 0.0008, PinLon);
        var (far, _) = await city.FileAsync(PinLat + 0.0008, PinLon + 0.0002);
        foreach (var ticket in new[] { near, far }) await city.App.ReachStatusAsync(ticket, ComplaintStatus.InProgress);
        var crew = await city.Crew();

        var nearResult = await (await crew.ChangeWithPhotosAsync(near, Fields("resolved", "Selesai", PinLat + 0.0008 + 30 / 110_574.0, PinLon),
            ("after", Photo()))).OkJsonAsync();
        var farResult = await (await crew.ChangeWithPhotosAsync(far, Fields("resolved", "Selesai", PinLat + 0.0008 + 500 / 110_574.0, PinLon + 0.0002),
            ("after", Photo()))).OkJsonAsync();

        Assert.False(nearResult.GetProperty("needsReview").GetBoolean());
        Assert.True(farResult.GetProperty("needsReview").GetBoolean());
        Assert.Equal("resolved", farResult.GetProperty("status").GetString());
        var review = await (await (await city.Staff()).GetAsync("/api/staff/complaints?needsReview=true&limit=200")).OkJsonAsync();
        var tickets = review.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ticket").GetString()).ToList();
        Assert.Contains(far, tickets);
        Assert.DoesNotContain(near, tickets);
        Assert.All(review.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("needsReview").GetBoolean()));
        Assert.Equal(review.GetProperty("total").GetInt32(), review.GetProperty("items").GetArrayLength());
        var step = (await crew.DetailAsync(far)).GetProperty("timeline").EnumerateArray().Last();
        Assert.InRange(step.GetProperty("distanceFromPinMeters").GetDouble(), 495, 505);
    }

    [Fact]
    public async Task Resolving_without_an_after_photo_is_refused_as_missing_it()
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.001, PinLon);
        await city.App.ReachStatusAsync(ticket, ComplaintStatus.InProgress);
        var problem = await (await (await city.Crew()).ChangeAsync(ticket, new { to = "resolved", note = "Sudah" }))
            .ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Equal(["after_photo"], problem.GetProperty("missing").Strings());
    }

    [Fact]
    public async Task An_unreadable_photo_is_refused_and_no_step_row_or_file_is_written()
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.001, PinLon + 0.0002);
        await city.App.ReachStatusAsync(ticket, ComplaintStatus.InProgress);
        var steps = await StepsAsync(ticket);
        var files = city.MediaFiles();
        var jpeg = TestImages.Jpeg(800, 600, TestImages.Noise);

        await (await (await city.Crew()).ChangeWithPhotosAsync(ticket, Fields("resolved", "Selesai", PinLat, PinLon),
            ("after", Photo()), ("after", jpeg[..(jpeg.Length / 2)]))).ProblemAsync(HttpStatusCode.UnprocessableEntity, "photo_unreadable");

        Assert.Equal(steps, await StepsAsync(ticket));
        Assert.Equal(files.Order(), city.MediaFiles().Order());
        await using var db = city.App.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(ComplaintStatus.InProgress, complaint.Status);
        Assert.False(await db.Photos.AnyAsync(p => p.ComplaintId == complaint.Id && p.StatusChangeId != null));
    }

    [Fact]
    public async Task Photos_of_a_change_that_is_not_made_are_not_kept()
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.001, PinLon + 0.0004);
        var files = city.MediaFiles();
        // Received → resolved is not in the table: the photo was fine, but no step names it.
        await (await (await city.Staff()).ChangeWithPhotosAsync(ticket, Fields("resolved", "Selesai", PinLat, PinLon), ("after", Photo())))
            .ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Equal(files.Order(), city.MediaFiles().Order());
        await using var db = city.App.NewDb();
        Assert.False(await db.Photos.AnyAsync(p => db.Complaints.Any(c => c.Id == p.ComplaintId && c.Ticket == ticket)));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"to":"selesai"}""", "to" },
        { """{"note":"tanpa tujuan"}""", "to" },
        { """{"to":"verified","lat":0.065}""", "lon" },
        { """{"to":"verified","lat":95,"lon":100.05}""", "lat" },
        { """{"to":"verified","lat":0.065,"lon":-181}""", "lon" },
        { """{"to":"verified","version":-1}""", "version" },
        { """{"to":"verified","version":4294967296}""", "version" },
        { $$"""{"to":"rejected","note":"{{new string('x', 2001)}}"}""", "note" },
        { $$"""{"to":"verified","internalNote":"{{new string('x', 2001)}}"}""", "internalNote" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_bilingual_422_naming_the_field_and_changes_nothing(string body, string field)
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.0012, PinLon);
        var response = await (await city.Staff()).PostRawJsonAsync($"/api/staff/complaints/{ticket}/status", body);
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await StepsAsync(ticket));
    }

    [Fact]
    public async Task A_lat_and_lon_that_are_not_numbers_in_a_form_are_refused()
    {
        var (ticket, _) = await city.FileAsync(PinLat + 0.0012, PinLon + 0.0002);
        var problem = await (await (await city.Staff()).ChangeWithPhotosAsync(ticket,
                new Dictionary<string, string> { ["to"] = "verified", ["lat"] = "NaN", ["lon"] = "100.05" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("lat", out _));
        await (await (await city.Staff()).ChangeAsync("UJR-1999-000001", new { to = "verified" })).ProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await (await city.Staff()).ChangeAsync(ticket, new { to = "received" })).ProblemAsync(HttpStatusCode.Conflict, "already_in_status");
    }

    [Fact]
    public async Task The_reporter_closes_or_reopens_a_resolved_complaint_with_their_token_only()
    {
        var anyone = city.App.CreateClient();
        var (done, doneToken) = await city.FileAsync(PinLat + 0.0014, PinLon);
        var (notDone, notDoneToken) = await city.FileAsync(PinLat + 0.0014, PinLon + 0.0002);
        var (working, workingToken) = await city.FileAsync(PinLat + 0.0014, PinLon + 0.0004);
        foreach (var ticket in new[] { done, notDone }) await city.App.ReachStatusAsync(ticket, ComplaintStatus.Resolved);
        await city.App.ReachStatusAsync(working, ComplaintStatus.InProgress);

        await (await anyone.AnswerAsync(done, null, new { resolved = true })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await anyone.AnswerAsync(done, notDoneToken, new { resolved = true })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var missingNote = await (await anyone.AnswerAsync(notDone, notDoneToken, new { resolved = false }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(missingNote.GetProperty("errors").TryGetProperty("note", out _));
        await (await anyone.AnswerAsync(done, doneToken, new { note = "lupa" })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
        var notResolved = await (await anyone.AnswerAsync(working, workingToken, new { resolved = true }))
            .ProblemAsync(HttpStatusCode.Conflict, "transition_not_allowed");
        Assert.Empty(notResolved.GetProperty("allowed").EnumerateArray());

        Assert.Equal("closed", (await (await anyone.AnswerAsync(done, doneToken, new { resolved = true })).OkJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("reopened", (await (await anyone.AnswerAsync(notDone, notDoneToken, new { resolved = false, note = "Masih berlubang di sisi kiri" }))
            .OkJsonAsync()).GetProperty("status").GetString());
        var timeline = (await (await city.Staff()).DetailAsync(notDone)).GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("reopened", "Masih berlubang di sisi kiri", "reporter"),
            (timeline.GetProperty("to").GetString(), timeline.GetProperty("note").GetString(), timeline.GetProperty("actorRole").GetString()));
        // The OPD sends a crew again.
        await (await (await city.Staff()).ChangeAsync(notDone, new { to = "assigned" })).OkJsonAsync();
        await (await anyone.AnswerAsync(done, doneToken, new { resolved = true })).ProblemAsync(HttpStatusCode.Conflict, "already_in_status");
    }

    [Fact]
    public async Task Public_views_carry_neither_internal_notes_nor_reporter_contacts()
    {
        const string secret = "Catatan rahasia: pelapor kerabat kepala dinas";
        var (ticket, _) = await city.FileAsync(PinLat + 0.0016, PinLon, "jalan_rusak", "Aspal retak",
            new { name = "Dewi Rahasia", phone = "0821-5555-7777", email = "dewi.rahasia@contoh.id" });
        await (await (await city.Staff()).ChangeAsync(ticket, new { to = "verified", note = "Diverifikasi", internalNote = secret })).OkJsonAsync();
        Assert.Equal(secret, (await (await city.Staff()).DetailAsync(ticket)).GetProperty("timeline")[1].GetProperty("internalNote").GetString());

        var anyone = city.App.CreateClient();
        foreach (var url in new[] { $"/api/complaints/{ticket}", $"/api/events?ticket={ticket}", "/api/events", "/api/complaints" })
        {
            var response = await anyone.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadAsStringAsync();
            foreach (var hidden in new[] { secret, "rahasia", "0821-5555-7777", "Dewi Rahasia" })
                Assert.DoesNotContain(hidden, json, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("Diverifikasi", await anyone.GetStringAsync($"/api/complaints/{ticket}"));
    }

    [Fact]
    public async Task The_overdue_filter_returns_exactly_the_complaints_whose_deadline_has_passed()
    {
        var (old, _) = await city.FileAsync(PinLat + 0.0018, PinLon, "jalan_rusak", "Sudah lama");
        var (oldVerified, _) = await city.FileAsync(PinLat + 0.0018, PinLon + 0.0002, "jalan_rusak", "Lama, diverifikasi");
        var (oldResolved, _) = await city.FileAsync(PinLat + 0.0018, PinLon + 0.0004, "jalan_rusak", "Lama, selesai");
        var (fresh, _) = await city.FileAsync(PinLat + 0.0018, PinLon + 0.0006, "jalan_rusak", "Baru");
        await city.App.ReachStatusAsync(oldVerified, ComplaintStatus.Verified);
        await city.App.ReachStatusAsync(oldResolved, ComplaintStatus.Resolved);
        await using (var db = city.App.NewDb())
            await db.Database.ExecuteSqlAsync($"UPDATE complaints SET created_at = now() - interval '40 days' WHERE ticket IN ({old}, {oldVerified}, {oldResolved})");

        var staff = await city.Staff();
        var overdue = await (await staff.GetAsync("/api/staff/complaints?overdue=true&limit=200")).OkJsonAsync();
        var all = await (await staff.GetAsync("/api/staff/complaints?limit=200")).OkJsonAsync();

        var overdueTickets = overdue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ticket").GetString()).ToHashSet();
        Assert.Contains(old, overdueTickets);
        Assert.Contains(oldVerified, overdueTickets);
        Assert.DoesNotContain(oldResolved, overdueTickets);
        Assert.DoesNotContain(fresh, overdueTickets);
        // The SQL filter and the deadline each item shows agree on every complaint of the OPD.
        var shownOverdue = all.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("deadline").ValueKind == JsonValueKind.Object && i.GetProperty("deadline").GetProperty("overdue").GetBoolean())
            .Select(i => i.GetProperty("ticket").GetString()).ToHashSet();
        Assert.Equal(shownOverdue, overdueTickets);
        Assert.Equal(overdueTickets.Count, overdue.GetProperty("total").GetInt32());
        var notOverdue = await (await staff.GetAsync("/api/staff/complaints?overdue=false&limit=200")).OkJsonAsync();
        Assert.Equal(all.GetProperty("total").GetInt32(), overdue.GetProperty("total").GetInt32() + notOverdue.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_queue_filters_by_status_pages_newest_first_and_refuses_bad_filters()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var tickets = new List<string>();
        for (var i = 0; i < 3; i++) tickets.Add((await city.FileAsync(PinLat + 0.002, PinLon + i * 0.0002, "genangan_air", $"Antrian {marker} {i}")).Ticket);
        await city.App.ReachStatusAsync(tickets[1], ComplaintStatus.Verified);
        var staff = await city.Staff();

        var verified = await (await staff.GetAsync("/api/staff/complaints?status=verified,assigned&limit=200")).OkJsonAsync();
        Assert.All(verified.GetProperty("items").EnumerateArray(), i => Assert.Contains(i.GetProperty("status").GetString(), new[] { "verified", "assigned" }));
        Assert.Contains(verified.GetProperty("items").EnumerateArray(), i => i.GetProperty("ticket").GetString() == tickets[1]);

        var first = await (await staff.GetAsync("/api/staff/complaints?limit=2")).OkJsonAsync();
        var second = await (await staff.GetAsync("/api/staff/complaints?limit=2&offset=2")).OkJsonAsync();
        var page = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(4, page.Count);
        Assert.Equal(page.OrderDescending(), page);
        Assert.Equal(first.GetProperty("total").GetInt32(), second.GetProperty("total").GetInt32());
        Assert.Equal(tickets[2], first.GetProperty("items")[0].GetProperty("ticket").GetString());

        foreach (var bad in new[] { "status=selesai", "overdue=kadang", "limit=0", "limit=201", "offset=-1", "needsReview=ya" })
            await (await staff.GetAsync($"/api/staff/complaints?{bad}")).ProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    private static Dictionary<string, string> Fields(string to, string note, double lat, double lon) => new()
    {
        ["to"] = to, ["note"] = note,
        ["lat"] = lat.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lon"] = lon.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task SupportAsync(string ticket, string device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/support");
        request.Headers.Add("X-Device-Token", device);
        Assert.Equal(HttpStatusCode.OK, (await city.App.CreateClient().SendAsync(request)).StatusCode);
    }

    /// <summary>Polls pg_stat_activity until a session of this database waits for a lock (each poll its own snapshot).</summary>
    private async Task WaitUntilBlockedOnLockAsync()
    {
        await using var observer = new NpgsqlConnection(city.App.ConnectionString);
        await observer.OpenAsync();
        for (var attempt = 0; attempt < 400; attempt++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", observer);
            if ((long)(await command.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("The status change never waited for the row lock");
    }

    private async Task<int> StepsAsync(string ticket)
    {
        await using var db = city.App.NewDb();
        return await db.StatusChanges.CountAsync(s => db.Complaints.Any(c => c.Id == s.ComplaintId && c.Ticket == ticket));
    }
}
