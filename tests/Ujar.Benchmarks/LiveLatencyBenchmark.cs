using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Ujar.Api.Live;

namespace Ujar.Benchmarks;

/// <summary>
/// How long a live map waits for a complaint: one SignalR client watching the whole city on <c>/hubs/live</c>, and
/// probes filed one at a time through <c>POST /api/complaints</c>, each after the one before was answered and a pause.
/// Per probe: sending the request → its <c>complaint_filed</c> event at the client ("filed → received"), and the
/// <c>201</c> → the event (negative when the event overtook the answer). Optionally, <c>--load-users</c> file
/// complaints back to back meanwhile, so the probes also measure delivery under load. Times are the client's.
/// </summary>
public static class LiveLatencyBenchmark
{
    public sealed record Options(string Service, string Pins, int Probes, int GapMs, int LoadUsers);

    public static bool TryParse(string[] args, out Options? options, out string error)
    {
        options = null;
        string? service = null, pins = null;
        int probes = 200, gapMs = 100, loadUsers = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            var ok = args[i] switch
            {
                "--service" => (service = value) is not null,
                "--pins" => (pins = value) is not null,
                "--probes" => int.TryParse(value, out probes) && probes >= 1,
                "--gap-ms" => int.TryParse(value, out gapMs) && gapMs >= 0,
                "--load-users" => int.TryParse(value, out loadUsers) && loadUsers >= 0,
                _ => false,
            };
            if (!ok) { error = $"unknown option or bad value: {args[i]} {value}"; return false; }
        }
        if (args.Length % 2 != 0) { error = $"{args[^1]} needs a value"; return false; }
        if (service is null || pins is null) { error = "--service and --pins are required"; return false; }
        options = new Options(service.TrimEnd('/'), pins, probes, gapMs, loadUsers);
        error = "";
        return true;
    }

    public static async Task<int> RunAsync(Options options)
    {
        var pins = Pin.Read(options.Pins);
        var received = new ConcurrentDictionary<string, long>();
        await using var live = LiveClient.Build(options.Service);
        live.On<LiveEventDto>("event", e =>
        {
            if (e.Type == "complaint_filed") received.TryAdd(e.Ticket, Stopwatch.GetTimestamp());
        });
        await live.StartAsync();
        await live.InvokeAsync<WatchResult>("WatchArea", -180.0, -90.0, 180.0, 90.0);

        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(options.Service + "/") };
        using var stopLoad = new CancellationTokenSource();
        var next = 0;
        var load = Enumerable.Range(0, options.LoadUsers).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                var pin = pins[Interlocked.Increment(ref next) % pins.Length];
                try
                {
                    using var response = await http.PostAsync("api/complaints",
                        new StringContent(pin.ComplaintJson("Beban latar: sampah menumpuk di pinggir jalan"), Encoding.UTF8, "application/json"), stopLoad.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                }
            }
        })).ToList();

        var probes = new List<(string Ticket, long Sent, long Answered)>();
        var failed = 0;
        for (var i = 0; i < options.Probes; i++)
        {
            var pin = pins[(i * 7919) % pins.Length];
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("api/complaints",
                new StringContent(pin.ComplaintJson($"Sonde waktu tunda peta langsung nomor {i}"), Encoding.UTF8, "application/json"));
            var answered = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                failed++;
                continue;
            }
            var ticket = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("ticket").GetString()!;
            probes.Add((ticket, sent, answered));
            if (options.GapMs > 0) await Task.Delay(options.GapMs);
        }
        var waitUntil = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (probes.Any(p => !received.ContainsKey(p.Ticket)) && Stopwatch.GetTimestamp() < waitUntil) await Task.Delay(50);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var arrived = probes.Where(p => received.ContainsKey(p.Ticket)).ToList();
        var filedToReceived = arrived.Select(p => Ms(received[p.Ticket] - p.Sent)).Order().ToArray();
        var answerToReceived = arrived.Select(p => Ms(received[p.Ticket] - p.Answered)).Order().ToArray();
        var answers = probes.Select(p => Ms(p.Answered - p.Sent)).Order().ToArray();
        Console.WriteLine($"live.probes={probes.Count}");
        Console.WriteLine($"live.failed={failed}");
        Console.WriteLine($"live.missing={probes.Count - arrived.Count}");
        Print("live.filed_to_received", filedToReceived);
        Print("live.answer_to_received", answerToReceived);
        Print("live.answer", answers);
        return failed == 0 && arrived.Count == probes.Count ? 0 : 1;
    }

    private static void Print(string name, double[] sorted)
    {
        double P(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}.p50_ms={P(50):F2}\n{name}.p95_ms={P(95):F2}\n{name}.p99_ms={P(99):F2}\n{name}.max_ms={(sorted.Length == 0 ? double.NaN : sorted[^1]):F2}"));
    }
}

/// <summary>A SignalR client of <c>/hubs/live</c> over WebSockets, as the web map connects.</summary>
public static class LiveClient
{
    public static HubConnection Build(string service) => new HubConnectionBuilder()
        .WithUrl(service + "/hubs/live", o =>
        {
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        })
        .WithAutomaticReconnect(new ForeverRetry())
        .Build();

    /// <summary>Like the web client: never give up, at most 2 s between attempts (a fault test wants it back soon).</summary>
    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) => TimeSpan.FromSeconds(Math.Min(2, context.PreviousRetryCount));
    }
}
