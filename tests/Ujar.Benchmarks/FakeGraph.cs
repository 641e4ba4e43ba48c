using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ujar.Benchmarks;

/// <summary>
/// <c>fake-graph --port P</c>: stands in for Meta's Graph API while tests/intake-bench.sh runs (the benchmark machine
/// cannot reach Meta, and Meta's latency is not ours to measure). It accepts every message send at once and answers as
/// the Cloud API does, with a new message id; it keeps a count, served at <c>GET /count</c>.
/// </summary>
public static class FakeGraph
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var sent = 0L;
        app.MapPost("/{phoneNumberId}/messages", () =>
            TypedResults.Json(new { messaging_product = "whatsapp", messages = new[] { new { id = $"wamid.fake.{Interlocked.Increment(ref sent)}" } } }));
        app.MapGet("/count", () => TypedResults.Ok(Interlocked.Read(ref sent)));
        await app.RunAsync();
        return 0;
    }
}
