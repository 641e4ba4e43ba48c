using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Demo;
using Ujar.Api.Photos;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Demo;

/// <summary>The demo city's history is one the real lifecycle could have made: every step allowed, by someone allowed to
/// make it, at a time people work; and it gives /kinerja, the tracking pages and the escalations something to show.</summary>
[Collection(DemoCityFixture.Collection)]
public sealed class DemoHistoryTests(DemoCityFixture city)
{
    private ILookup<long, StatusChange> StepsOf => city.Steps.ToLookup(s => s.ComplaintId);

    private static readonly Dictionary<string, Actors> KindOfRole = new()
    {
        [Roles.OpdStaff] = Actors.Staff, [Roles.Admin] = Actors.Staff, [Roles.Crew] = Actors.Crew, ["reporter"] = Actors.Reporter, ["system"] = Actors.System,
    };

    [Fact]
    public async Task Every_step_is_a_move_of_the_lifecycle_made_by_someone_of_the_OPD_holding_the_complaint()
    {
        await using var db = city.App.NewDb();
        var opdOfUser = (await db.Users.AsNoTracking().ToListAsync())
            .ToDictionary(u => u.Id, u => DemoAccounts.Accounts.Single(a => a.Email == u.Email).Opd);
        foreach (var complaint in city.Complaints)
        {
            var status = ComplaintStatus.Received;
            foreach (var step in StepsOf[complaint.Id])
            {
                Assert.Equal(status, step.From);
                var transition = Assert.Single(Lifecycle.Transitions, t => t.From == step.From && t.To == step.To);
                Assert.True(transition.By.HasFlag(KindOfRole[step.ActorRole!]), $"{complaint.Ticket}: {step.From} → {step.To} by {step.ActorRole}");
                // The re-route's second step ("Diterima" at the new OPD) is made by the same request, of the OPD handing it on.
                if (step.ActorId is { } user && step.From != ComplaintStatus.NotOurRemit)
                    Assert.Equal(step.OpdCode, opdOfUser[user]);
                if (step.To == ComplaintStatus.Resolved) Assert.False(string.IsNullOrWhiteSpace(step.Note));
                status = step.To;
            }
            Assert.Equal(complaint.Status, status);
        }
    }

    [Fact]
    public void Every_resolved_or_closed_complaint_has_a_full_timeline_in_order_at_times_people_work()
    {
        var calendar = city.App.Services.GetRequiredService<WorkingCalendars>().Current;
        var done = city.Complaints.Where(c => c.Status is ComplaintStatus.Resolved or ComplaintStatus.Closed).ToList();
        Assert.True(done.Count > DemoCityFixture.Count / 3, $"{done.Count} done");
        foreach (var complaint in done)
        {
            var steps = StepsOf[complaint.Id].ToList();
            Assert.Equal([ComplaintStatus.Verified, ComplaintStatus.Assigned, ComplaintStatus.InProgress, ComplaintStatus.Resolved],
                steps.Select(s => s.To).Where(to => to is not (ComplaintStatus.NotOurRemit or ComplaintStatus.Received or ComplaintStatus.Closed
                    or ComplaintStatus.Reopened)).Take(4));
        }
        foreach (var complaint in city.Complaints)
        {
            var previous = complaint.CreatedAt;
            foreach (var step in StepsOf[complaint.Id])
            {
                Assert.True(step.At > previous, $"{complaint.Ticket}: {step.To} at {step.At:u} is not after {previous:u}");
                Assert.True(step.At <= city.SeededAt.AddMinutes(10), $"{complaint.Ticket}: {step.To} at {step.At:u} is in the future");
                previous = step.At;
                var wib = Wib.ToWib(step.At);
                switch (step.ActorRole)
                {
                    case Roles.OpdStaff or Roles.Crew:
                        Assert.True(calendar.IsWorkingDay(DateOnly.FromDateTime(wib.DateTime)), $"{complaint.Ticket}: {step.To} on {wib:ddd d MMM}, a day off");
                        Assert.InRange(wib.TimeOfDay, TimeSpan.FromHours(8), TimeSpan.FromHours(16).Add(TimeSpan.FromSeconds(1)));
                        break;
                    case "reporter":
                        Assert.InRange(wib.TimeOfDay, TimeSpan.FromHours(6.5), TimeSpan.FromHours(21.5));
                        break;
                    case "system":
                        // The deadline watcher looks just after midnight WIB, when deadlines end.
                        Assert.Equal(TimeSpan.FromMinutes(5), wib.TimeOfDay);
                        break;
                    default:
                        Assert.Fail($"{complaint.Ticket}: a step by {step.ActorRole}");
                        break;
                }
            }
        }
    }

    [Fact]
    public async Task Every_resolution_carries_an_after_photo_stored_through_the_photo_store()
    {
        await using var db = city.App.NewDb();
        var resolutions = city.Steps.Where(s => s.To == ComplaintStatus.Resolved).ToList();
        var photos = await db.Photos.AsNoTracking().Where(p => p.Kind == PhotoKind.After).ToListAsync();
        var photoOf = photos.ToLookup(p => p.StatusChangeId);
        Assert.All(resolutions, r => Assert.Single(photoOf[r.Id]));
        var store = city.App.Services.GetRequiredService<PhotoStore>();
        Assert.All(photos.Take(20), p =>
        {
            Assert.True(File.Exists(store.PathOf(p.Id, thumb: false)));
            Assert.True(File.Exists(store.PathOf(p.Id, thumb: true)));
        });
        // Crews report from the pin; now and then from far enough away that staff are asked to look.
        var crewResolutions = resolutions.Where(r => r.ActorRole == Roles.Crew).ToList();
        Assert.All(crewResolutions, r => Assert.NotNull(r.DistanceFromPinMeters));
        Assert.InRange(crewResolutions.Count(r => r.NeedsReview), 1, crewResolutions.Count / 10);
    }

    [Fact]
    public async Task Kinerja_over_the_demo_period_gives_every_OPD_a_median_response_and_its_own_rank()
    {
        var today = DateOnly.FromDateTime(Wib.ToWib(DateTime.UtcNow).DateTime);
        using var client = city.App.CreateClient();
        var report = await (await client.GetAsync($"/api/performance?from={today.AddDays(1 - DemoData.Days):yyyy-MM-dd}&to={today:yyyy-MM-dd}"))
            .ReadJsonAsync();

        var opds = report.GetProperty("opds").EnumerateArray().ToDictionary(o => o.GetProperty("code").GetString()!);
        Assert.Equal(["dinsos", "dishub", "diskominfo", "dlh", "pupr"], opds.Keys.Order());
        Assert.All(opds.Values, o =>
        {
            Assert.True(o.GetProperty("ranked").GetBoolean());
            Assert.True(o.GetProperty("firstResponseMedianDays").GetDouble() >= 0);
            Assert.True(o.GetProperty("resolutionMedianDays").GetDouble() >= 0);
        });
        Assert.Equal([1, 2, 3, 4, 5], opds.Values.Select(o => o.GetProperty("rank").GetInt32()).Order());
        var onTime = opds.Values.Select(o => o.GetProperty("resolvedWithinDeadlinePct").GetDouble()).ToList();
        Assert.All(onTime, pct => Assert.InRange(pct, 1, 99.9));
        Assert.True(onTime.Max() - onTime.Min() > 30, $"on-time shares {string.Join(", ", onTime)}");
        // The fast, reliable OPD and the slow one with a backlog, as their habits say.
        Assert.Equal(1, opds["dlh"].GetProperty("rank").GetInt32());
        Assert.Equal(5, opds["dinsos"].GetProperty("rank").GetInt32());
        Assert.True(opds["dinsos"].GetProperty("stillOpenPct").GetDouble() > 2 * opds["dlh"].GetProperty("stillOpenPct").GetDouble());
        Assert.True(opds["dinsos"].GetProperty("firstResponseMedianDays").GetDouble() > opds["dlh"].GetProperty("firstResponseMedianDays").GetDouble());
    }

    [Fact]
    public async Task Some_complaints_are_overdue_escalated_reopened_rerouted_rejected_or_folded_into_an_original()
    {
        await using var db = city.App.NewDb();
        var calendar = city.App.Services.GetRequiredService<WorkingCalendars>().Current;
        var categories = city.App.Services.GetRequiredService<ComplaintRouter>().Categories;
        var overdue = city.Complaints.Count(c =>
            ComplaintDeadlines.Next(c.Status, c.CreatedAt, categories[c.CategoryCode], calendar)?.IsOverdue(city.SeededAt) == true);
        Assert.True(overdue >= 10, $"{overdue} overdue");

        var escalations = await db.Escalations.AsNoTracking().ToListAsync();
        Assert.True(escalations.Count >= 20, $"{escalations.Count} escalations");
        // Seen by the watcher's daily look after the deadline passed.
        Assert.All(escalations, e => Assert.True(e.At >= e.DueUtc && Wib.ToWib(e.At).TimeOfDay == TimeSpan.FromMinutes(5), $"escalated at {e.At:u}, due {e.DueUtc:u}"));
        Assert.True(escalations.Select(e => e.Kind).Distinct().Count() == 3, "verify, response and resolve deadlines all missed somewhere");

        Assert.True(city.Steps.Count(s => s.To == ComplaintStatus.Reopened && s.ActorRole == "reporter") >= 5);
        Assert.True(city.Steps.Count(s => s.To == ComplaintStatus.Closed && s.ActorRole == "reporter") >= 50);
        Assert.True(city.Steps.Count(s => s.To == ComplaintStatus.Closed && s.Note == SlaWatcher.AutoCloseNote) >= 50);
        Assert.True(city.Steps.Count(s => s.To == ComplaintStatus.NotOurRemit) >= 5);
        var rejected = city.Complaints.Where(c => c.Status == ComplaintStatus.Rejected).ToList();
        Assert.Contains(rejected, c => StepsOf[c.Id].Last().Note!.StartsWith("Bukan kewenangan", StringComparison.Ordinal));

        var duplicates = city.Complaints.Where(c => c.Status == ComplaintStatus.Duplicate).ToList();
        Assert.True(duplicates.Count >= 5, $"{duplicates.Count} duplicates");
        var byId = city.Complaints.ToDictionary(c => c.Id);
        Assert.All(duplicates, d =>
        {
            var original = byId[d.DuplicateOfId!.Value];
            Assert.Equal(d.CategoryCode, original.CategoryCode);
            Assert.True(original.CreatedAt < d.CreatedAt);
            Assert.True(original.Location.Distance(d.Location) * 111_320 < 100, "a few metres from the original");
            Assert.Equal(0, d.SupportCount);
        });

        // Supports on popular complaints, counted as the supports API counts them.
        var supports = await db.Supports.AsNoTracking().ToListAsync();
        Assert.True(supports.Count >= 50, $"{supports.Count} supports");
        Assert.Equal(city.Complaints.Sum(c => c.SupportCount), supports.Count);
        Assert.True(city.Complaints.Max(c => c.SupportCount) >= 5);
    }

    [Fact]
    public async Task A_reopened_and_closed_complaint_tells_its_whole_story_on_the_tracking_page()
    {
        var reopened = city.Steps.Where(s => s.To == ComplaintStatus.Reopened).Select(s => s.ComplaintId).ToHashSet();
        var complaint = city.Complaints.First(c => c.Status == ComplaintStatus.Closed && reopened.Contains(c.Id));
        using var client = city.App.CreateClient();
        var detail = await (await client.GetAsync($"/api/complaints/{complaint.Ticket}")).ReadJsonAsync();

        var timeline = detail.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("to").GetString()).ToList();
        Assert.Equal("received", timeline[0]);
        Assert.Equal(2, timeline.Count(to => to == "resolved"));
        Assert.Contains("reopened", timeline);
        Assert.Equal("closed", timeline[^1]);
        var after = detail.GetProperty("photos").EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "after").ToList();
        Assert.Equal(2, after.Count);
        var photo = await client.GetAsync(after[0].GetProperty("url").GetString());
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType);
    }
}
