using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microsoft.Extensions.Logging;
using Ujar.Api.Boundaries;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Browser;

/// <summary>
/// A class fixture for browser tests: the service on a real Kestrel socket at 127.0.0.1 (a browser cannot reach
/// TestServer), over its own database whose active boundaries are the fixture city, serving the built front end
/// (web/dist) and keeping photos in a temporary folder.
/// </summary>
public sealed class BrowserCityApp : IAsyncLifetime
{
    private static readonly string WebRoot = Path.Combine(TestPaths.RepoRoot, "web", "dist");

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly bool _cityBoundaries;
    private UjarApp _app = null!;

    public BrowserCityApp() : this(new Dictionary<string, string>())
    {
    }

    /// <summary>For a test that needs the service configured otherwise (<paramref name="settings"/>); it calls
    /// <see cref="InitializeAsync"/> and <see cref="DisposeAsync"/> itself.</summary>
    /// <param name="cityBoundaries">Start as a new installation does (the city folder's own boundaries, imported by the
    /// service), not with the fixture city.</param>
    internal BrowserCityApp(IReadOnlyDictionary<string, string> settings, bool cityBoundaries = false)
    {
        _settings = settings;
        _cityBoundaries = cityBoundaries;
    }

    public string MediaDir { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public Uri BaseUrl { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        RequireBuiltWebApp();
        var connectionString = await TestPostGis.NewDatabaseAsync();
        if (!_cityBoundaries) await TestBoundaries.LoadFixtureCityAsync(connectionString);
        Directory.CreateDirectory(MediaDir);
        _app = new UjarApp(connectionString, new Dictionary<string, string>(_settings) { ["Ujar:MediaPath"] = MediaDir, ["Ujar:WebRoot"] = WebRoot });
        // .NET 10's WebApplicationFactory can host on Kestrel instead of TestServer; port 0 lets the OS pick a free one.
        _app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address);
        if (_cityBoundaries)
        {
            await CityBoundaryImport.EnsureAsync(_app.Services, _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<BrowserCityApp>());
            await _app.ReloadRoutingAsync();
        }
        Http = new HttpClient { BaseAddress = BaseUrl };
    }

    public UjarDb NewDb() => _app.NewDb();

    /// <summary>Files a complaint through the API, as another citizen would (with a photo: multipart, as the contract
    /// allows); returns the 201 body.</summary>
    public async Task<JsonElement> FileAsync(double lat, double lon, string category, string description, FilePayload? photo = null)
    {
        var complaint = Json.Complaint(lat, lon, category, description);
        HttpResponseMessage response;
        if (photo is null)
        {
            response = await Http.PostRawJsonAsync("/api/complaints", complaint);
        }
        else
        {
            using var form = new MultipartFormDataContent { { new StringContent(complaint, System.Text.Encoding.UTF8, "application/json"), "complaint" } };
            var file = new ByteArrayContent(photo.Buffer);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(photo.MimeType);
            form.Add(file, "photos", photo.Name);
            response = await Http.PostAsync("/api/complaints", form);
        }
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"filing failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>As staff will (no HTTP endpoint yet): through the service's own status change, which publishes the live
    /// event, step by step along the shortest legal path to <paramref name="to"/>.</summary>
    public Task ChangeStatusAsync(string ticket, ComplaintStatus to, string? note) => LiveTestActions.WalkToAsync(Services, ticket, to, note);

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>tests/run.sh builds web/ before `dotnet test`; run alone, the tests say what is missing instead of skipping.</summary>
    private static void RequireBuiltWebApp()
    {
        var index = Path.Combine(WebRoot, "index.html");
        if (!File.Exists(index))
            throw new InvalidOperationException($"{index} is missing: run `npm ci && npm run build` in web/ (tests/run.sh does) before the browser tests");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (Directory.Exists(MediaDir)) Directory.Delete(MediaDir, recursive: true);
    }
}
