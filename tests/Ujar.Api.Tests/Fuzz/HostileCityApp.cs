using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ujar.Api.Accounts;
using Ujar.Api.Channels;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Fuzz;

/// <summary>
/// The service over the fixture city with every door open, for throwing bad input at: its own database and media
/// folder, WhatsApp's app secret, an Open311 key, one complaint with its reporter token, clients signed in per role,
/// and the log lines of the warning level and up.
/// </summary>
public sealed class HostileCityApp : IAsyncLifetime
{
    public const string WhatsAppSecret = "uji-rahasia-fuzz";
    public const string Opd = "pupr";

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();

    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    /// <summary>A stand-in for web/dist, so the pages answer the same whether or not the front end was built.</summary>
    public string WebRoot { get; } = Path.Combine(Path.GetTempPath(), $"ujar-web-{Guid.NewGuid():N}");
    public CapturedLogs Logs { get; } = new();
    public UjarApp App { get; private set; } = null!;
    public string ApiKey { get; private set; } = "";
    /// <summary>A complaint of <see cref="Opd"/> (jalan_rusak) and its reporter token.</summary>
    public string Ticket { get; private set; } = "";
    public string ReporterToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WebRoot);
        await File.WriteAllTextAsync(Path.Combine(WebRoot, "index.html"), "<!doctype html><title>Ujar</title>");
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string>
        {
            ["Ujar:MediaPath"] = MediaPath,
            ["Ujar:WhatsApp:AppSecret"] = WhatsAppSecret,
            ["Ujar:WebRoot"] = WebRoot,
        }, services => services.AddSingleton<ILoggerProvider>(Logs));
        _ = App.Server;

        await using (var db = App.NewDb())
        {
            var created = await ChannelKeys.CreateAsync(db, "fuzz", "open311", "uji", DateTime.UtcNow, CancellationToken.None);
            ApiKey = Assert.IsType<ChannelKeys.Created>(created).Result.Key;
        }
        using var client = App.CreateClient();
        var filed = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.065, 100.055, "jalan_rusak", "Jalan berlubang dekat sekolah"));
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var body = await filed.ReadJsonAsync();
        (Ticket, ReporterToken) = (body.GetProperty("ticket").GetString()!, body.GetProperty("reporterToken").GetString()!);
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        foreach (var folder in new[] { MediaPath, WebRoot })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Anonymous (null) or signed in as <paramref name="role"/>; staff and crews of <see cref="Opd"/>. One account per role.</summary>
    public Task<HttpClient> As(string? role) => role is null
        ? Task.FromResult(App.CreateClient())
        : _clients.GetOrAdd(role, _ => new Lazy<Task<HttpClient>>(() =>
            App.ClientAsAsync(role, Roles.BelongsToOpd(role) ? Opd : null))).Value;

    /// <summary>A request with a body of exactly <paramref name="body"/> under <paramref name="contentType"/> (sent as is, unchecked).</summary>
    public static HttpRequestMessage Raw(HttpMethod method, string url, byte[]? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }
}
