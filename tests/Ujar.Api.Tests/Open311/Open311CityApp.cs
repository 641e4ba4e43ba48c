using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Channels;
using Ujar.Api.Data;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Open311;

/// <summary>The service over the fixture city with its own media folder and a public address of its own (so absolute
/// links can be told from defaults), an Open311 key, and signed-in staff clients.</summary>
public sealed class Open311CityApp : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://ujar.kota-uji.example";
    public const string Jurisdiction = "tanjungpinangkota.go.id";

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();

    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;
    /// <summary>An active Open311 key, as a client system holds it.</summary>
    public string ApiKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string>
        {
            ["Ujar:MediaPath"] = MediaPath,
            ["Ujar:PublicBaseUrl"] = PublicBaseUrl,
        });
        _ = App.Server;
        (_, ApiKey) = await NewKeyAsync("fixmystreet");
        // Requests run in the test's execution context, so the SQL they send can be traced back to them (SqlTrace).
        App.Server.PreserveExecutionContext = true;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }

    public string[] MediaFiles() => Directory.Exists(MediaPath) ? Directory.GetFiles(MediaPath, "*", SearchOption.AllDirectories) : [];

    /// <summary>A new Open311 key made the way the command line and the admin API make them: its holder's name and the key.</summary>
    public async Task<(string Name, string Key)> NewKeyAsync(string name)
    {
        await using var db = App.NewDb();
        var outcome = await ChannelKeys.CreateAsync(db, $"{name}-{Guid.NewGuid():N}"[..40], "open311", "uji", DateTime.UtcNow, CancellationToken.None);
        var created = Assert.IsType<ChannelKeys.Created>(outcome).Result;
        return (created.ChannelKey.Name, created.Key);
    }

    public async Task<int> KeyIdAsync(string key)
    {
        await using var db = App.NewDb();
        var hash = ChannelKeys.Hash(key);
        return db.ChannelKeys.Single(k => k.KeyHash == hash).Id;
    }

    public Task<HttpClient> Staff(string opd) =>
        _clients.GetOrAdd($"{Roles.OpdStaff}/{opd}", _ => new Lazy<Task<HttpClient>>(() => App.ClientAsAsync(Roles.OpdStaff, opd))).Value;

    public Task<HttpClient> Crew(string opd) =>
        _clients.GetOrAdd($"{Roles.Crew}/{opd}", _ => new Lazy<Task<HttpClient>>(() => App.ClientAsAsync(Roles.Crew, opd))).Value;

    public UjarDb NewDb() => App.NewDb();
}

/// <summary>An Open311 client's requests: form posts as FixMyStreet sends them, and answers read as XML or JSON.</summary>
public static class Open311Http
{
    public const string Base = "/open311/v2";

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string format, IEnumerable<(string Name, string Value)> fields,
        string? idempotencyKey = null, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Base}/requests.{format}{query}")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostMultipartAsync(this HttpClient client, string format, IEnumerable<(string Name, string Value)> fields,
        params (string Part, string FileName, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value, Encoding.UTF8), name);
        foreach (var (part, fileName, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, part, fileName);
        }
        return client.PostAsync($"{Base}/requests.{format}", form);
    }

    /// <summary>The fields of a valid filing in the fixture city, with a reporter's contact; <paramref name="overrides"/>
    /// replace fields by name (an empty value drops the field).</summary>
    public static List<(string Name, string Value)> Filing(string apiKey, string description, params (string Name, string Value)[] overrides)
    {
        var fields = new List<(string Name, string Value)>
        {
            ("jurisdiction_id", Open311CityApp.Jurisdiction), ("api_key", apiKey), ("service_code", "jalan_rusak"),
            ("lat", "0.025"), ("long", "100.06"), ("description", description),
            ("email", "warga.pelapor@contoh.id"), ("first_name", "Siti"), ("last_name", "Aminah Pelapor"), ("phone", "081277776666"),
        };
        foreach (var (name, value) in overrides)
        {
            fields.RemoveAll(f => f.Name == name);
            if (value.Length > 0) fields.Add((name, value));
        }
        return fields;
    }

    public static async Task<XDocument> XmlAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/xml; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "the XML starts with a byte order mark");
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text);
        return XDocument.Parse(text);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The spec's XML error list as (code, description) pairs.</summary>
    public static async Task<List<(int Code, string Description)>> XmlErrorsAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var xml = await response.XmlAsync(expected);
        Assert.Equal("errors", xml.Root!.Name.LocalName);
        var errors = xml.Root.Elements("error").Select(e => ((int)e.Element("code")!, (string)e.Element("description")!)).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal((int)expected, e.Item1));
        return errors;
    }

    /// <summary>The spec's JSON error list as (code, description) pairs.</summary>
    public static async Task<List<(int Code, string Description)>> JsonErrorsAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var json = await response.JsonAsync(expected);
        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        var errors = json.EnumerateArray().Select(e => (e.GetProperty("code").GetInt32(), e.GetProperty("description").GetString()!)).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal((int)expected, e.Item1));
        return errors;
    }

    public static string Text(this XElement parent, string name) => (string?)parent.Element(name) ?? throw new Xunit.Sdk.XunitException($"<{name}> missing in {parent}");
}
