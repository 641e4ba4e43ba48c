using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Complaints;

public sealed class FilingComplaintsTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task A_complaint_is_routed_stored_as_a_point_and_answered_with_its_ticket()
    {
        var response = await _client.PostRawJsonAsync("/api/complaints",
            Json.Complaint(0.025, 100.06, "pohon_membahayakan", "Pohon miring ke jalan, dahan retak"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var ticket = body.GetProperty("ticket").GetString()!;
        Assert.Matches(@"^UJR-\d{4}-\d{6}$", ticket);
        Assert.Equal($"/api/complaints/{ticket}", response.Headers.Location?.ToString());
        Assert.Equal("received", body.GetProperty("status").GetString());
        Assert.Equal("99.01.02.1002", body.GetProperty("kelurahan").GetProperty("code").GetString());
        Assert.Equal("99.01.02", body.GetProperty("kecamatan").GetProperty("code").GetString());
        Assert.Equal("dlh", body.GetProperty("opd").GetProperty("code").GetString());
        Assert.Equal(0, body.GetProperty("snappedMeters").GetDouble());
        Assert.EndsWith("+07:00", body.GetProperty("createdAt").GetString()); // shown in WIB

        await using var db = fixture.App.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(4326, stored.Location.SRID);
        Assert.Equal((100.06, 0.025), (stored.Location.X, stored.Location.Y));
        Assert.Equal(fixture.GenerationId, stored.BoundaryGenerationId);
        Assert.Equal(DateTimeKind.Utc, stored.CreatedAt.Kind);
        // PostGIS agrees that the stored point lies in the kelurahan it was routed to.
        var inside = await db.Database.SqlQuery<bool>($"""
            SELECT ST_Covers(b.geometry, c.location) AS "Value" FROM complaints c
            JOIN boundaries b ON b.generation_id = c.boundary_generation_id AND b.level = 'Kelurahan' AND b.code = c.kelurahan_code
            WHERE c.ticket = {ticket}
            """).SingleAsync();
        Assert.True(inside);
    }

    [Fact]
    public async Task A_pin_off_the_coast_snaps_and_records_the_distance()
    {
        var response = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.0625, 100.00865, "genangan_air", "Rumah panggung kebanjiran"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("snapped").GetBoolean());
        Assert.InRange(body.GetProperty("snappedMeters").GetDouble(), 149.5, 152);

        await using var db = fixture.App.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == body.GetProperty("ticket").GetString());
        Assert.True(stored.Snapped);
        Assert.InRange(stored.SnapDistanceMeters, 149.5, 152);
    }

    [Fact]
    public async Task Reporter_contact_never_appears_in_public_output()
    {
        var contact = new { name = "Rahasia Pelapor", phone = "081299990001", email = "pelapor.rahasia@example.id" };
        var post = await _client.PostRawJsonAsync("/api/complaints",
            Json.Complaint(0.065, 100.055, "sampah", "Sampah menumpuk di TPS", contact));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var ticket = (await post.ReadJsonAsync()).GetProperty("ticket").GetString();

        var outputs = new[]
        {
            await post.Content.ReadAsStringAsync(),
            await _client.GetStringAsync($"/api/complaints/{ticket}"),
            await _client.GetStringAsync("/api/complaints?limit=1000"),
            await _client.GetStringAsync("/openapi/v1.json"),
        };
        foreach (var output in outputs)
            foreach (var secret in new[] { "Rahasia Pelapor", "081299990001", "pelapor.rahasia", "reporterName", "reporterPhone", "reporterEmail" })
                Assert.DoesNotContain(secret, output, StringComparison.OrdinalIgnoreCase);

        await using var db = fixture.App.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.Equal(("Rahasia Pelapor", "081299990001"), (stored.ReporterName, stored.ReporterPhone)); // kept, privately
    }

    [Fact]
    public async Task An_anonymous_complaint_keeps_no_contact_at_all()
    {
        var post = await _client.PostRawJsonAsync("/api/complaints",
            Json.Complaint(0.065, 100.055, "masalah_sosial", "Lansia terlantar", new { name = "Budi", phone = "0812" }, anonymous: true));
        var ticket = (await post.ReadJsonAsync()).GetProperty("ticket").GetString();
        await using var db = fixture.App.NewDb();
        var stored = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.True(stored.Anonymous);
        Assert.Null(stored.ReporterName);
        Assert.Null(stored.ReporterPhone);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_complaint_and_stores_one()
    {
        var key = Guid.NewGuid().ToString();
        var json = Json.Complaint(0.025, 100.025, "jalan_rusak", "Lubang besar " + key);

        var first = await _client.PostRawJsonAsync("/api/complaints", json, key);
        // Many retries at once (a phone on a bad network) must still make exactly one row.
        var retries = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.PostRawJsonAsync("/api/complaints", json, key)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var ticket = (await first.ReadJsonAsync()).GetProperty("ticket").GetString();
        foreach (var retry in retries)
        {
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            Assert.Equal(ticket, (await retry.ReadJsonAsync()).GetProperty("ticket").GetString());
            Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        }
        await using var db = fixture.App.NewDb();
        Assert.Equal(1, await db.Complaints.CountAsync(c => c.Description == "Lubang besar " + key));
    }

    [Fact]
    public async Task Concurrent_first_requests_with_one_key_store_one_complaint()
    {
        var key = Guid.NewGuid().ToString();
        var json = Json.Complaint(0.025, 100.025, "jalan_rusak", "Serentak " + key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _client.PostRawJsonAsync("/api/complaints", json, key)));
        var tickets = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("ticket").GetString()));
        Assert.Single(tickets.Distinct());
        await using var db = fixture.App.NewDb();
        Assert.Equal(1, await db.Complaints.CountAsync(c => c.IdempotencyKey == key));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_complaint_is_a_conflict()
    {
        var key = Guid.NewGuid().ToString();
        await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.025, 100.025, "jalan_rusak", "Pertama"), key);
        var second = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.025, 100.025, "sampah", "Kedua"), key);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("idempotency_key_reused", (await second.ReadJsonAsync()).GetProperty("code").GetString());
        await using var db = fixture.App.NewDb();
        Assert.Equal(0, await db.Complaints.CountAsync(c => c.Description == "Kedua"));
    }

    [Fact]
    public async Task Tickets_filed_concurrently_are_distinct_and_consecutive()
    {
        var marker = Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.015, "penerangan_jalan", $"Lampu mati {marker} {i}"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        await using var db = fixture.App.NewDb();
        var all = await db.Complaints.OrderBy(c => c.Ticket).Select(c => c.Ticket).ToListAsync();
        var numbers = all.Select(t => int.Parse(t[^6..])).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        // No gaps: every number from 1 to the highest was handed out exactly once.
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
    }

    [Fact]
    public async Task The_public_view_of_a_ticket_has_names_location_and_no_private_fields()
    {
        var post = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.075, "parkir", "Parkir liar di trotoar"));
        var ticket = (await post.ReadJsonAsync()).GetProperty("ticket").GetString()!;

        var detail = await (await _client.GetAsync($"/api/complaints/{ticket.ToLowerInvariant()}")).ReadJsonAsync();
        var view = detail.GetProperty("complaint");
        Assert.Equal(0, detail.GetProperty("photos").GetArrayLength());
        Assert.Equal("received", detail.GetProperty("timeline")[0].GetProperty("to").GetString());
        Assert.Equal(0, view.GetProperty("supportCount").GetInt32());

        Assert.Equal(ticket, view.GetProperty("ticket").GetString());
        Assert.Equal("Parkir liar di trotoar", view.GetProperty("description").GetString());
        Assert.Equal(0.065, view.GetProperty("lat").GetDouble());
        Assert.Equal("dishub", view.GetProperty("opd").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(view.GetProperty("kelurahan").GetProperty("name").GetString()));
        var names = view.EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain(names, n => n.Contains("contact", StringComparison.OrdinalIgnoreCase) || n.Contains("phone", StringComparison.OrdinalIgnoreCase));

        var missing = await _client.GetAsync("/api/complaints/UJR-1999-000001");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", (await missing.ReadJsonAsync()).GetProperty("code").GetString());
    }
}
