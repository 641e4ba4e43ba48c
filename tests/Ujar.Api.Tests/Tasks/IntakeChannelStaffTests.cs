using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Channels;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Tasks;

/// <summary>Staff see which door a complaint came in by (and which outside system sent it), and the link to media that
/// system holds; the public never sees the link.</summary>
public sealed class IntakeChannelStaffTests(TasksCityApp city) : IClassFixture<TasksCityApp>
{
    private const string MediaLink = "https://laporan.contoh.id/media/foto-123.jpg";

    private async Task<string> FileOverOpen311Async(string keyName)
    {
        int keyId;
        await using (var db = city.App.NewDb())
        {
            var created = Assert.IsType<ChannelKeys.Created>(
                await ChannelKeys.CreateAsync(db, keyName, "open311", "uji", DateTime.UtcNow, default));
            keyId = (await ChannelKeys.FindActiveAsync(db, created.Result.Key, IntakeChannel.Open311, default))!.Id;
        }
        var intake = city.App.Services.GetRequiredService<ComplaintIntake>();
        var outcome = await intake.FileAsync(new IntakeRequest(IntakeChannel.Open311,
            new ComplaintFields(0.025, 100.06, "jalan_rusak", "Jalan amblas dilaporkan lewat sistem lain", "Dewi", "081200001111"))
        {
            ChannelKeyId = keyId, MediaLink = MediaLink,
        }, default);
        return Assert.IsType<ComplaintIntake.Filed>(outcome).Complaint.Ticket;
    }

    [Fact]
    public async Task Staff_of_the_opd_see_the_channel_the_sending_system_and_the_media_link()
    {
        var ticket = await FileOverOpen311Async("kecamatan-app");
        var (webTicket, _) = await city.FileAsync(0.026, 100.061);
        var staff = await city.Staff();

        var detail = await (await staff.GetAsync($"/api/staff/complaints/{ticket}")).OkJsonAsync();
        Assert.Equal("open311", detail.GetProperty("channel").GetString());
        Assert.Equal("kecamatan-app", detail.GetProperty("channelSource").GetString());
        Assert.Equal(MediaLink, detail.GetProperty("mediaLink").GetString());
        Assert.Equal("081200001111", detail.GetProperty("reporter").GetProperty("phone").GetString());

        var web = await (await staff.GetAsync($"/api/staff/complaints/{webTicket}")).OkJsonAsync();
        Assert.Equal("web", web.GetProperty("channel").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, web.GetProperty("channelSource").ValueKind);

        var list = await (await staff.GetAsync("/api/staff/complaints?limit=200")).OkJsonAsync();
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ticket").GetString() == ticket);
        Assert.Equal("open311", item.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task The_media_link_and_contacts_stay_out_of_every_public_answer_and_another_opd_is_refused()
    {
        var ticket = await FileOverOpen311Async("rt-rw-app");
        using var anonymous = city.App.CreateClient();

        foreach (var url in new[] { $"/api/complaints/{ticket}", "/api/complaints?limit=1000", "/api/events?after=0&limit=2000" })
        {
            var text = await anonymous.GetStringAsync(url);
            Assert.Contains(ticket, text);
            Assert.DoesNotContain("laporan.contoh.id", text);
            Assert.DoesNotContain("081200001111", text);
        }
        var other = await (await city.Staff(TasksCityApp.OtherOpd)).GetAsync($"/api/staff/complaints/{ticket}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }
}
