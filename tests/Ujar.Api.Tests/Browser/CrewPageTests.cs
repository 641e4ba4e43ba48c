using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Ujar.Api.Complaints;
using Ujar.Api.Photos;
using Ujar.Api.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Ujar.Api.Tests.Browser.StaffPages;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// The crew page on a phone: nearest task first, the moves a crew may make with photos and the device position, and
/// what the citizen sees of it. Each test works at its own spot of the fixture city; tasks are picked by ticket.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrewPageTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    private static Geolocation At(double lat, double lon) => new() { Latitude = (float)lat, Longitude = (float)lon, Accuracy = 12 };

    [Fact]
    public async Task A_crew_member_signs_in_sees_the_nearest_task_first_closes_it_with_a_photo_and_the_citizen_sees_it_live()
    {
        // The crew stands ~15 m from one pile of rubbish and ~140 m from another; both are DLH's.
        var near = Ticket(await city.FileAsync(0.0650, 100.0550, "sampah", "Sampah rumah tangga menumpuk di pinggir parit"));
        var far = Ticket(await city.FileAsync(0.0660, 100.0560, "sampah", "Tong sampah terbalik di halte"));
        await city.ChangeStatusAsync(near, ComplaintStatus.Assigned, "Tim kebersihan DLH ditugaskan");
        var crew = await city.CreateStaffAsync("crew", "dlh");

        var citizen = await chromium.NewPageAsync(city.BaseUrl);
        await citizen.GotoAsync($"/lacak/{near}");
        await Expect(citizen.Locator("#track-status")).ToHaveTextAsync("Didisposisikan");
        await WaitForLiveAsync(citizen);

        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0651, 100.0551));
        await SignInWithFormAsync(phone, crew.Email, TestAccounts.Password);
        await phone.WaitForURLAsync(new Regex("/petugas$"));

        var card = phone.Locator($".task[data-ticket='{near}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(phone.Locator($".task[data-ticket='{far}']")).ToBeVisibleAsync();
        var order = await TaskOrderAsync(phone);
        Assert.Equal(near, order[0]);
        Assert.True(order.ToList().IndexOf(far) == 1, $"the task 140 m away should come second: {string.Join(", ", order)}");
        await Expect(card).ToHaveAttributeAsync("data-rank", "1");
        await Expect(card.Locator(".task-distance")).ToHaveTextAsync(new Regex(@"^1\d m dari Anda$"));
        await Expect(card.Locator(".status-badge")).ToHaveTextAsync("Didisposisikan");
        await Expect(card.Locator(".task-description")).ToHaveTextAsync("Sampah rumah tangga menumpuk di pinggir parit");
        Assert.DoesNotContain("null", await card.InnerTextAsync(), StringComparison.Ordinal);
        await Expect(card.Locator(".task-nav")).ToHaveAttributeAsync("href", "https://www.google.com/maps/dir/?api=1&destination=0.065,100.055");
        await Expect(phone.Locator($".task-marker[data-ticket='{near}']")).ToHaveAttributeAsync("data-rank", "1");
        await Expect(phone.Locator("path.crew-position")).ToHaveCountAsync(1);
        await MapPage.AssertNoHorizontalScrollAsync(phone);
        await MapPage.ScreenshotAsync(phone, "crew-nearest-tasks");

        await card.Locator(".task-open").ClickAsync();
        // A crew may start the work; verifying or re-routing is the office's.
        await Expect(card.Locator(".btn-move")).ToHaveCountAsync(1);
        await card.Locator("[data-action=before]").SetInputFilesAsync(await MapPage.DrawPhotoAsync(phone, "sebelum.jpg"));
        await card.Locator("[data-to=in_progress]").ClickAsync();
        await Expect(phone.Locator("#crew-result")).ToContainTextAsync("Dalam Proses");

        var close = card.Locator("[data-to=resolved]");
        await Expect(close).ToHaveTextAsync("Selesai");
        await close.ClickAsync();
        await Expect(card.Locator(".action-error")).ToHaveAttributeAsync("data-code", "needs_note");
        await card.Locator("[data-action=note]").FillAsync("Sampah sudah diangkut dan parit dibersihkan.");
        await card.Locator("[data-action=after]").SetInputFilesAsync(await MapPage.DrawPhotoAsync(phone, "sesudah.jpg"));
        await MapPage.ScreenshotAsync(phone, "crew-closing-task", fullPage: true);
        var closed = await phone.RunAndWaitForResponseAsync(() => close.ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith($"/api/staff/complaints/{near}/status", StringComparison.Ordinal));
        Assert.Equal(200, closed.Status);

        await Expect(phone.Locator("#crew-result")).ToContainTextAsync($"{near}: Selesai");
        await Expect(phone.Locator("#crew-result")).ToHaveAttributeAsync("data-flagged", "false");
        await Expect(card).ToHaveCountAsync(0); // no longer an open task
        // The citizen's page, open all along, follows without a reload.
        await Expect(citizen.Locator("#track-status")).ToHaveTextAsync("Selesai", new() { Timeout = 30_000 });
        await Expect(citizen.Locator("#timeline .timeline-step[data-status=resolved]")).ToContainTextAsync("Sampah sudah diangkut");
        Assert.Equal(1, await NavigationsAsync(citizen));

        await using var db = city.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == near);
        var resolved = await db.StatusChanges.SingleAsync(s => s.ComplaintId == complaint.Id && s.To == ComplaintStatus.Resolved);
        Assert.Equal("crew", resolved.ActorRole);
        Assert.False(resolved.NeedsReview);
        Assert.InRange(resolved.DistanceFromPinMeters ?? -1, 5, 30);
        var photos = await db.Photos.Where(p => p.ComplaintId == complaint.Id).ToListAsync();
        Assert.Single(photos, p => p.Kind == PhotoKind.After && p.StatusChangeId == resolved.Id);
        Assert.Single(photos, p => p.Kind == PhotoKind.Before);
    }

    [Fact]
    public async Task A_task_closed_far_from_its_pin_is_flagged_for_review()
    {
        var ticket = Ticket(await city.FileAsync(0.0450, 100.0300, "pohon_membahayakan", "Dahan besar menggantung di atas trotoar"));
        await city.ChangeStatusAsync(ticket, ComplaintStatus.InProgress, null);
        var crew = await city.CreateStaffAsync("crew", "dlh");
        // ~250 m north of the pin: farther than the 100 m the service accepts without a second look.
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.04725, 100.0300));
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");

        var card = phone.Locator($".task[data-ticket='{ticket}']");
        await Expect(card.Locator(".task-distance")).ToHaveTextAsync(new Regex(@"^2\d\d m dari Anda$"));
        await card.Locator(".task-open").ClickAsync();
        await card.Locator("[data-action=note]").FillAsync("Dahan sudah dipotong.");
        await card.Locator("[data-to=resolved]").ClickAsync();
        await Expect(card.Locator(".action-error")).ToHaveAttributeAsync("data-code", "needs_after_photo");
        await card.Locator("[data-action=after]").SetInputFilesAsync(await MapPage.DrawPhotoAsync(phone, "pohon.jpg"));
        await card.Locator("[data-to=resolved]").ClickAsync();

        await Expect(phone.Locator("#crew-result")).ToHaveAttributeAsync("data-flagged", "true");
        await Expect(phone.Locator("#crew-result")).ToContainTextAsync("Ditandai untuk diperiksa");
        await phone.Locator("#btn-lang").ClickAsync();
        await Expect(phone.Locator("#crew-result")).ToContainTextAsync("Flagged for review");
        await using var db = city.NewDb();
        var complaint = await db.Complaints.SingleAsync(c => c.Ticket == ticket);
        Assert.True((await db.StatusChanges.SingleAsync(s => s.ComplaintId == complaint.Id && s.To == ComplaintStatus.Resolved)).NeedsReview);
    }

    [Fact]
    public async Task A_task_filed_near_the_crew_while_the_page_is_open_joins_the_list_without_reload()
    {
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0550, 100.0450));
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");
        await Expect(phone.Locator("body")).ToHaveAttributeAsync("data-tasks-ready", "true");
        await WaitForLiveAsync(phone);

        var ticket = Ticket(await city.FileAsync(0.0551, 100.0451, "sampah", "Sampah baru dibuang di trotoar"));

        await Expect(phone.Locator($".task[data-ticket='{ticket}']")).ToHaveAttributeAsync("data-rank", "1", new() { Timeout = 30_000 });
        Assert.Equal(1, await NavigationsAsync(phone));
    }

    [Fact]
    public async Task A_crew_of_another_OPD_does_not_see_the_task()
    {
        var rubbish = Ticket(await city.FileAsync(0.0251, 100.0601, "sampah", "Sampah di depan pasar"));
        var pothole = Ticket(await city.FileAsync(0.0252, 100.0602, "jalan_rusak", "Lubang di jalan depan pasar"));
        var roadCrew = await city.CreateStaffAsync("crew", "pupr");
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0250, 100.0600));
        await SignInAsync(phone, city.BaseUrl, roadCrew);

        await phone.GotoAsync("/petugas");

        await Expect(phone.Locator($".task[data-ticket='{pothole}']")).ToBeVisibleAsync();
        await Expect(phone.Locator("body")).ToHaveAttributeAsync("data-tasks-ready", "true");
        await Expect(phone.Locator($".task[data-ticket='{rubbish}']")).ToHaveCountAsync(0);
        await Expect(phone.Locator($".task-marker[data-ticket='{rubbish}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Without_the_device_location_the_crew_lists_the_tasks_around_the_map_centre()
    {
        var ticket = Ticket(await city.FileAsync(0.0251, 100.0601, "sampah", "Sampah di depan pasar"));
        var crew = await city.CreateStaffAsync("crew", "dlh");
        // No geolocation permission: the browser refuses to tell the position.
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone);
        await SignInAsync(phone, city.BaseUrl, crew);

        await phone.GotoAsync("/petugas?lat=0.0250&lon=100.0600&z=17");

        await Expect(phone.Locator("#crew-position-note")).ToContainTextAsync("Lokasi perangkat tidak tersedia");
        await Expect(phone.Locator($".task[data-ticket='{ticket}']")).ToHaveCountAsync(0);
        await phone.Locator("#btn-crew-centre").ClickAsync();
        await Expect(phone.Locator("#crew-position-note")).ToContainTextAsync("tengah peta");
        await Expect(phone.Locator($".task[data-ticket='{ticket}']")).ToBeVisibleAsync();
        await Expect(phone.Locator("path.crew-position-centre")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_task_changed_by_someone_else_meanwhile_says_so_and_the_next_try_works()
    {
        var ticket = Ticket(await city.FileAsync(0.0620, 100.0550, "sampah", "Karung sampah di bahu jalan"));
        await city.ChangeStatusAsync(ticket, ComplaintStatus.Assigned, null);
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0620, 100.0551));
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");
        var card = phone.Locator($".task[data-ticket='{ticket}']");
        await card.Locator(".task-open").ClickAsync();
        var start = card.Locator("[data-to=in_progress]");
        await Expect(start).ToBeVisibleAsync();
        var seen = await card.Locator(".status-actions").GetAttributeAsync("data-version");

        // Someone edits the row behind the page's back (no live event): the version the page holds is stale.
        await using (var db = city.NewDb())
            await db.Database.ExecuteSqlRawAsync("UPDATE complaints SET description = description || ' (diperbarui)' WHERE ticket = {0}", ticket);
        await start.ClickAsync();

        await Expect(card.Locator(".action-error")).ToHaveAttributeAsync("data-code", "changed_meanwhile");
        await Expect(card.Locator(".action-error")).ToContainTextAsync("baru saja diubah");
        // The page has loaded the complaint again: the next try carries the current version.
        await Expect(card.Locator(".status-actions")).Not.ToHaveAttributeAsync("data-version", seen!);
        await start.ClickAsync();
        await Expect(phone.Locator("#crew-result")).ToContainTextAsync("Dalam Proses");
        await Expect(card.Locator(".action-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Photos_come_from_the_camera_or_the_gallery_and_show_a_preview()
    {
        var ticket = Ticket(await city.FileAsync(0.0600, 100.0600, "sampah", "Sampah di trotoar"));
        await city.ChangeStatusAsync(ticket, ComplaintStatus.Assigned, null);
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0600, 100.0601));
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");
        var card = phone.Locator($".task[data-ticket='{ticket}']");
        await card.Locator(".task-open").ClickAsync();

        // Starting work is the only move here: its form is open, with the optional photo before and nothing else.
        var before = card.Locator("[data-action=before]");
        await Expect(before).ToBeVisibleAsync();
        await Expect(card.Locator("[data-action=note]")).ToBeHiddenAsync();
        Assert.Null(await before.GetAttributeAsync("capture")); // no forced camera: the gallery is offered too
        Assert.Equal("image/*", await before.GetAttributeAsync("accept"));
        await before.SetInputFilesAsync(await MapPage.DrawPhotoAsync(phone, "trotoar.jpg"));
        var preview = card.Locator("[data-preview=before] img");
        await Expect(preview).ToHaveCountAsync(1);
        await Expect(preview).ToHaveAttributeAsync("src", new Regex("^blob:"));
        Assert.True(await preview.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the preview did not draw");
    }

    [Fact]
    public async Task A_move_made_offline_waits_and_is_sent_when_the_network_is_back_and_a_stale_one_says_so()
    {
        var sent = Ticket(await city.FileAsync(0.0680, 100.0650, "sampah", "Sampah menyumbat gorong-gorong"));
        var stale = Ticket(await city.FileAsync(0.0681, 100.0652, "sampah", "Sampah di lapangan"));
        foreach (var ticket in new[] { sent, stale }) await city.ChangeStatusAsync(ticket, ComplaintStatus.Assigned, null);
        var crew = await city.CreateStaffAsync("crew", "dlh");
        var phone = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, At(0.0680, 100.0651));
        await SignInAsync(phone, city.BaseUrl, crew);
        await phone.GotoAsync("/petugas");
        // Both tasks are looked at while there is a network, then the street has none.
        foreach (var ticket in new[] { stale, sent })
        {
            await phone.Locator($".task[data-ticket='{ticket}'] .task-open").ClickAsync();
            await Expect(phone.Locator($".task[data-ticket='{ticket}'] [data-to=in_progress]")).ToBeVisibleAsync();
        }

        await phone.Context.SetOfflineAsync(true);
        foreach (var ticket in new[] { sent, stale })
        {
            var card = phone.Locator($".task[data-ticket='{ticket}']");
            if (await card.Locator(".task-open").GetAttributeAsync("aria-expanded") != "true") await card.Locator(".task-open").ClickAsync();
            await Expect(card.Locator("[data-to=in_progress]")).ToBeVisibleAsync();
            await card.Locator("[data-to=in_progress]").ClickAsync();
            await Expect(phone.Locator("#crew-result")).ToHaveAttributeAsync("data-outbox", "queued");
            await Expect(phone.Locator("#crew-result")).ToContainTextAsync(ticket);
        }
        await Expect(phone.Locator("#crew-outbox")).ToHaveAttributeAsync("data-count", "2");
        await using (var db = city.NewDb())
        {
            Assert.Equal(ComplaintStatus.Assigned, (await db.Complaints.SingleAsync(c => c.Ticket == sent)).Status);
            // Meanwhile someone changes the second complaint: the version its waiting move carries is stale now.
            await db.Database.ExecuteSqlRawAsync("UPDATE complaints SET description = description || ' (diperbarui)' WHERE ticket = {0}", stale);
        }

        await phone.Context.SetOfflineAsync(false);

        await Expect(phone.Locator("#crew-outbox")).ToBeHiddenAsync(new() { Timeout = 30000 });
        await Expect(phone.Locator("#crew-result")).ToHaveAttributeAsync("data-outbox", "stale");
        await Expect(phone.Locator("#crew-result [data-outbox=sent]")).ToContainTextAsync($"{sent}: Dalam Proses");
        await Expect(phone.Locator("#crew-result [data-outbox=stale]")).ToContainTextAsync($"{stale} (Dalam Proses) TIDAK dikirim");
        await using (var db = city.NewDb())
        {
            Assert.Equal(ComplaintStatus.InProgress, (await db.Complaints.SingleAsync(c => c.Ticket == sent)).Status);
            Assert.Equal(ComplaintStatus.Assigned, (await db.Complaints.SingleAsync(c => c.Ticket == stale)).Status);
        }
    }
}
