using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ujar.Api.Complaints;
using Ujar.Api.Deadlines;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Ujar.Api.Tests.Browser.StaffPages;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// The OPD queue on /opd: live rows (filed, escalated), the detail panel with contacts and internal notes, and the
/// office's moves (verify, reject with a reason, re-route). Rows are picked by ticket: the class shares one database.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffQueueTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private async Task<IPage> OpenQueueAsync(string opd, ViewportSize? viewport = null)
    {
        var staff = await city.CreateStaffAsync("opd_staff", opd);
        var page = await chromium.NewPageAsync(city.BaseUrl, viewport);
        await SignInAsync(page, city.BaseUrl, staff);
        await page.GotoAsync("/opd");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-queue-ready", "true");
        await WaitForLiveAsync(page);
        return page;
    }

    private async Task<string> FileWithContactAsync(double lat, double lon, string category, string description)
    {
        var response = await city.Http.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon, category, description,
            contact: new { name = "Rahmat Hidayat", phone = "081234567890", email = "rahmat@contoh.id" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Ticket(await response.ReadJsonAsync());
    }

    [Fact]
    public async Task A_complaint_filed_while_the_queue_is_open_appears_without_reload_and_another_OPDs_does_not()
    {
        var page = await OpenQueueAsync("dlh", Chromium.Phone);

        var ours = Ticket(await city.FileAsync(0.0655, 100.0545, "sampah", "Sampah dibuang di lahan kosong"));
        var theirs = Ticket(await city.FileAsync(0.0656, 100.0546, "jalan_rusak", "Aspal mengelupas"));

        var row = page.Locator($".queue-item[data-ticket='{ours}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(row).ToHaveAttributeAsync("data-live", "complaint_filed");
        await Expect(row).ToContainTextAsync("Baru");
        await Expect(row.Locator(".status-badge")).ToHaveTextAsync("Diterima");
        await Expect(page.Locator($".queue-item[data-ticket='{theirs}']")).ToHaveCountAsync(0);
        Assert.Equal(1, await NavigationsAsync(page));
        await Expect(page.Locator("#queue-opd-filter")).ToBeHiddenAsync(); // staff work their own OPD only
        await MapPage.AssertNoHorizontalScrollAsync(page);
        await MapPage.ScreenshotAsync(page, "staff-queue-phone");
    }

    [Fact]
    public async Task The_queue_says_which_door_a_complaint_came_in_by_and_offers_a_whatsapp_reply()
    {
        var byWeb = await FileWithContactAsync(0.0503, 100.0363, "sampah", "Sampah dilaporkan lewat peta");
        var byWhatsApp = await FileWithContactAsync(0.0504, 100.0364, "sampah", "Sampah dilaporkan lewat WhatsApp");
        await using (var db = city.NewDb())
            await db.Complaints.Where(c => c.Ticket == byWhatsApp).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Channel, IntakeChannel.WhatsApp).SetProperty(c => c.ReporterPhone, "+6281234567890"));
        var page = await OpenQueueAsync("dlh");

        await Expect(page.Locator($".queue-item[data-ticket='{byWeb}'] .channel-badge")).ToHaveTextAsync("peta web");
        await Expect(page.Locator($".queue-item[data-ticket='{byWhatsApp}'] .channel-badge")).ToHaveTextAsync("WhatsApp");
        await page.Locator($".queue-row[data-ticket='{byWhatsApp}']").ClickAsync();
        var detail = page.Locator("#queue-detail");
        await Expect(detail.Locator(".detail-channel")).ToHaveTextAsync("WhatsApp");
        await Expect(detail.Locator("a[href='https://wa.me/6281234567890']")).ToHaveTextAsync("balas di WhatsApp");
    }

    [Fact]
    public async Task Marking_a_duplicate_names_the_original_and_moves_its_supporters_there()
    {
        var original = Ticket(await city.FileAsync(0.0500, 100.0360, "sampah", "Tumpukan sampah di ujung gang"));
        var repeat = Ticket(await city.FileAsync(0.0501, 100.0361, "sampah", "Sampah menumpuk di gang yang sama"));
        var page = await OpenQueueAsync("dlh");
        await page.Locator($".queue-row[data-ticket='{repeat}']").ClickAsync();
        var detail = page.Locator("#queue-detail");

        await detail.Locator("[data-to=duplicate]").ClickAsync();
        await Expect(detail.Locator(".action-error")).ToHaveAttributeAsync("data-code", "needs_original");
        await detail.Locator("[data-action=original]").FillAsync(original.ToLowerInvariant());
        await detail.Locator("[data-to=duplicate]").ClickAsync();

        await Expect(detail.Locator(".action-result")).ToContainTextAsync($"{repeat}: Duplikat");
        await Expect(page.Locator($".queue-item[data-ticket='{repeat}']")).ToHaveCountAsync(0);
        await using var db = city.NewDb();
        var (kept, marked) = (await db.Complaints.SingleAsync(c => c.Ticket == original), await db.Complaints.SingleAsync(c => c.Ticket == repeat));
        Assert.Equal(kept.Id, marked.DuplicateOfId);
    }

    [Fact]
    public async Task Staff_open_a_complaint_see_its_reporter_and_verify_it()
    {
        var ticket = await FileWithContactAsync(0.0450, 100.0310, "pohon_membahayakan", "Pohon tumbang menutup separuh jalan");
        var page = await OpenQueueAsync("dlh", Chromium.Desktop);

        // By keyboard: the row is a button; the panel takes the focus.
        await page.Locator($".queue-row[data-ticket='{ticket}']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var detail = page.Locator("#queue-detail");
        await Expect(detail).ToHaveAttributeAsync("data-ticket", ticket);
        await Expect(detail.Locator(".detail-reporter")).ToContainTextAsync("Rahmat Hidayat");
        await Expect(detail.Locator(".detail-reporter a[href='tel:081234567890']")).ToHaveCountAsync(1);
        await Expect(detail.Locator(".detail-opd")).ToHaveTextAsync("Dinas Lingkungan Hidup");
        await Expect(detail.Locator(".detail-timeline .timeline-step")).ToHaveCountAsync(1);
        await Expect(detail.Locator("[data-to=verified]")).ToHaveTextAsync("Verifikasi");
        await Expect(detail.Locator("[data-to=rejected]")).ToBeVisibleAsync();
        await MapPage.ScreenshotAsync(page, "staff-queue-detail");

        await detail.Locator("[data-to=verified]").ClickAsync();

        await Expect(detail.Locator(".detail-status .status-badge")).ToHaveTextAsync("Diverifikasi");
        await Expect(detail.Locator(".action-result")).ToContainTextAsync($"{ticket}: Diverifikasi");
        await Expect(detail.Locator("[data-to=assigned]")).ToBeVisibleAsync();
        await Expect(page.Locator($".queue-item[data-ticket='{ticket}'] .status-badge")).ToHaveTextAsync("Diverifikasi");
        await Expect(detail.Locator(".detail-timeline .timeline-step[data-status=verified]")).ToContainTextAsync("Uji opd_staff dlh");

        await page.Keyboard.PressAsync("Escape");
        await Expect(detail).ToBeHiddenAsync();
        await Expect(page.Locator($".queue-row[data-ticket='{ticket}']")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task An_admin_sees_every_OPD_and_narrows_the_queue_to_one()
    {
        var rubbish = Ticket(await city.FileAsync(0.0490, 100.0350, "sampah", "Sampah di halte"));
        var lamp = Ticket(await city.FileAsync(0.0491, 100.0351, "penerangan_jalan", "Lampu jalan mati sejak seminggu"));
        var admin = await city.CreateStaffAsync("admin");
        var page = await chromium.NewPageAsync(city.BaseUrl);
        await SignInAsync(page, city.BaseUrl, admin);

        await page.GotoAsync("/opd");

        await Expect(page.Locator($".queue-item[data-ticket='{rubbish}']")).ToBeVisibleAsync();
        await Expect(page.Locator($".queue-item[data-ticket='{lamp}'] .queue-row-opd")).ToHaveTextAsync("DISHUB");
        await page.Locator("#queue-opd").SelectOptionAsync("dishub");
        await Expect(page.Locator($".queue-item[data-ticket='{rubbish}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($".queue-item[data-ticket='{lamp}']")).ToBeVisibleAsync();
        Assert.Equal("dishub", System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["opd"]);
    }

    [Fact]
    public async Task Rejecting_asks_for_a_reason_and_the_internal_note_stays_inside()
    {
        var ticket = Ticket(await city.FileAsync(0.0460, 100.0320, "sampah", "Sampah (laporan uji coba)"));
        var page = await OpenQueueAsync("dlh");
        await page.Locator($".queue-row[data-ticket='{ticket}']").ClickAsync();
        var detail = page.Locator("#queue-detail");
        // Before a move is chosen, no move's fields are shown.
        await Expect(detail.Locator("[data-to=rejected]")).ToBeVisibleAsync();
        await Expect(detail.Locator("[data-action=note]")).ToBeHiddenAsync();

        await detail.Locator("[data-to=rejected]").ClickAsync();

        // Rejecting needs a reason, and only that: no original, no target OPD, no crew member.
        await Expect(detail.Locator(".action-error")).ToHaveAttributeAsync("data-missing", "note");
        await Expect(detail.Locator(".action-error")).ToContainTextAsync("catatan untuk pelapor");
        await Expect(detail.Locator("[data-action=note]")).ToBeFocusedAsync();
        foreach (var other in new[] { "original", "opd", "assignee", "after" })
            await Expect(detail.Locator($"[data-action={other}]")).ToBeHiddenAsync();
        await detail.Locator("[data-action=note]").FillAsync("Laporan tidak dapat diverifikasi di lokasi.");
        await Expect(detail.Locator(".action-error")).ToBeHiddenAsync(); // cleared once filled in
        await detail.Locator("[data-action=internal-note]").FillAsync("Pelapor sama dengan tiga laporan palsu minggu lalu.");
        await detail.Locator("[data-to=rejected]").ClickAsync();

        await Expect(detail.Locator(".action-result")).ToContainTextAsync("Ditolak");
        var step = detail.Locator(".detail-timeline .timeline-step[data-status=rejected]");
        await Expect(step.Locator(".timeline-note")).ToHaveTextAsync("Laporan tidak dapat diverifikasi di lokasi.");
        await Expect(step.Locator(".timeline-internal")).ToContainTextAsync("Internal: Pelapor sama dengan tiga laporan palsu minggu lalu.");
        await Expect(detail.Locator(".btn-move")).ToHaveCountAsync(0); // final
        // Out of the open queue, and the public page never shows the internal note.
        await Expect(page.Locator($".queue-item[data-ticket='{ticket}']")).ToHaveCountAsync(0);
        var publicView = await city.Http.GetStringAsync($"/api/complaints/{ticket}");
        Assert.Contains("Laporan tidak dapat diverifikasi", publicView, StringComparison.Ordinal);
        Assert.DoesNotContain("laporan palsu", publicView, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_our_remit_re_routes_to_the_chosen_OPD_and_the_complaint_leaves_the_queue()
    {
        var ticket = Ticket(await city.FileAsync(0.0470, 100.0330, "sampah", "Kabel menjuntai di atas tumpukan sampah"));
        var page = await OpenQueueAsync("dlh");
        await page.Locator($".queue-row[data-ticket='{ticket}']").ClickAsync();
        var detail = page.Locator("#queue-detail");
        await Expect(detail.Locator("[data-to=not_our_remit]")).ToBeVisibleAsync();

        await detail.Locator("[data-to=not_our_remit]").ClickAsync();
        // Everything missing is listed at once, and each line goes as it is filled in.
        var error = detail.Locator(".action-error");
        await Expect(error).ToHaveAttributeAsync("data-missing", "note opd");
        await Expect(error.Locator("li")).ToHaveCountAsync(2);
        await detail.Locator("[data-action=note]").FillAsync("Ini kabel listrik, bukan sampah.");
        await Expect(error).ToHaveAttributeAsync("data-missing", "opd");
        await detail.Locator("[data-action=opd]").SelectOptionAsync("diskominfo");
        await Expect(error).ToBeHiddenAsync();
        await detail.Locator("[data-to=not_our_remit]").ClickAsync();

        await Expect(detail.Locator(".action-rerouted")).ToContainTextAsync("Dinas Komunikasi dan Informatika");
        await Expect(page.Locator($".queue-item[data-ticket='{ticket}']")).ToHaveCountAsync(0);
        await using var db = city.NewDb();
        Assert.Equal("diskominfo", (await db.Complaints.SingleAsync(c => c.Ticket == ticket)).OpdCode);
    }

    [Fact]
    public async Task The_queue_searches_filters_by_category_kelurahan_and_deadline_sorts_and_pins_its_page_on_a_map()
    {
        // PUPR's own corner of the shared city: a flood (verified within one working day) and two damaged roads (two).
        var marker = Guid.NewGuid().ToString("N")[..6];
        var flood = Ticket(await city.FileAsync(0.0455, 100.0605, "genangan_air", $"Genangan {marker} di simpang"));
        var road = Ticket(await city.FileAsync(0.0458, 100.0608, "jalan_rusak", $"Jalan {marker} berlubang"));
        var roadBukit = Ticket(await city.FileAsync(0.0300, 100.0600, "jalan_rusak", $"Jalan {marker} amblas"));
        var page = await OpenQueueAsync("pupr", Chromium.Desktop);

        await page.Locator("#queue-search").FillAsync(marker);
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"[?&]q={marker}"));
        await Expect(page.Locator(".queue-item")).ToHaveCountAsync(3);
        await Expect(page.Locator("#queue-map .queue-pin")).ToHaveCountAsync(3);
        await page.Locator("#queue-search").FillAsync("tidak-ada-laporan-seperti-ini");
        await Expect(page.Locator(".queue-empty")).ToBeVisibleAsync();
        await page.Locator("#queue-search").FillAsync(marker);
        await Expect(page.Locator(".queue-item")).ToHaveCountAsync(3);

        await page.Locator("#queue-category").SelectOptionAsync("jalan_rusak");
        await Expect(page.Locator(".queue-item")).ToHaveCountAsync(2);
        await page.Locator("#queue-kelurahan").SelectOptionAsync("99.01.02.1002"); // Kelurahan Bukit
        await Expect(page.Locator(".queue-item")).ToHaveCountAsync(1);
        await Expect(page.Locator($".queue-item[data-ticket='{roadBukit}']")).ToBeVisibleAsync();

        await page.Locator("#queue-kelurahan").SelectOptionAsync("");
        await page.Locator("#queue-category").SelectOptionAsync("");
        await page.Locator("#queue-sort").SelectOptionAsync("deadline");
        await Expect(page.Locator(".queue-item").First).ToHaveAttributeAsync("data-ticket", flood);
        // The deadline is the working day it ends on, in WIB: "s.d. Senin 8 Des".
        var deadline = page.Locator($".queue-item[data-ticket='{road}'] .deadline time");
        await Expect(deadline).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^s\.d\. (Senin|Selasa|Rabu|Kamis|Jumat) \d{1,2} \w{3}$"));
        var day = DateOnly.Parse((await deadline.GetAttributeAsync("datetime"))!);
        Assert.InRange(day.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);

        // Due by today holds nothing filed today (the filing day never counts); within 7 days, those whose last working
        // day is at most a week away (all three, unless a long holiday stands in between).
        var days = await page.Locator(".queue-item .deadline").EvaluateAllAsync<string[]>("spans => spans.map(s => s.dataset.day)");
        var weekAway = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(7);
        await page.Locator("#queue-due").SelectOptionAsync("today");
        await Expect(page.Locator(".queue-empty")).ToBeVisibleAsync();
        await page.Locator("#queue-due").SelectOptionAsync("week");
        await Expect(page.Locator(".queue-item")).ToHaveCountAsync(days.Count(d => DateOnly.Parse(d) <= weekAway));

        // A pin opens the complaint, whose panel has its own small map.
        // Two pins 40 m apart may overlap at this zoom: the click goes to the named one.
        await page.Locator($"#queue-map .queue-pin[data-ticket='{road}']").DispatchEventAsync("click");
        await Expect(page.Locator("#queue-detail")).ToHaveAttributeAsync("data-ticket", road);
        await Expect(page.Locator("#queue-detail .detail-map .detail-pin")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#queue-map .queue-pin[data-ticket='{road}']")).ToHaveAttributeAsync("data-selected", "true");
        await MapPage.ScreenshotAsync(page, "staff-queue-filters-map");
    }

    [Fact]
    public async Task Assigning_names_a_crew_member_who_sees_the_task_first_on_the_crew_page()
    {
        // Two open DLH tasks; the crew stands beside the one not assigned to them.
        var assigned = Ticket(await city.FileAsync(0.0640, 100.0420, "sampah", "Bak sampah penuh di pasar"));
        var nearer = Ticket(await city.FileAsync(0.0660, 100.0440, "sampah", "Sampah di tepi jalan"));
        await city.ChangeStatusAsync(assigned, ComplaintStatus.Verified, null);
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var page = await OpenQueueAsync("dlh", Chromium.Desktop);
        await page.Locator($".queue-row[data-ticket='{assigned}']").ClickAsync();
        var detail = page.Locator("#queue-detail");

        await detail.Locator("[data-to=assigned]").ClickAsync();
        var error = detail.Locator(".action-error");
        await Expect(error).ToHaveAttributeAsync("data-missing", "assignee");
        await Expect(detail.Locator("[data-action=note]")).ToBeHiddenAsync();
        await detail.Locator("[data-action=assignee]").SelectOptionAsync(new SelectOptionValue { Label = crew.Name });
        await Expect(error).ToBeHiddenAsync();
        await detail.Locator("[data-to=assigned]").ClickAsync();

        await Expect(detail.Locator(".action-result")).ToContainTextAsync($"{assigned}: Didisposisikan");
        await Expect(detail.Locator(".detail-assignee")).ToHaveTextAsync(crew.Name);
        await Expect(page.Locator($".queue-item[data-ticket='{assigned}'] .queue-row-assignee")).ToContainTextAsync(crew.Name);

        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone,
            new Geolocation { Latitude = 0.0660f, Longitude = 100.0441f, Accuracy = 10 });
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");
        await Expect(phone.Locator($".task[data-ticket='{nearer}']")).ToBeVisibleAsync();
        var order = await TaskOrderAsync(phone);
        Assert.Equal(assigned, order[0]);
        await Expect(phone.Locator($".task[data-ticket='{assigned}'] .task-mine")).ToHaveTextAsync("Ditugaskan ke Anda");
        await Expect(phone.Locator($".task[data-ticket='{nearer}']")).ToHaveAttributeAsync("data-mine", "false");
    }

    [Fact]
    public async Task An_escalation_marks_the_row_live()
    {
        var ticket = Ticket(await city.FileAsync(0.0480, 100.0340, "sampah", "Sampah pasar belum diangkut"));
        var page = await OpenQueueAsync("dlh");
        var row = page.Locator($".queue-item[data-ticket='{ticket}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).Not.ToHaveAttributeAsync("data-live", "escalated");

        // The deadline watcher, run with a clock two months ahead: every open complaint of this database is overdue then.
        await city.Services.GetRequiredService<SlaWatcher>().RunOnceAsync(DateTime.UtcNow.AddDays(60), CancellationToken.None);

        await Expect(row).ToHaveAttributeAsync("data-live", "escalated", new() { Timeout = 30_000 });
        Assert.Equal(1, await NavigationsAsync(page));
    }
}
