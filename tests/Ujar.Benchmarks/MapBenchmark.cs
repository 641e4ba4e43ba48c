using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Playwright;

namespace Ujar.Benchmarks;

/// <summary>
/// The citizens' map in headless Chromium, as a first-time visitor sees it: time from navigation start to the first
/// complete map (<c>body[data-map-ready=true]</c>), time from the end of a pan (a mouse drag) to the next complete
/// redraw (<c>body.dataset.renderCount</c> + 1), and how many markers the page holds. Two services side by side: ours
/// over the loaded database and the baseline over an empty one, runs interleaved so drift hits both sides alike.
/// </summary>
public static class MapBenchmark
{
    public sealed record MapOptions(Uri Ours, Uri Baseline, int Runs, string Chromium, string Query);

    /// <summary>One page load: milliseconds from navigation start (or from the mouse release, for the pan).</summary>
    private sealed record Sample(double ReadyMs, double ComplaintsRequestMs, double PanRedrawMs, int MarkersAtReady, int MarkersAfterPan);

    // Runs before the page's own scripts: timestamps (performance.now(), i.e. since navigation start) of the first
    // data-map-ready="true", of every renderCount change, and of the last mouse release.
    private const string Probe = """
        window.__bench = { ready: null, renders: [], mouseUp: null };
        new MutationObserver(() => {
          const body = document.body;
          if (!body) return;
          const now = performance.now();
          if (window.__bench.ready === null && body.dataset.mapReady === 'true') window.__bench.ready = now;
          const n = Number(body.dataset.renderCount ?? 0);
          const last = window.__bench.renders.at(-1);
          if (n > 0 && (!last || last.n !== n)) window.__bench.renders.push({ n, t: now });
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-map-ready', 'data-render-count'] });
        addEventListener('mouseup', () => { window.__bench.mouseUp = performance.now(); }, true);
        """;

    private const string MarkerCount = "() => document.querySelectorAll('.ujar-marker, .ujar-cluster').length";

    public static bool TryParse(string[] args, [NotNullWhen(true)] out MapOptions? options, out string error)
    {
        options = null;
        Uri? ours = null, baseline = null;
        var runs = 5;
        var chromium = "/usr/bin/chromium";
        var query = "";
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null) { error = $"{args[i]} needs a value"; return false; }
            switch (args[i])
            {
                case "--ours" when Uri.TryCreate(value, UriKind.Absolute, out ours): break;
                case "--baseline" when Uri.TryCreate(value, UriKind.Absolute, out baseline): break;
                case "--runs" when int.TryParse(value, out runs) && runs >= 1: break;
                case "--chromium": chromium = value; break;
                case "--query": query = value; break;
                default: error = $"unknown option or bad value: {args[i]} {value}"; return false;
            }
        }
        if (ours is null || baseline is null) { error = "--ours and --baseline are required"; return false; }
        if (!File.Exists(chromium)) { error = $"{chromium} not found (apt-get install chromium)"; return false; }
        options = new MapOptions(ours, baseline, runs, chromium, query);
        error = "";
        return true;
    }

    public static async Task<int> RunAsync(MapOptions options)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        var sides = new[] { ("ours", options.Ours), ("baseline", options.Baseline) };
        // One unmeasured load per side first: the services' JIT and Chromium's own start-up are not the map's cost.
        foreach (var (_, url) in sides) await MeasureAsync(browser, url, options.Query);

        var samples = sides.ToDictionary(s => s.Item1, _ => new List<Sample>());
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var (side, url) in sides)
            {
                var sample = await MeasureAsync(browser, url, options.Query);
                samples[side].Add(sample);
                Console.WriteLine(
                    FormattableString.Invariant($"run {run} {side,-8}: first map {sample.ReadyMs,7:F0} ms (complaints request {sample.ComplaintsRequestMs,5:F0} ms), ") +
                    FormattableString.Invariant($"pan → redraw {sample.PanRedrawMs,5:F0} ms, markers {sample.MarkersAtReady} → {sample.MarkersAfterPan}"));
            }
        }

        foreach (var (side, list) in samples)
        {
            Print($"map.{side}.ready_median_ms", Median(list.Select(s => s.ReadyMs)));
            Print($"map.{side}.ready_max_ms", list.Max(s => s.ReadyMs));
            Print($"map.{side}.request_median_ms", Median(list.Select(s => s.ComplaintsRequestMs)));
            Print($"map.{side}.pan_median_ms", Median(list.Select(s => s.PanRedrawMs)));
            Print($"map.{side}.pan_max_ms", list.Max(s => s.PanRedrawMs));
            Print($"map.{side}.markers_max", list.Max(s => Math.Max(s.MarkersAtReady, s.MarkersAfterPan)));
        }
        Print("map.runs", options.Runs);
        return 0;
    }

    private static async Task<Sample> MeasureAsync(IBrowser browser, Uri url, string query)
    {
        // A new context each time: empty HTTP cache and storage, as a first visit.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "id-ID",
        });
        await context.AddInitScriptAsync(Probe);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(url, "/" + (query.Length > 0 ? "?" + query : "")).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("() => window.__bench.ready !== null", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        var readyMs = await page.EvaluateAsync<double>("() => window.__bench.ready");
        var markersAtReady = await page.EvaluateAsync<int>(MarkerCount);
        // The complaint layer's first request, however the front end asks (clusters at low zoom, points up close).
        var requestMs = await page.EvaluateAsync<double>("""
            () => {
              const e = performance.getEntriesByType('resource').find(r => /\/api\/complaints(\/clusters)?\?/.test(r.name));
              return e ? e.responseEnd - e.startTime : -1;
            }
            """);

        // Let the page settle (late responses, the live connection) so the pan measures the pan alone.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var box = await page.Locator("#map").BoundingBoxAsync() ?? throw new InvalidOperationException("#map is not visible");
        var before = await page.EvaluateAsync<int>("() => Number(document.body.dataset.renderCount ?? 0)");
        var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x - 300, y - 150, new MouseMoveOptions { Steps = 10 });
        // Leaflet throws the map on (inertia) when released mid-move; holding still first makes the release end the pan.
        await page.WaitForTimeoutAsync(120);
        await page.Mouse.UpAsync();
        await page.WaitForFunctionAsync("n => window.__bench.renders.some(r => r.n > n)", before, new PageWaitForFunctionOptions { Timeout = 60_000 });
        var panMs = await page.EvaluateAsync<double>("n => window.__bench.renders.find(r => r.n > n).t - window.__bench.mouseUp", before);
        var markersAfterPan = await page.EvaluateAsync<int>(MarkerCount);
        return new Sample(readyMs, requestMs, panMs, markersAtReady, markersAfterPan);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Print(string key, double value) => Console.WriteLine($"{key}={value.ToString("F1", CultureInfo.InvariantCulture)}");
}
