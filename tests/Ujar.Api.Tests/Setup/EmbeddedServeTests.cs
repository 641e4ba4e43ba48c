using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

/// <summary>Quick start 1 as a newcomer sees it: `serve` with no database configured.</summary>
public sealed class EmbeddedServeTests : IDisposable
{
    private const string DemoPassword = "sandi-demo-serve-1";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"ujar-serve-{Guid.NewGuid():N}"[..24]);

    [Fact]
    public async Task Serve_without_a_connection_string_runs_its_own_PostGIS_with_demo_data_and_stops_it_cleanly()
    {
        var port = UjarCli.FreePort();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        string ticket;
        using (var first = StartServe(port))
        {
            var health = await WaitForHealthAsync(client, first);
            Assert.Equal("3.", health.GetProperty("postGis").GetString()![..2]);

            // The city's official kelurahan, and the kecamatan the importer dissolved from them.
            var kelurahan = await client.GetFromJsonAsync<JsonElement>("/api/boundaries?level=kelurahan");
            var official = TestBoundaries.Read(Path.Combine(TestPaths.TanjungpinangCity, "kelurahan.geojson")).ToList();
            Assert.Equal(official.Select(f => (string)f.Attributes["code"]).Order(),
                kelurahan.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).Order());
            var kecamatan = await client.GetFromJsonAsync<JsonElement>("/api/boundaries?level=kecamatan");
            Assert.Equal(["21.72.01", "21.72.02", "21.72.03", "21.72.04"],
                kecamatan.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).Order());
            var page = await client.GetFromJsonAsync<JsonElement>("/api/complaints?limit=1000");
            Assert.Equal(1000, page.GetProperty("features").GetArrayLength());
            Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);

            var bugis = official.Single(f => (string)f.Attributes["code"] == "21.72.03.1005").Attributes;
            var filed = await client.PostAsync("/api/complaints", new StringContent(
                $$"""{"lat":{{bugis["centroid_lat"]}},"lon":{{bugis["centroid_lon"]}},"category":"genangan_air","description":"Air menggenang"}""",
                System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
            var receipt = await filed.Content.ReadFromJsonAsync<JsonElement>();
            ticket = receipt.GetProperty("ticket").GetString()!;
            Assert.Equal("21.72.03.1005", receipt.GetProperty("kelurahan").GetProperty("code").GetString());
            Assert.Matches(@"^UJR-\d{4}-\d{6}$", ticket);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login",
                new { email = "pupr.crew@ujar.local", password = DemoPassword })).StatusCode);

            await StopAsync(first);
        }
        Assert.False(File.Exists(Path.Combine(_dataDir, "pgdata", "postmaster.pid")), "the embedded PostgreSQL was left running");

        // The second start keeps the data and seeds nothing more.
        using (var second = StartServe(port))
        {
            await WaitForHealthAsync(client, second);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/complaints/{ticket}")).StatusCode);
            var newest = await client.GetFromJsonAsync<JsonElement>("/api/complaints?limit=1");
            Assert.Equal(ticket, newest.GetProperty("features")[0].GetProperty("properties").GetProperty("ticket").GetString());
            // A start over an existing city checks the demo accounts again (adding none here) and still signs them in.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login",
                new { email = "admin@ujar.local", password = DemoPassword })).StatusCode);
            await StopAsync(second);
        }
    }

    private Process StartServe(int port) =>
        Process.Start(UjarCli.StartInfo(new Dictionary<string, string?>
        {
            ["Ujar__EmbeddedDataDir"] = _dataDir,
            ["Ujar__GisData"] = TestPaths.GisData,
            ["ASPNETCORE_URLS"] = null,
            ["UJAR_DEMO_PASSWORD"] = DemoPassword,
        }, "serve", "--urls", $"http://127.0.0.1:{port}"))!;

    private static async Task<JsonElement> WaitForHealthAsync(HttpClient client, Process process)
    {
        // The first start imports the city's boundaries and plays six months of demo history: a minute on an idle
        // machine, several when the suite's other tests share its two cores.
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) Assert.Fail($"serve exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            try
            {
                var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return await response.Content.ReadFromJsonAsync<JsonElement>();
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("serve did not become healthy within 6 minutes");
    }

    /// <summary>SIGTERM, as systemd or Ctrl+C would stop it; the service must then stop its cluster and exit 0.</summary>
    private static async Task StopAsync(Process process)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
