using System.Text.Json;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Complaints;

/// <summary>The tracking page's photos and steps: a crew's evidence is named by the step it was sent with, so the page can
/// show the after photo beside the Selesai step it proves.</summary>
public sealed class TrackingPhotosTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private static readonly ChangeActor Crew = new(Actors.Crew, "crew", UserId: "crew-1", Name: "Siti Aminah", OpdCode: "pupr");

    [Fact]
    public async Task Each_timeline_step_names_the_photos_sent_with_it_and_the_filing_none()
    {
        using var client = fixture.App.CreateClient();
        var filed = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.025, 100.06, "jalan_rusak", "Lubang di depan sekolah"));
        var ticket = (await filed.ReadJsonAsync()).GetProperty("ticket").GetString()!;
        await LiveTestActions.WalkToAsync(fixture.App.Services, ticket, ComplaintStatus.InProgress, null);
        var before = new ProcessedPhoto(Guid.NewGuid(), [1], [1], 320, 240);
        var after = new ProcessedPhoto(Guid.NewGuid(), [1], [1], 320, 240);
        await using (var db = fixture.App.NewDb())
        {
            var outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket,
                new ChangeRequest(ComplaintStatus.Resolved, Note: "Lubang sudah ditambal", Photos: [(before, PhotoKind.Before), (after, PhotoKind.After)]),
                Crew, CancellationToken.None);
            Assert.IsType<ComplaintStatusChanges.Changed>(outcome);
        }

        var detail = await (await client.GetAsync($"/api/complaints/{ticket}")).ReadJsonAsync();

        var timeline = detail.GetProperty("timeline").EnumerateArray().ToList();
        var resolved = timeline.Last();
        Assert.Equal("resolved", resolved.GetProperty("to").GetString());
        Assert.Equal(new[] { before.Id, after.Id }.Order(), resolved.GetProperty("photoIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        Assert.All(timeline.SkipLast(1), step => Assert.Equal(0, step.GetProperty("photoIds").GetArrayLength()));
        var kinds = detail.GetProperty("photos").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetGuid(), p => p.GetProperty("kind").GetString());
        Assert.Equal("after", kinds[after.Id]);
        Assert.Equal("before", kinds[before.Id]);
    }
}
