using Microsoft.Playwright;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// One headless Debian Chromium for all browser tests, driven by Playwright. Playwright's own browser download is
/// never used (no internet here): the executable is <c>/usr/bin/chromium</c>, which <c>.ci/ensure-deps --browser</c>
/// installs. Missing, it is a failure with the fix in the message, never a skip.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Without the networking flags Chromium keeps reaching for the internet (updates, sync, QUIC probes).</summary>
    public static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} not found: install it with `.ci/ensure-deps --browser` (apt-get install chromium)");
        // Ceilings, not expectations: on a busy 2-core machine (CI, or other work beside the suite) a page can take
        // several seconds to settle, and Playwright's 5 s / 30 s defaults failed tests that were right. A test about
        // promptness passes its own short timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
        });
    }

    /// <summary>A fresh browser profile (own localStorage, own device token) at <paramref name="baseUrl"/>. A test that
    /// intercepts the page's requests blocks the service worker (<paramref name="serviceWorkers"/>): Playwright's routes
    /// do not see what a service worker fetches.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, ViewportSize? viewport = null, Geolocation? geolocation = null, string? locale = "id-ID",
        ServiceWorkerPolicy serviceWorkers = ServiceWorkerPolicy.Allow)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = viewport ?? Desktop,
            Locale = locale,
            TimezoneId = "Asia/Jakarta",
            ServiceWorkers = serviceWorkers,
        };
        if (viewport == Phone)
        {
            options.IsMobile = true;
            options.HasTouch = true;
            options.DeviceScaleFactor = 3;
        }
        if (geolocation is not null)
        {
            options.Geolocation = geolocation;
            options.Permissions = ["geolocation"];
        }
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Browser tests share one Chromium and run one after another (two cores: parallel browsers only add noise).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Browser";
}
