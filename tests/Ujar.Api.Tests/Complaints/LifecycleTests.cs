using System.Net;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Live;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;
using static Ujar.Api.Complaints.ComplaintStatus;

namespace Ujar.Api.Tests.Complaints;

/// <summary>The lifecycle table on its own (every one of the 10 × 10 pairs), then through ComplaintStatusChanges on a real database.</summary>
public sealed class LifecycleTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private const TransitionNeeds Note = TransitionNeeds.Note, Photo = TransitionNeeds.AfterPhoto, Original = TransitionNeeds.Original,
        Nothing = TransitionNeeds.Nothing, Opd = TransitionNeeds.Opd;
    private const Actors Staff = Actors.Staff, Crew = Actors.Crew, Reporter = Actors.Reporter, System = Actors.System;

    /// <summary>Written out again, by hand, from the issue and the decisions in Lifecycle's summary: a change to the table shows here.</summary>
    private static readonly Dictionary<(ComplaintStatus From, ComplaintStatus To), TransitionNeeds> Expected = new()
    {
        [(Received, Verified)] = Nothing, [(Received, Rejected)] = Note, [(Received, Duplicate)] = Original, [(Received, NotOurRemit)] = Note | Opd,
        [(Verified, Assigned)] = Nothing, [(Verified, Rejected)] = Note, [(Verified, Duplicate)] = Original, [(Verified, NotOurRemit)] = Note | Opd,
        [(Assigned, InProgress)] = Nothing, [(Assigned, NotOurRemit)] = Note | Opd,
        [(InProgress, Resolved)] = Note | Photo,
        [(Resolved, Closed)] = Nothing, [(Resolved, Reopened)] = Note,
        [(Closed, Reopened)] = Note,
        [(NotOurRemit, Received)] = Nothing,
        [(Reopened, Assigned)] = Nothing,
    };

    /// <summary>Who may make each move: crews only start and finish the work; only the reporter or Ujar's own timer close.</summary>
    private static readonly Dictionary<(ComplaintStatus From, ComplaintStatus To), Actors> ExpectedBy = new()
    {
        [(Received, Verified)] = Staff, [(Received, Rejected)] = Staff, [(Received, Duplicate)] = Staff, [(Received, NotOurRemit)] = Staff,
        [(Verified, Assigned)] = Staff, [(Verified, Rejected)] = Staff, [(Verified, Duplicate)] = Staff, [(Verified, NotOurRemit)] = Staff,
        [(Assigned, InProgress)] = Staff | Crew, [(Assigned, NotOurRemit)] = Staff,
        [(InProgress, Resolved)] = Staff | Crew,
        [(Resolved, Closed)] = Reporter | System, [(Resolved, Reopened)] = Reporter | Staff,
        [(Closed, Reopened)] = Reporter | Staff,
        [(NotOurRemit, Received)] = Staff,
        [(Reopened, Assigned)] = Staff,
    };

    [Fact]
    public void The_table_names_exactly_the_expected_actors_for_each_move()
    {
        Assert.Equal(ExpectedBy.OrderBy(e => e.Key), Lifecycle.Transitions.ToDictionary(t => (t.From, t.To), t => t.By).OrderBy(e => e.Key));
    }

    public static TheoryData<ComplaintStatus, ComplaintStatus> AllPairs()
    {
        var pairs = new TheoryData<ComplaintStatus, ComplaintStatus>();
        foreach (var from in Enum.GetValues<ComplaintStatus>())
        foreach (var to in Enum.GetValues<ComplaintStatus>())
            pairs.Add(from, to);
        return pairs;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_pair_is_accepted_with_everything_given_exactly_when_the_table_allows_it(ComplaintStatus from, ComplaintStatus to)
    {
        var refusal = Lifecycle.Check(from, to, "catatan", hasAfterPhoto: true, duplicateOf: "UJR-2026-000001", targetOpd: "dlh");

        if (Expected.ContainsKey((from, to)))
            Assert.Null(refusal);
        else
        {
            Assert.NotNull(refusal);
            Assert.Equal(Nothing, refusal.Missing);
            Assert.Equal(Expected.Keys.Where(k => k.From == from).Select(k => k.To).Order(), refusal.Allowed.Select(t => t.To).Order());
        }
    }

    [Fact]
    public void The_table_holds_exactly_the_expected_transitions_and_their_needs()
    {
        Assert.Equal(Expected.OrderBy(e => e.Key), Lifecycle.Transitions.ToDictionary(t => (t.From, t.To), t => t.Needs).OrderBy(e => e.Key));
    }

    [Fact]
    public void Closed_leads_only_to_reopened_and_rejected_and_duplicate_lead_nowhere()
    {
        Assert.Equal([Reopened], Lifecycle.AllowedFrom(Closed).Select(t => t.To));
        Assert.Empty(Lifecycle.AllowedFrom(Rejected));
        Assert.Empty(Lifecycle.AllowedFrom(Duplicate));
    }

    [Fact]
    public void Every_status_has_an_Indonesian_and_an_English_label()
    {
        Assert.Equal(["Diterima", "Diverifikasi", "Didisposisikan", "Dalam Proses", "Selesai", "Ditutup", "Ditolak", "Duplikat", "Bukan Wewenang",
            "Dibuka Kembali"], Enum.GetValues<ComplaintStatus>().Select(s => Lifecycle.Label[s].Id));
        Assert.All(Enum.GetValues<ComplaintStatus>(), s => Assert.False(string.IsNullOrWhiteSpace(Lifecycle.Label[s].En)));
    }

    public static TheoryData<ComplaintStatus, ComplaintStatus, TransitionNeeds> EachNeed()
    {
        var cases = new TheoryData<ComplaintStatus, ComplaintStatus, TransitionNeeds>();
        foreach (var ((from, to), needs) in Expected)
        foreach (var need in new[] { Note, Photo, Original, Opd }.Where(n => needs.HasFlag(n)))
            cases.Add(from, to, need);
        return cases;
    }

    [Theory]
    [MemberData(nameof(EachNeed))]
    public void A_transition_missing_one_thing_it_needs_is_refused_naming_it(ComplaintStatus from, ComplaintStatus to, TransitionNeeds left)
    {
        var refusal = Lifecycle.Check(from, to, left == Note ? "  " : "catatan", hasAfterPhoto: left != Photo,
            duplicateOf: left == Original ? null : "UJR-2026-000001", targetOpd: left == Opd ? null : "dlh");

        Assert.NotNull(refusal);
        Assert.Equal(left, refusal.Missing);
        Assert.Contains(refusal.Allowed, t => t.To == to);
    }

    [Fact]
    public void What_is_not_needed_may_still_be_given_and_nothing_is_asked_where_nothing_is_needed()
    {
        Assert.Null(Lifecycle.Check(Received, Verified, null, hasAfterPhoto: false, duplicateOf: null));
        Assert.Null(Lifecycle.Check(Assigned, InProgress, "Tim berangkat", hasAfterPhoto: true, duplicateOf: null));
    }

    [Fact]
    public void Resolving_without_a_note_or_a_photo_names_both()
    {
        Assert.Equal(Note | Photo, Lifecycle.Check(InProgress, Resolved, null, hasAfterPhoto: false, duplicateOf: null)?.Missing);
    }

    // Through ComplaintStatusChanges, on the fixture city's database.

    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<(ComplaintStatus Status, int Steps, int StatusEvents)> StoredAsync(string ticket)
    {
        await using var db = fixture.App.NewDb();
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);
        return (complaint.Status, await db.StatusChanges.CountAsync(s => s.ComplaintId == complaint.Id),
            await db.LiveEvents.CountAsync(e => e.Ticket == ticket && e.Type == LiveEventType.StatusChanged));
    }

    private async Task AddAfterPhotoAsync(string ticket)
    {
        await using var db = fixture.App.NewDb();
        var id = (await db.Complaints.SingleAsync(c => c.Ticket == ticket)).Id;
        db.Photos.Add(new Photo { Id = Guid.NewGuid(), ComplaintId = id, Kind = PhotoKind.After, Width = 1, Height = 1, Bytes = 1, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_move_the_lifecycle_does_not_allow_is_refused_with_the_allowed_moves_and_nothing_is_stored()
    {
        var ticket = await _client.FileAsync(0.065, 100.058);

        var refused = Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Resolved, "Sudah beres"));

        Assert.Equal((Received, Resolved, Nothing), (refused.Refusal.From, refused.Refusal.To, refused.Refusal.Missing));
        Assert.Equal([Verified, Rejected, Duplicate, NotOurRemit], refused.Refusal.Allowed.Select(t => t.To).Order());
        Assert.Equal((Received, 0, 0), await StoredAsync(ticket));
    }

    [Fact]
    public async Task Resolving_needs_a_note_and_an_after_photo_already_stored()
    {
        var ticket = await _client.FileAsync(0.065, 100.0585);
        await fixture.App.ReachStatusAsync(ticket, InProgress);

        var noPhoto = Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Resolved, "Lubang ditambal"));
        Assert.Equal(Photo, noPhoto.Refusal.Missing);
        await AddAfterPhotoAsync(ticket);
        var noNote = Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Resolved));
        Assert.Equal(Note, noNote.Refusal.Missing);
        Assert.Equal((InProgress, 3, 3), await StoredAsync(ticket));

        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(ticket, Resolved, "Lubang ditambal"));
        Assert.Equal((Resolved, 4, 4), await StoredAsync(ticket));
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_is_final()
    {
        var ticket = await _client.FileAsync(0.065, 100.059);

        Assert.Equal(Note, Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Rejected, " ")).Refusal.Missing);
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(ticket, Rejected, "Lokasi di luar kota"));

        var after = Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Received));
        Assert.Empty(after.Refusal.Allowed);
        Assert.Equal((Rejected, 1, 1), await StoredAsync(ticket));
    }

    [Fact]
    public async Task A_duplicate_needs_another_complaint_that_exists_as_its_original()
    {
        var original = await _client.FileAsync(0.065, 100.0595);
        var repeat = await _client.FileAsync(0.065, 100.0596);

        foreach (var missing in new string?[] { null, "UJR-1999-000001", repeat.ToLowerInvariant() })
            Assert.Equal(Original, Assert.IsType<ComplaintStatusChanges.NotAllowed>(
                await fixture.App.ChangeStatusAsync(repeat, Duplicate, duplicateOf: missing)).Refusal.Missing);
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(repeat, Duplicate, duplicateOf: original.ToLowerInvariant()));

        Assert.Equal((Duplicate, 1, 1), await StoredAsync(repeat));
    }

    [Fact]
    public async Task A_closed_complaint_can_only_be_reopened_with_a_reason_and_then_goes_back_to_the_OPD_as_assigned()
    {
        var ticket = await _client.FileAsync(0.0655, 100.058);
        await fixture.App.ReachStatusAsync(ticket, Closed);

        var refused = Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, InProgress));
        Assert.Equal([Reopened], refused.Refusal.Allowed.Select(t => t.To));
        Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, Reopened));
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(ticket, Reopened, "Belum selesai, lubang masih ada"));
        Assert.IsType<ComplaintStatusChanges.NotAllowed>(await fixture.App.ChangeStatusAsync(ticket, InProgress));
        Assert.IsType<ComplaintStatusChanges.Changed>(await fixture.App.ChangeStatusAsync(ticket, Assigned));

        // received → verified → assigned → in_progress → resolved → closed, then reopened → assigned.
        Assert.Equal((Assigned, 7, 7), await StoredAsync(ticket));
    }

    [Fact]
    public async Task Not_our_remit_needs_a_reason_and_another_OPD_and_lands_there_as_received_in_one_change()
    {
        var ticket = await _client.FileAsync(0.0655, 100.0585);
        await fixture.App.ReachStatusAsync(ticket, Assigned);
        string opdBefore;
        await using (var db = fixture.App.NewDb()) opdBefore = (await db.Complaints.SingleAsync(c => c.Ticket == ticket)).OpdCode;
        var otherOpd = opdBefore == "dlh" ? "pupr" : "dlh";

        Assert.Equal(Note, Assert.IsType<ComplaintStatusChanges.NotAllowed>(
            await fixture.App.ChangeStatusAsync(ticket, NotOurRemit, targetOpd: otherOpd)).Refusal.Missing);
        foreach (var notAnother in new[] { null, opdBefore, "tidak-ada" })
            Assert.Equal(Opd, Assert.IsType<ComplaintStatusChanges.NotAllowed>(
                await fixture.App.ChangeStatusAsync(ticket, NotOurRemit, "Kabel milik PLN", targetOpd: notAnother)).Refusal.Missing);
        var changed = Assert.IsType<ComplaintStatusChanges.Changed>(
            await fixture.App.ChangeStatusAsync(ticket, NotOurRemit, "Kabel milik PLN", targetOpd: otherOpd.ToUpperInvariant()));

        Assert.Equal([(Assigned, NotOurRemit, opdBefore), (NotOurRemit, Received, otherOpd)],
            changed.Steps.Select(s => (s.From!.Value, s.To, s.OpdCode!)));
        Assert.Equal(otherOpd, changed.Complaint.OpdCode);
        // Filing→Assigned took 2 steps; the re-route adds 2 steps and 2 events.
        Assert.Equal((Received, 4, 4), await StoredAsync(ticket));
    }

    [Fact]
    public async Task Statuses_endpoint_lists_every_status_with_its_labels_and_allowed_next_statuses()
    {
        var response = await _client.GetAsync("/api/statuses");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statuses = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["received", "verified", "assigned", "in_progress", "resolved", "closed", "rejected", "duplicate", "not_our_remit", "reopened"],
            statuses.Select(s => s.GetProperty("status").GetString()));
        var inProgress = statuses[3];
        Assert.Equal(("Dalam Proses", "In progress"), (inProgress.GetProperty("labelId").GetString(), inProgress.GetProperty("labelEn").GetString()));
        var next = Assert.Single(inProgress.GetProperty("next").EnumerateArray());
        Assert.Equal("resolved", next.GetProperty("status").GetString());
        Assert.Equal(["note", "after_photo"], next.GetProperty("needs").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["verified", "rejected", "duplicate", "not_our_remit"],
            statuses[0].GetProperty("next").EnumerateArray().Select(n => n.GetProperty("status").GetString()));
        Assert.Empty(statuses[6].GetProperty("next").EnumerateArray());
    }
}
