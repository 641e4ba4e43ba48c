using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

/// <summary>PostgreSQL away (stopped, restarting, unreachable): the service says "try again shortly", at once.</summary>
public sealed class DatabaseAwayTests
{
    [Fact]
    public async Task Requests_that_need_the_database_answer_503_problem_details_at_once_never_500()
    {
        // A port nothing listens on: every connection attempt is refused, as while PostgreSQL restarts.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var app = new UjarApp($"Host=127.0.0.1;Port={port};Username=ujar;Database=ujar");
        var client = app.CreateClient();

        foreach (var url in new[] { "/api/complaints?bbox=100,0,100.1,0.1", "/api/events?after=0", "/api/complaints/UJR-2026-000001", "/api/categories" })
        {
            var took = Stopwatch.StartNew();
            var response = await client.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{url}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("service_unavailable", (await response.ReadJsonAsync()).GetProperty("code").GetString());
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(took.Elapsed < TimeSpan.FromSeconds(5), $"{url} took {took.Elapsed}");
        }
    }
}
