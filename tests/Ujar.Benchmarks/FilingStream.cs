using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Ujar.Benchmarks;

/// <summary>
/// A steady stream of filings for the fault tests (tests/faults.sh): <c>--users</c> clients, each with one request in
/// flight, at most <c>--rate</c> requests a second in all (0: as fast as answered), until <c>--seconds</c> pass or the
/// process gets SIGTERM/SIGINT. Every answer is one line of <c>--out</c>, written as it comes (so a service killed
/// meanwhile loses nothing of it): <c>epoch_ms status latency_ms ticket|code</c>, the status <c>0</c> for no answer
/// (refused, reset, or over <c>--timeout-seconds</c>: the last word is then <c>timeout</c> or <c>error</c>); a user waits
/// 100 ms after such an answer or a 503 before its next request. Descriptions
/// start with <c>--marker</c> so the script can count the run's rows. Totals end the output as <c>stream.*=</c> lines.
/// </summary>
public static class FilingStream
{
    public sealed record Options(string Service, string Pins, string Out, int Users, double Rate, double Seconds, double TimeoutSeconds, string Marker);

    public static bool TryParse(string[] args, out Options? options, out string error)
    {
        options = null;
        string? service = null, pins = null, output = null;
        var marker = "file-stream";
        int users = 4;
        double rate = 0, seconds = 0, timeout = 10;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            var ok = args[i] switch
            {
                "--service" => (service = value) is not null,
                "--pins" => (pins = value) is not null,
                "--out" => (output = value) is not null,
                "--marker" => (marker = value).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
                "--users" => int.TryParse(value, out users) && users is >= 1 and <= 1000,
                "--rate" => double.TryParse(value, CultureInfo.InvariantCulture, out rate) && rate >= 0,
                "--seconds" => double.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds >= 0,
                "--timeout-seconds" => double.TryParse(value, CultureInfo.InvariantCulture, out timeout) && timeout > 0,
                _ => false,
            };
            if (!ok) { error = $"unknown option or bad value: {args[i]} {value}"; return false; }
        }
        if (args.Length % 2 != 0) { error = $"{args[^1]} needs a value"; return false; }
        if (service is null || pins is null || output is null) { error = "--service, --pins and --out are required"; return false; }
        options = new Options(service.TrimEnd('/'), pins, output, users, rate, seconds, timeout, marker);
        error = "";
        return true;
    }

    public static async Task<int> RunAsync(Options options)
    {
        var pins = Pin.Read(options.Pins);
        using var stop = options.Seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds)) : new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        await using var output = new StreamWriter(options.Out, append: false) { AutoFlush = true };
        var writeLock = new Lock();
        // A new connection per refused attempt would be fine too; pooled ones are what a browser behind a proxy looks like.
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = options.Users })
        {
            BaseAddress = new Uri(options.Service + "/"),
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
        };

        var counts = new Dictionary<string, int>();
        var maxMs = 0.0;
        long sequence = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Users).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sequence);
                if (options.Rate > 0)
                {
                    // Request n is due n / rate seconds after the start, whoever sends it.
                    var due = started + (long)(n / options.Rate * Stopwatch.Frequency);
                    var wait = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                    if (wait > 0)
                    {
                        try { await Task.Delay(TimeSpan.FromMilliseconds(wait), stop.Token); }
                        catch (OperationCanceledException) { return; }
                    }
                }
                var pin = pins[(int)(n % pins.Length)];
                var sent = Stopwatch.GetTimestamp();
                string status, detail;
                try
                {
                    using var response = await http.PostAsync("api/complaints",
                        new StringContent(pin.ComplaintJson($"{options.Marker} nomor {n}: sampah menumpuk"), Encoding.UTF8, "application/json"));
                    var body = await response.Content.ReadAsStringAsync();
                    status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    detail = Detail(response.StatusCode, body);
                }
                catch (TaskCanceledException)
                {
                    (status, detail) = ("0", "timeout");
                }
                catch (HttpRequestException)
                {
                    (status, detail) = ("0", "error");
                }
                var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                lock (writeLock)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {status} {ms:F1} {detail}"));
                    var key = status == "0" ? detail : status;
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                    maxMs = Math.Max(maxMs, ms);
                }
                // As a browser's retry would: no tight loop against a service that is not there.
                if (status is "0" or "503") await Task.Delay(100, CancellationToken.None);
            }
        })));

        Console.WriteLine($"stream.requests={counts.Values.Sum()}");
        foreach (var (key, count) in counts.OrderBy(c => c.Key)) Console.WriteLine($"stream.{key}={count}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream.max_ms={maxMs:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream.seconds={Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
        return 0;
    }

    /// <summary>The ticket of a 201, else the problem's <c>code</c> (or <c>-</c>): one word for the line.</summary>
    private static string Detail(HttpStatusCode status, string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            var word = status == HttpStatusCode.Created ? root.GetProperty("ticket").GetString()
                : root.TryGetProperty("code", out var code) ? code.GetString() : null;
            return string.IsNullOrWhiteSpace(word) ? "-" : word;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "not-json";
        }
    }
}
