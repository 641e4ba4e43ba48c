using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

/// <summary><c>/healthz/live</c> answers while the process runs; <c>/healthz/ready</c> only when the database answers and
/// a boundary generation is loaded, else 503 ProblemDetails naming what fails.</summary>
public sealed class HealthTests(FixtureCityApp city) : IClassFixture<FixtureCityApp>
{
    private static async Task<JsonElement> ReadyProblemAsync(HttpClient client)
    {
        var response = await client.GetAsync("/healthz/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("not_ready", problem.GetProperty("code").GetString());
        Assert.Equal("Layanan belum siap", problem.GetProperty("title").GetString());
        Assert.Equal("Service not ready", problem.GetProperty("titleEn").GetString());
        return problem;
    }

    private static async Task AssertAliveAsync(HttpClient client)
    {
        var live = await client.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok", (await live.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_running_instance_with_its_database_and_boundaries_is_alive_and_ready()
    {
        var client = city.App.CreateClient();
        await AssertAliveAsync(client);

        var ready = await client.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.ReadJsonAsync();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("boundaries").GetString());
        Assert.False(body.GetProperty("checks").TryGetProperty("redis", out _), "no Redis configured, none checked");

        // The older summary stays as it was.
        var summary = await (await client.GetAsync("/healthz")).ReadJsonAsync();
        Assert.Equal("ok", summary.GetProperty("status").GetString());
        Assert.Equal(city.GenerationId, summary.GetProperty("boundaryGeneration").GetInt32());
    }

    [Fact]
    public async Task Without_an_active_boundary_generation_the_instance_is_alive_but_not_ready()
    {
        await using var app = new UjarApp(await TestPostGis.NewDatabaseAsync());
        var client = app.CreateClient();

        await AssertAliveAsync(client);
        var problem = await ReadyProblemAsync(client);
        Assert.Equal("ok", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("failing", problem.GetProperty("checks").GetProperty("boundaries").GetString());
        Assert.Equal("Failing checks: boundaries.", problem.GetProperty("detailEn").GetString());
    }

    [Fact]
    public async Task With_the_database_unreachable_the_instance_is_alive_but_not_ready()
    {
        // A port nothing listens on: taken from the OS, then let go.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var app = new UjarApp($"Host=127.0.0.1;Port={port};Database=ujar;Username=postgres;Timeout=3");
        var client = app.CreateClient();

        await AssertAliveAsync(client);
        var problem = await ReadyProblemAsync(client);
        Assert.Equal("failing", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("database", problem.GetProperty("detail").GetString());
    }
}
