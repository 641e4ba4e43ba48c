using System.Net;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Tasks;

/// <summary>Marking a duplicate folds its supporters into the original: staff may do that only where the original is
/// their OPD's too; across OPDs it is an admin's decision.</summary>
public sealed class DuplicateScopeTests(TasksCityApp city) : IClassFixture<TasksCityApp>
{
    private const double Lat = 0.066, Lon = 100.056;

    [Fact]
    public async Task Staff_cannot_fold_their_complaint_into_another_OPDs_and_nothing_moves()
    {
        var (pupr, _) = await city.FileAsync(Lat, Lon, "jalan_rusak", "Jalan berlubang, air menggenang");
        var (dlh, _) = await city.FileAsync(Lat, Lon + 0.0001, "sampah", "Sampah menyumbat saluran");
        await SupportAsync(pupr, "perangkat-pupr-0001");

        var response = await (await city.Staff(TasksCityApp.OwnOpd)).ChangeAsync(pupr, new { to = "duplicate", original = dlh });

        var problem = await response.ProblemAsync(HttpStatusCode.Forbidden, "original_of_another_opd");
        Assert.Contains(dlh, problem.GetProperty("detail").GetString());
        Assert.Contains("admin", problem.GetProperty("detailEn").GetString());
        await using var db = city.App.NewDb();
        var rows = await db.Complaints.Where(c => c.Ticket == pupr || c.Ticket == dlh).ToDictionaryAsync(c => c.Ticket);
        Assert.Equal(Ujar.Api.Complaints.ComplaintStatus.Received, rows[pupr].Status);
        Assert.Equal((1, 0), (rows[pupr].SupportCount, rows[dlh].SupportCount));
        Assert.Equal(0, await db.StatusChanges.CountAsync(s => s.ComplaintId == rows[pupr].Id));
    }

    [Fact]
    public async Task An_admin_may_fold_a_complaint_into_another_OPDs()
    {
        var (pupr, _) = await city.FileAsync(Lat + 0.0002, Lon, "jalan_rusak", "Jalan rusak di tikungan");
        var (dlh, _) = await city.FileAsync(Lat + 0.0002, Lon + 0.0001, "sampah", "Sampah di tikungan");
        await SupportAsync(pupr, "perangkat-admin-0001");

        var changed = await (await (await city.Admin()).ChangeAsync(pupr, new { to = "duplicate", original = dlh })).OkJsonAsync();

        Assert.Equal("duplicate", changed.GetProperty("status").GetString());
        Assert.Equal(1, (await (await city.Admin()).DetailAsync(dlh)).GetProperty("supportCount").GetInt32());
    }

    [Fact]
    public async Task Staff_may_fold_within_their_own_OPD()
    {
        var (first, _) = await city.FileAsync(Lat + 0.0004, Lon, "jalan_rusak", "Lubang besar");
        var (repeat, _) = await city.FileAsync(Lat + 0.0004, Lon + 0.0001, "jalan_rusak", "Lubang besar lagi");
        await SupportAsync(repeat, "perangkat-sama-0001");

        var staff = await city.Staff(TasksCityApp.OwnOpd);
        var changed = await (await staff.ChangeAsync(repeat, new { to = "duplicate", original = first })).OkJsonAsync();

        Assert.Equal("duplicate", changed.GetProperty("status").GetString());
        Assert.Equal(1, (await staff.DetailAsync(first)).GetProperty("supportCount").GetInt32());
    }

    private async Task SupportAsync(string ticket, string device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/support");
        request.Headers.Add("X-Device-Token", device);
        Assert.Equal(HttpStatusCode.OK, (await city.App.CreateClient().SendAsync(request)).StatusCode);
    }
}
