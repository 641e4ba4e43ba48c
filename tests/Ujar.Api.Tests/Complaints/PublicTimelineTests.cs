using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Complaints;

/// <summary>The tracking page's timeline: who acted, by role; names only where the city chose so; nothing internal.</summary>
public sealed class PublicTimelineTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private static readonly ChangeActor Staff = new(Actors.Staff, "opd_staff", UserId: "staff-1", Name: "Budi Santoso", OpdCode: "pupr");
    private static readonly ChangeActor Crew = new(Actors.Crew, "crew", UserId: "crew-1", Name: "Siti Aminah", OpdCode: "pupr");

    /// <summary>A complaint with a contact, handled by named staff with internal notes and a position far from the pin.</summary>
    private async Task<string> HandledComplaintAsync()
    {
        var filed = await _client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "genangan_air", "Air setinggi lutut",
            new { name = "Warga Pelapor", phone = "081234567890", email = "pelapor@contoh.id" }));
        var ticket = (await filed.ReadJsonAsync()).GetProperty("ticket").GetString()!;
        await using var db = fixture.App.NewDb();
        foreach (var (to, actor) in new[] { (ComplaintStatus.Verified, Staff), (ComplaintStatus.Assigned, Staff), (ComplaintStatus.InProgress, Crew) })
        {
            var outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket,
                new ChangeRequest(to, Note: $"Langkah {to}", InternalNote: "RAHASIA: pelapor tetangga kepala dinas",
                    Position: new NetTopologySuite.Geometries.Point(100.06, 0.07) { SRID = 4326 }), actor, CancellationToken.None);
            Assert.IsType<ComplaintStatusChanges.Changed>(outcome);
            db.ChangeTracker.Clear();
        }
        return ticket;
    }

    [Fact]
    public async Task By_default_the_timeline_names_roles_and_never_staff_nor_anything_internal()
    {
        var ticket = await HandledComplaintAsync();

        var text = await (await _client.GetAsync($"/api/complaints/{ticket}")).Content.ReadAsStringAsync();

        var timeline = JsonDocument.Parse(text).RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["reporter", "opd_staff", "opd_staff", "crew"], timeline.Select(s => s.GetProperty("actorRole").GetString()));
        Assert.All(timeline, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("actorName").ValueKind));
        Assert.Equal("Langkah Verified", timeline[1].GetProperty("note").GetString());
        foreach (var secret in new[] { "Budi", "Siti", "RAHASIA", "internalNote", "Warga Pelapor", "081234567890", "pelapor@contoh.id",
                     "needsReview", "distance", "actorId", "staff-1" })
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_city_that_shows_staff_names_gets_them_and_still_nothing_internal()
    {
        var ticket = await HandledComplaintAsync();
        await using var named = new UjarApp(fixture.App.ConnectionString, new Dictionary<string, string> { ["Ujar:Tracking:ShowStaffNames"] = "true" });
        var options = named.Services.GetRequiredService<IOptions<TrackingOptions>>().Value;
        Assert.True(options.ShowStaffNames);
        Assert.False(fixture.App.Services.GetRequiredService<IOptions<TrackingOptions>>().Value.ShowStaffNames);

        using var client = named.CreateClient();
        var json = await (await client.GetAsync($"/api/complaints/{ticket}")).Content.ReadAsStringAsync();
        var timeline = JsonDocument.Parse(json).RootElement.GetProperty("timeline").EnumerateArray().ToList();

        Assert.Equal([null, "Budi Santoso", "Budi Santoso", "Siti Aminah"],
            timeline.Select(s => s.GetProperty("actorName").GetString()));
        Assert.DoesNotContain("RAHASIA", json);
        Assert.DoesNotContain("081234567890", json);
    }
}
