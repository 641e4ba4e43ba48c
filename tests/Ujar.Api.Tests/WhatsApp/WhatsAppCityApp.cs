using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.WhatsApp;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>
/// The service over the fixture city with WhatsApp configured against a <see cref="FakeGraph"/>, a clock the test can
/// move, its own media folder and every log line collected. Workers poll and back off in tenths of a second here, so
/// retries finish within a test.
/// </summary>
public class WhatsAppCityApp : IAsyncLifetime
{
    public const string AppSecret = "uji-rahasia-aplikasi-meta";
    public const string VerifyToken = "uji-token-verifikasi";
    public const string AccessToken = "uji-token-akses-graph-EAAG";

    private static int _people;

    public FakeGraph Graph { get; private set; } = null!;
    public MovableClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;

    protected virtual Dictionary<string, string> Settings() => new()
    {
        ["Ujar:MediaPath"] = MediaPath,
        ["Ujar:WhatsApp:GraphBaseUrl"] = Graph.BaseUrl,
        ["Ujar:WhatsApp:AccessToken"] = AccessToken,
        ["Ujar:WhatsApp:PhoneNumberId"] = MetaWebhook.BusinessPhoneNumberId,
        ["Ujar:WhatsApp:AppSecret"] = AppSecret,
        ["Ujar:WhatsApp:VerifyToken"] = VerifyToken,
        ["Ujar:WhatsApp:PollSeconds"] = "0.1",
        ["Ujar:WhatsApp:RetrySeconds"] = "0.05",
        ["Ujar:WhatsApp:MaxRetrySeconds"] = "0.2",
        ["Ujar:WhatsApp:GraphTimeoutSeconds"] = "3",
        ["Ujar:WhatsApp:CleanupMinutes"] = "0.005",
    };

    public async Task InitializeAsync()
    {
        Graph = await FakeGraph.StartAsync();
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, Settings(), services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILoggerProvider>(Logs);
        });
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Graph is not null) await Graph.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }

    /// <summary>Someone with a WhatsApp number no other test uses.</summary>
    public WhatsAppPerson NewPerson(string name = "Siti Warga Uji") =>
        new(this, $"62812{Environment.ProcessId % 1000:D3}{Interlocked.Increment(ref _people):D5}", name);

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds (at most 30 s) and returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"never: {what} (last: {value})");
            await Task.Delay(50);
        }
    }

    /// <summary>No log line holds a full number of <paramref name="people"/>, the access token or the app secret.</summary>
    public void AssertLogsHoldNoSecrets(params WhatsAppPerson[] people)
    {
        var lines = Logs.Lines;
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            Assert.DoesNotContain(AccessToken, line);
            Assert.DoesNotContain(AppSecret, line);
            foreach (var person in people) Assert.DoesNotContain(person.WaId, line);
        }
    }
}

/// <summary>WhatsApp configured but nothing to send with: no access token, no phone number id, no verify token.</summary>
public sealed class UnsentWhatsAppCityApp : WhatsAppCityApp
{
    protected override Dictionary<string, string> Settings()
    {
        var settings = base.Settings();
        settings.Remove("Ujar:WhatsApp:AccessToken");
        settings.Remove("Ujar:WhatsApp:PhoneNumberId");
        settings.Remove("Ujar:WhatsApp:VerifyToken");
        return settings;
    }
}

/// <summary>No WhatsApp secrets at all, as a fresh install runs.</summary>
public sealed class UnconfiguredWhatsAppCityApp : WhatsAppCityApp
{
    protected override Dictionary<string, string> Settings()
    {
        var settings = base.Settings();
        foreach (var key in new[] { "AccessToken", "PhoneNumberId", "AppSecret", "VerifyToken" }) settings.Remove($"Ujar:WhatsApp:{key}");
        return settings;
    }
}

/// <summary>A person writing to the city's WhatsApp number: each message goes out as a signed webhook.</summary>
public sealed class WhatsAppPerson(WhatsAppCityApp city, string waId, string name)
{
    private int _sent;

    public string WaId { get; } = waId;
    public string Name { get; } = name;
    public string Phone => "+" + WaId;
    public string? LastMessageId { get; private set; }

    /// <summary>Sends <paramref name="content"/> (a new message id unless <paramref name="id"/> is given); returns the id.</summary>
    public async Task<string> SendAsync(JsonObject content, string? id = null)
    {
        var n = Interlocked.Increment(ref _sent);
        var messageId = id ?? $"wamid.in.{WaId}.{n}";
        var body = MetaWebhook.Messages(WaId, Name, (messageId, city.Clock.GetUtcNow().ToUnixTimeSeconds() + n, content));
        using var client = city.App.CreateClient();
        var response = await MetaWebhook.PostAsync(client, body, MetaWebhook.Sign(body, WhatsAppCityApp.AppSecret));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        LastMessageId = messageId;
        return messageId;
    }

    /// <summary>Sends <paramref name="content"/> and waits for the <paramref name="replies"/> messages it brings; returns them.</summary>
    public async Task<IReadOnlyList<JsonObject>> ExchangeAsync(JsonObject content, int replies)
    {
        var before = city.Graph.AcceptedTo(WaId).Count;
        await SendAsync(content);
        var got = await city.Graph.WaitForAsync(WaId, before + replies);
        return got.Skip(before).Select(a => a.Message).ToList();
    }

    /// <summary>Sends <paramref name="content"/> and returns the one reply it brings.</summary>
    public async Task<JsonObject> SayAsync(JsonObject content) => (await ExchangeAsync(content, 1)).Single();

    /// <summary>Every message this person received, as read on the phone.</summary>
    public IReadOnlyList<string> Received => city.Graph.AcceptedTo(WaId).Select(a => FakeGraph.Readable(a.Message)).ToList();

    /// <summary>Location, category, description and "Lewati": the shortest whole report. Returns the ticket reply.</summary>
    public async Task<string> ReportAsync(double lat, double lon, string category, string description)
    {
        await SayAsync(MetaWebhook.Location(lat, lon));
        await SayAsync(MetaWebhook.ListReply(category));
        await SayAsync(MetaWebhook.Text(description));
        return FakeGraph.Readable(await SayAsync(MetaWebhook.ButtonReply(WhatsAppConversations.SkipId)));
    }

    public async Task<Ujar.Api.Complaints.Complaint> ComplaintAsync()
    {
        await using var db = city.App.NewDb();
        return await db.Complaints.AsNoTracking().SingleAsync(c => c.ReporterPhone == Phone);
    }
}

/// <summary>The real clock plus an offset a test moves forward (timers keep running on real time).</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
