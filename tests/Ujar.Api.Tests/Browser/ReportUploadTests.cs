using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ujar.Api.Tests.Browser;

/// <summary>Sending on a slow line: a camera-sized photo is made small before it leaves the phone; the upload shows its
/// progress, can be cancelled, and a retry (after a cancel or a failure) reuses the Idempotency-Key, so it files once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportUploadTests(Chromium chromium, BrowserCityApp city) : IClassFixture<BrowserCityApp>
{
    /// <summary>A camera-sized JPEG (4000×3000, a smooth scene with sensor-like grain) drawn by the browser's canvas.</summary>
    private static async Task<FilePayload> CameraPhotoAsync(IPage page)
    {
        var dataUrl = await page.EvaluateAsync<string>("""
            () => {
              const [w, h] = [4000, 3000];
              const canvas = document.createElement('canvas');
              canvas.width = w; canvas.height = h;
              const g = canvas.getContext('2d');
              const sky = g.createLinearGradient(0, 0, 0, h);
              sky.addColorStop(0, '#7fb3d5'); sky.addColorStop(0.6, '#d6eaf8'); sky.addColorStop(0.61, '#6e8b3d'); sky.addColorStop(1, '#3b5323');
              g.fillStyle = sky; g.fillRect(0, 0, w, h);
              const image = g.getImageData(0, 0, w, h);
              let seed = 7;
              for (let i = 0; i < image.data.length; i += 4) {
                seed = (seed * 1103515245 + 12345) & 0x7fffffff;
                const grain = (seed % 33) - 16;
                image.data[i] += grain; image.data[i + 1] += grain; image.data[i + 2] += grain;
              }
              g.putImageData(image, 0, 0);
              return canvas.toDataURL('image/jpeg', 0.95);
            }
            """);
        return new FilePayload { Name = "kamera.jpg", MimeType = "image/jpeg", Buffer = Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',') + 1)..]) };
    }

    private static async Task FillReportAsync(IPage page, double lat, double lon, string description)
    {
        await MapPage.OpenFixtureCityAsync(page);
        await MapPage.DropPinAsync(page, lat, lon);
        await page.Locator("input[name=category][value=jalan_rusak]").CheckAsync();
        await page.Locator("#description").FillAsync(description);
        await page.Locator("#anonymous").CheckAsync();
    }

    private static bool IsFiling(IRequest request) => request.Method == "POST" && request.Url.EndsWith("/api/complaints", StringComparison.Ordinal);

    [Fact]
    public async Task A_camera_sized_photo_is_made_small_in_the_browser_before_it_is_sent()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, serviceWorkers: ServiceWorkerPolicy.Block);
        await FillReportAsync(page, 0.068, 100.05, "Jalan retak panjang");
        var photo = await CameraPhotoAsync(page);
        Assert.True(photo.Buffer.Length > 2_000_000, $"the test photo is only {photo.Buffer.Length} bytes: not camera-sized");

        await page.Locator("#photos").SetInputFilesAsync(photo);
        await Expect(page.Locator("#photo-previews img")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var kept = long.Parse((await page.Locator("#photo-previews li").GetAttributeAsync("data-bytes"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(kept * 4 < photo.Buffer.Length, $"the photo to send is {kept} bytes, from {photo.Buffer.Length}");
        await Expect(page.Locator("#photo-previews .photo-size")).ToContainTextAsync("→");

        var filed = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(), r => IsFiling(r.Request));

        Assert.Equal(201, filed.Status);
        var sent = long.Parse((await filed.Request.HeaderValueAsync("content-length"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sent < kept + 16_384, $"the request carried {sent} bytes for a {kept}-byte photo");
        var ticket = (await page.Locator("#ticket-number").TextContentAsync())!.Trim();
        var stored = (await city.GetJsonAsync($"/api/complaints/{ticket}")).GetProperty("photos")[0];
        Assert.Equal(2048, stored.GetProperty("width").GetInt32());
        Assert.Equal(1536, stored.GetProperty("height").GetInt32());
        Console.WriteLine($"camera photo {photo.Buffer.Length} bytes → sent {kept} bytes (request {sent})");
    }

    [Fact]
    public async Task A_cancelled_or_failed_upload_keeps_the_form_and_the_retry_reuses_the_idempotency_key()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, serviceWorkers: ServiceWorkerPolicy.Block);
        await FillReportAsync(page, 0.025, 100.06, "Lubang di jalan, dikirim lewat jaringan lambat");
        await page.Locator("#photos").SetInputFilesAsync(await MapPage.DrawPhotoAsync(page, "lubang.jpg"));
        await Expect(page.Locator("#photo-previews img")).ToHaveCountAsync(1);
        var keys = new List<string>();
        page.Request += (_, request) =>
        {
            if (IsFiling(request)) lock (keys) keys.Add(request.Headers["idempotency-key"]);
        };
        await using var db = city.NewDb();
        var before = db.Complaints.Count();

        // 1. The line hangs: the progress bar shows, and the citizen gives up waiting.
        var hung = new TaskCompletionSource<IRoute>();
        await page.RouteAsync("**/api/complaints", route => hung.TrySetResult(route));
        await page.Locator("#btn-submit").ClickAsync();
        await Expect(page.Locator("#upload-box")).ToBeVisibleAsync();
        await Expect(page.Locator("#upload-progress")).ToBeVisibleAsync();
        await hung.Task;
        await page.Locator("#btn-cancel-upload").ClickAsync();
        await Expect(page.Locator("#report-error")).ToContainTextAsync("Pengiriman dibatalkan");
        await Expect(page.Locator("#upload-box")).ToBeHiddenAsync();
        await Expect(page.Locator("#btn-submit")).ToHaveTextAsync("Coba kirim lagi");
        await Expect(page.Locator("#description")).ToHaveValueAsync("Lubang di jalan, dikirim lewat jaringan lambat");
        // The error is stale once the citizen does something.
        await page.Locator("#description").PressAsync("End");
        await page.Locator("#description").PressSequentiallyAsync(".");
        await Expect(page.Locator("#report-error")).ToBeHiddenAsync();
        await page.UnrouteAsync("**/api/complaints");

        // 2. The connection breaks: the failure is shown and the retry is offered.
        await page.RouteAsync("**/api/complaints", route => route.AbortAsync("connectionreset"));
        await page.Locator("#btn-submit").ClickAsync();
        await Expect(page.Locator("#report-error")).ToContainTextAsync("Tidak dapat terhubung ke server");
        await page.UnrouteAsync("**/api/complaints");

        // 3. The retry goes through, once, under the key of the first try.
        var filed = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(), r => IsFiling(r.Request));
        Assert.Equal(201, filed.Status);
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync();
        lock (keys)
        {
            Assert.Equal(3, keys.Count);
            Assert.Single(keys.Distinct());
        }
        Assert.Equal(before + 1, db.Complaints.Count());
    }

    [Fact]
    public async Task On_a_throttled_line_the_progress_bar_moves_while_the_photo_goes_up()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, Chromium.Phone, serviceWorkers: ServiceWorkerPolicy.Block);
        // Not where another test of this class filed: a marker there would take the tap meant for the map.
        await FillReportAsync(page, 0.07, 100.058, "Jalan amblas, dikirim dari jaringan lambat");
        await page.Locator("#photos").SetInputFilesAsync(await CameraPhotoAsync(page));
        await Expect(page.Locator("#photo-previews img")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        // About 0.6 MB at 150 KB/s: four seconds of upload, as on a weak 3G signal.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 150, ["downloadThroughput"] = 150 * 1024, ["uploadThroughput"] = 150 * 1024,
        });

        await page.Locator("#btn-submit").ClickAsync();

        await page.WaitForFunctionAsync("() => { const p = document.querySelector('#upload-progress'); return p.value > 0 && p.value < 100; }",
            null, new() { Timeout = 20_000 });
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("#upload-box")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_answer_that_never_comes_times_out_and_the_retry_files_once()
    {
        var page = await chromium.NewPageAsync(city.BaseUrl, serviceWorkers: ServiceWorkerPolicy.Block);
        await FillReportAsync(page, 0.065, 100.055, "Lampu jalan mati, server tidak menjawab");
        var keys = new List<string>();
        page.Request += (_, request) =>
        {
            if (IsFiling(request)) lock (keys) keys.Add(request.Headers["idempotency-key"]);
        };
        // The request reaches the server and is filed, but its answer is lost on the way back.
        await page.RouteAsync("**/api/complaints", async route =>
        {
            await route.FetchAsync();
        });

        await page.Locator("#btn-submit").ClickAsync();

        // A JSON complaint's timeout is the 30 s base (upload.js) plus a fraction of a second for its body.
        await Expect(page.Locator("#report-error")).ToContainTextAsync("Pengiriman terlalu lama", new() { Timeout = 60_000 });
        await Expect(page.Locator("#btn-submit")).ToHaveTextAsync("Coba kirim lagi");
        await page.UnrouteAsync("**/api/complaints");
        var retried = await page.RunAndWaitForResponseAsync(() => page.Locator("#btn-submit").ClickAsync(), r => IsFiling(r.Request));

        Assert.Equal(201, retried.Status);
        await Expect(page.Locator("#report-success")).ToBeVisibleAsync();
        var ticket = (await page.Locator("#ticket-number").TextContentAsync())!.Trim();
        await using var db = city.NewDb();
        Assert.Equal(1, db.Complaints.Count(c => c.Description == "Lampu jalan mati, server tidak menjawab"));
        Assert.Equal(ticket, db.Complaints.Single(c => c.Description == "Lampu jalan mati, server tidak menjawab").Ticket);
        lock (keys) Assert.Single(keys.Distinct());
    }
}
