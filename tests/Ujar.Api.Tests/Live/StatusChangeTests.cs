using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Live;

/// <summary>ComplaintStatusChanges: the one way a status moves until the staff API arrives.</summary>
public sealed class StatusChangeTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task A_status_change_shows_in_the_tracking_timeline_and_in_the_event_log()
    {
        var ticket = await _client.FileAsync(0.065, 100.055, "jalan_rusak", "Aspal amblas");

        await fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.Verified, "Sudah dicek petugas");
        await fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.Assigned);
        await fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.InProgress);

        var detail = await (await _client.GetAsync($"/api/complaints/{ticket}")).ReadJsonAsync();
        Assert.Equal("in_progress", detail.GetProperty("complaint").GetProperty("status").GetString());
        var steps = detail.GetProperty("timeline").EnumerateArray()
            .Select(s => (s.GetProperty("from").GetString(), s.GetProperty("to").GetString(), s.GetProperty("note").GetString())).ToList();
        Assert.Equal([(null, "received", null), ("received", "verified", "Sudah dicek petugas"), ("verified", "assigned", null),
            ("assigned", "in_progress", null)], steps);
        var events = (await (await _client.GetAsync($"/api/events?ticket={ticket}")).ReadJsonAsync()).GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString(), e.GetProperty("status").GetString())).ToList();
        Assert.Equal([("complaint_filed", "received"), ("status_changed", "verified"), ("status_changed", "assigned"),
            ("status_changed", "in_progress")], events);
    }

    [Fact]
    public async Task A_change_to_the_same_status_or_of_an_unknown_ticket_records_nothing()
    {
        var ticket = await _client.FileAsync(0.065, 100.056);

        Assert.IsType<ComplaintStatusChanges.AlreadyInStatus>(await fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.Received));
        Assert.IsType<ComplaintStatusChanges.NotFound>(await fixture.App.ChangeStatusAsync("UJR-1999-000001", ComplaintStatus.Closed));

        await using var db = fixture.App.NewDb();
        var id = (await db.Complaints.SingleAsync(c => c.Ticket == ticket)).Id;
        Assert.False(await db.StatusChanges.AnyAsync(s => s.ComplaintId == id));
        Assert.Equal(1, await db.LiveEvents.CountAsync(e => e.Ticket == ticket));
    }

    [Fact]
    public async Task A_change_made_meanwhile_by_someone_else_is_reported_and_nothing_is_stored()
    {
        var ticket = await _client.FileAsync(0.065, 100.057);

        // Someone else updates the complaint and holds the row: our change reads the old version, then waits.
        await using var other = new NpgsqlConnection(fixture.App.ConnectionString);
        await other.OpenAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE complaints SET status = 'Verified' WHERE ticket = $1", other, otherTx))
        {
            update.Parameters.AddWithValue(ticket);
            await update.ExecuteNonQueryAsync();
        }
        var ours = fixture.App.ChangeStatusAsync(ticket, ComplaintStatus.Rejected, "Bukan wewenang kami");
        await WaitUntilBlockedOnLockAsync(fixture.App.ConnectionString);
        await otherTx.CommitAsync();

        Assert.IsType<ComplaintStatusChanges.ChangedMeanwhile>(await ours);
        await using var db = fixture.App.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(ComplaintStatus.Verified, complaint.Status);
        Assert.False(await db.StatusChanges.AnyAsync(s => s.ComplaintId == complaint.Id));
        Assert.False(await db.LiveEvents.AnyAsync(e => e.Ticket == ticket && e.Type == Api.Live.LiveEventType.StatusChanged));
    }

    /// <summary>Polls pg_stat_activity until a session of this database waits for a lock. Each poll is its own
    /// transaction: inside one, PostgreSQL would keep showing the first snapshot of the activity.</summary>
    private static async Task WaitUntilBlockedOnLockAsync(string connectionString)
    {
        await using var observer = new NpgsqlConnection(connectionString);
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
}
