using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Tests.WhatsApp;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Tests.Limits;

/// <summary>WhatsApp with a small allowance per number, and the per-address filing allowance at one, which the webhook must
/// not spend: every call of Meta's comes from Meta.</summary>
public sealed class LimitedWhatsAppCityApp : WhatsAppCityApp
{
    public const int PerHour = 2;

    protected override Dictionary<string, string> Settings()
    {
        var settings = base.Settings();
        settings["Ujar:Limits:WhatsAppPerSenderPerHour"] = $"{PerHour}";
        settings["Ujar:Limits:Filing:Burst"] = "1";
        settings["Ujar:Limits:Filing:PerMinute"] = "0.001";
        return settings;
    }
}

/// <summary>A number that filed its allowance within the hour gets a polite reply and nothing filed; the report waits, and
/// files once the hour has moved on. Counted in the database, so every instance counts the same.</summary>
public sealed class WhatsAppSenderLimitTests(LimitedWhatsAppCityApp city) : IClassFixture<LimitedWhatsAppCityApp>
{
    private async Task<int> FiledByAsync(WhatsAppPerson person)
    {
        await using var db = city.App.NewDb();
        return await db.Complaints.CountAsync(c => c.ReporterPhone == person.Phone && c.Channel == IntakeChannel.WhatsApp);
    }

    [Fact]
    public async Task A_number_past_its_hourly_allowance_is_told_so_nothing_is_filed_and_the_report_files_after_the_hour()
    {
        var busy = city.NewPerson("Warga Rajin");
        for (var i = 0; i < LimitedWhatsAppCityApp.PerHour; i++)
            Assert.Contains("UJR-", await busy.ReportAsync(0.065, 100.055, "sampah", $"Sampah menumpuk nomor {i}"));

        await busy.SayAsync(MetaWebhook.Location(0.025, 100.06));
        await busy.SayAsync(MetaWebhook.ListReply("jalan_rusak"));
        await busy.SayAsync(MetaWebhook.Text("Jalan berlubang di depan sekolah"));
        var refusal = FakeGraph.Readable(await busy.SayAsync(MetaWebhook.ButtonReply(WhatsAppConversations.SkipId)));

        Assert.Contains($"sudah mengirim {LimitedWhatsAppCityApp.PerHour} laporan dalam satu jam terakhir", refusal);
        Assert.Contains("belum kami simpan", refusal);
        Assert.DoesNotContain("UJR-", refusal);
        Assert.Equal(LimitedWhatsAppCityApp.PerHour, await FiledByAsync(busy));

        // Someone else is not held back by this number.
        var neighbour = city.NewPerson("Tetangga");
        Assert.Contains("UJR-", await neighbour.ReportAsync(0.065, 100.055, "sampah", "Sampah di gang sebelah"));

        // An hour after the first filing the report is still there, and Lewati files it.
        city.Clock.Advance(TimeSpan.FromMinutes(61));
        var filed = FakeGraph.Readable(await busy.SayAsync(MetaWebhook.ButtonReply(WhatsAppConversations.SkipId)));
        Assert.Contains("UJR-", filed);
        Assert.Equal(LimitedWhatsAppCityApp.PerHour + 1, await FiledByAsync(busy));
        await using var db = city.App.NewDb();
        Assert.Equal("Jalan berlubang di depan sekolah",
            (await db.Complaints.Where(c => c.ReporterPhone == busy.Phone).OrderByDescending(c => c.Id).FirstAsync()).Description);
        // Every webhook above (more than a dozen) came from one client address, far past its filing allowance of one.
    }
}
