using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ujar.Api.Accounts;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Tasks;

/// <summary>The service over the fixture city with its own media folder, and one signed-in client per role and OPD.</summary>
public sealed class TasksCityApp : IAsyncLifetime
{
    public const string OwnOpd = "pupr";
    public const string OtherOpd = "dlh";

    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _clients = new();

    public string MediaPath { get; } = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString, new Dictionary<string, string> { ["Ujar:MediaPath"] = MediaPath });
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Directory.Exists(MediaPath)) Directory.Delete(MediaPath, recursive: true);
    }

    public string[] MediaFiles() => Directory.Exists(MediaPath) ? Directory.GetFiles(MediaPath, "*", SearchOption.AllDirectories) : [];

    /// <summary>A client signed in as <paramref name="role"/> of <paramref name="opd"/>, one account per pair for the whole class.</summary>
    public Task<HttpClient> As(string role, string? opd = null) =>
        _clients.GetOrAdd($"{role}/{opd}", _ => new Lazy<Task<HttpClient>>(() => App.ClientAsAsync(role, opd))).Value;

    public Task<HttpClient> Staff(string opd = OwnOpd) => As(Roles.OpdStaff, opd);
    public Task<HttpClient> Crew(string opd = OwnOpd) => As(Roles.Crew, opd);
    public Task<HttpClient> Admin() => As(Roles.Admin);

    /// <summary>Files a complaint with the reporter's contacts; returns its ticket and reporter token.</summary>
    public async Task<(string Ticket, string ReporterToken)> FileAsync(double lat, double lon, string category = "jalan_rusak",
        string description = "Jalan berlubang", object? contact = null, bool? anonymous = null)
    {
        using var client = App.CreateClient();
        var response = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(lat, lon, category, description,
            contact ?? new { name = "Siti Pelapor", phone = "081234567890", email = "siti.pelapor@contoh.id" }, anonymous));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var filed = await response.ReadJsonAsync();
        return (filed.GetProperty("ticket").GetString()!, filed.GetProperty("reporterToken").GetString()!);
    }
}

public static class TasksHttp
{
    public static Task<HttpResponseMessage> ChangeAsync(this HttpClient client, string ticket, object body) =>
        client.PostAsJsonAsync($"/api/staff/complaints/{ticket}/status", body);

    /// <summary>Multipart: <paramref name="fields"/> as text parts, photos as files in <c>after</c> or <c>before</c>.</summary>
    public static Task<HttpResponseMessage> ChangeWithPhotosAsync(this HttpClient client, string ticket, IDictionary<string, string> fields,
        params (string Part, byte[] Bytes)[] photos)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        foreach (var (part, bytes) in photos)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, part, $"{part}.jpg");
        }
        return client.PostAsync($"/api/staff/complaints/{ticket}/status", form);
    }

    public static Task<HttpResponseMessage> AnswerAsync(this HttpClient client, string ticket, string? reporterToken, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/complaints/{ticket}/answer") { Content = JsonContent.Create(body) };
        if (reporterToken is not null) request.Headers.Add("X-Reporter-Token", reporterToken);
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> OkJsonAsync(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts a problem of <paramref name="status"/> and <paramref name="code"/>, bilingual, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("titleEn").GetString()));
        return problem;
    }

    public static async Task<JsonElement> DetailAsync(this HttpClient client, string ticket) =>
        await (await client.GetAsync($"/api/staff/complaints/{ticket}")).OkJsonAsync();

    public static IEnumerable<string> Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);
}
