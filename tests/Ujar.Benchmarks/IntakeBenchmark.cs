using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Ujar.Benchmarks;

/// <summary>
/// The three doors of the intake under the same load from the same client, one after the other against one running
/// service: <c>POST /api/complaints</c> (JSON), Open311 <c>POST /open311/v2/requests.json</c> (form, a channel key) and
/// signed WhatsApp webhooks. Every virtual user keeps one request in flight; a WhatsApp user plays whole conversations
/// (location → category → description → Lewati), each message sent after the previous one was acknowledged, from a new
/// number every time. The webhook is only acknowledged; the work (routing, filing, replies) follows in the service's
/// workers, so after the burst the benchmark waits until every conversation it completed is a complaint, and reports
/// that time too. Times are measured on the client (a request's whole round trip).
/// </summary>
public static class IntakeBenchmark
{
    public sealed record Options(string Service, string Connection, string Pins, string AppSecret, string ApiKey, double Seconds,
        double WarmupSeconds, int Users, TimeSpan DrainLimit);

    public static bool TryParse(string[] args, out Options? options, out string error)
    {
        options = null;
        string? service = null, connection = null, pins = null, secret = null, key = null;
        double seconds = 20, warmup = 3;
        int users = 32, drainMinutes = 10;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            var ok = args[i] switch
            {
                "--service" => (service = value) is not null,
                "--connection" => (connection = value) is not null,
                "--pins" => (pins = value) is not null,
                "--app-secret" => (secret = value) is not null,
                "--api-key" => (key = value) is not null,
                "--seconds" => double.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds > 0,
                "--warmup" => double.TryParse(value, CultureInfo.InvariantCulture, out warmup) && warmup >= 0,
                "--users" => int.TryParse(value, out users) && users is >= 1 and <= 1000,
                "--drain-minutes" => int.TryParse(value, out drainMinutes) && drainMinutes >= 1,
                _ => false,
            };
            if (!ok) { error = $"unknown option or bad value: {args[i]} {value}"; return false; }
        }
        if (args.Length % 2 != 0) { error = $"{args[^1]} needs a value"; return false; }
        if (service is null || connection is null || pins is null || secret is null || key is null)
        {
            error = "--service, --connection, --pins, --app-secret and --api-key are required";
            return false;
        }
        options = new Options(service.TrimEnd('/'), connection, pins, secret, key, seconds, warmup, users, TimeSpan.FromMinutes(drainMinutes));
        error = "";
        return true;
    }

    /// <summary>What one door did in one timed run.</summary>
    private sealed class Run
    {
        public readonly List<long> Ticks = [];
        public int Ok, Failed;
        public int Conversations;
        public string? FirstFailure;

        public void Add(Run other)
        {
            Ticks.AddRange(other.Ticks);
            Ok += other.Ok;
            Failed += other.Failed;
            Conversations += other.Conversations;
            FirstFailure ??= other.FirstFailure;
        }
    }

    public static async Task<int> RunAsync(Options options)
    {
        var pins = Pin.Read(options.Pins);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Users, UseCookies = false })
        {
            BaseAddress = new Uri(options.Service + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var doors = new (string Name, Func<HttpClient, Pin[], Options, int, Run, Task> User)[]
        {
            ("web", WebUserAsync),
            ("open311", Open311UserAsync),
            ("whatsapp", WhatsAppUserAsync),
        };
        foreach (var (name, user) in doors)
        {
            Console.WriteLine($"== {name}: {options.Users} users, {options.WarmupSeconds} s warm-up, {options.Seconds} s measured");
            if (options.WarmupSeconds > 0) await LoadAsync(http, pins, options, user, options.WarmupSeconds);
            if (name == "whatsapp") await WaitForWhatsAppAsync(options, TimeSpan.FromMinutes(5), null);
            var filedBefore = await CountAsync(options.Connection, name);
            var started = Stopwatch.GetTimestamp();
            var run = await LoadAsync(http, pins, options, user, options.Seconds);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Report(name, run, elapsed);
            if (name == "whatsapp")
            {
                // The webhooks were answered; how long until every completed conversation is a complaint?
                var expected = filedBefore + run.Conversations;
                var drained = await WaitForWhatsAppAsync(options, options.DrainLimit, expected);
                var filed = await CountAsync(options.Connection, name) - filedBefore;
                var total = Stopwatch.GetElapsedTime(started);
                Console.WriteLine($"whatsapp.conversations={run.Conversations}");
                Console.WriteLine($"whatsapp.filed={filed}");
                Console.WriteLine($"whatsapp.drain_ms={(total - elapsed).TotalMilliseconds:F0}");
                Console.WriteLine($"whatsapp.filed_per_s={filed / total.TotalSeconds:F1}");
                Console.WriteLine($"whatsapp.drained={(drained ? 1 : 0)}");
            }
            else
            {
                Console.WriteLine($"{name}.rows={await CountAsync(options.Connection, name) - filedBefore}");
            }
        }
        return 0;
    }

    private static async Task<Run> LoadAsync(HttpClient http, Pin[] pins, Options options, Func<HttpClient, Pin[], Options, int, Run, Task> user,
        double seconds)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var runs = Enumerable.Range(0, options.Users).Select(_ => new Run()).ToArray();
        await Task.WhenAll(runs.Select((run, index) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await user(http, pins, options, index, run);
        })));
        var total = new Run();
        foreach (var run in runs) total.Add(run);
        return total;
    }

    private static int _sequence;

    private static Pin NextPin(Pin[] pins) => pins[(Interlocked.Increment(ref _sequence) & int.MaxValue) % pins.Length];

    private static async Task WebUserAsync(HttpClient http, Pin[] pins, Options options, int user, Run run)
    {
        var pin = NextPin(pins);
        var body = pin.ComplaintJson($"Jalan berlubang di depan rumah nomor {_sequence}, mohon segera diperbaiki");
        await TimeAsync(run, () => http.PostAsync("api/complaints", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.Created);
    }

    private static async Task Open311UserAsync(HttpClient http, Pin[] pins, Options options, int user, Run run)
    {
        var pin = NextPin(pins);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = options.ApiKey, ["service_code"] = pin.Category, ["lat"] = Pin.F(pin.Lat), ["long"] = Pin.F(pin.Lon),
            ["description"] = $"Jalan berlubang di depan rumah nomor {_sequence}, mohon segera diperbaiki",
        });
        await TimeAsync(run, () => http.PostAsync("open311/v2/requests.json", form), HttpStatusCode.OK, HttpStatusCode.Created);
    }

    private static long _numbers;

    /// <summary>One whole conversation from a new number: four webhooks, each sent once the one before was answered.</summary>
    private static async Task WhatsAppUserAsync(HttpClient http, Pin[] pins, Options options, int user, Run run)
    {
        var pin = NextPin(pins);
        var from = $"62899{Interlocked.Increment(ref _numbers) + 10_000_000L * (Environment.ProcessId % 100):D9}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        object[] messages =
        [
            new { from, id = $"wamid.bench.{from}.1", timestamp = $"{now}", type = "location", location = new { latitude = pin.Lat, longitude = pin.Lon } },
            new { from, id = $"wamid.bench.{from}.2", timestamp = $"{now + 1}", type = "interactive",
                interactive = new { type = "list_reply", list_reply = new { id = pin.Category, title = pin.Category } } },
            new { from, id = $"wamid.bench.{from}.3", timestamp = $"{now + 2}", type = "text",
                text = new { body = "Jalan berlubang besar di depan rumah, mohon segera diperbaiki" } },
            new { from, id = $"wamid.bench.{from}.4", timestamp = $"{now + 3}", type = "interactive",
                interactive = new { type = "button_reply", button_reply = new { id = "skip", title = "Lewati" } } },
        ];
        foreach (var message in messages)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                @object = "whatsapp_business_account",
                entry = new[]
                {
                    new
                    {
                        id = "bench-waba",
                        changes = new[]
                        {
                            new
                            {
                                field = "messages",
                                value = new
                                {
                                    messaging_product = "whatsapp",
                                    metadata = new { display_phone_number = "628000000000", phone_number_id = "bench-phone" },
                                    contacts = new[] { new { profile = new { name = "Warga Uji" }, wa_id = from } },
                                    messages = new[] { message },
                                },
                            },
                        },
                    },
                },
            });
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.AppSecret), body));
            if (!await TimeAsync(run, () =>
                {
                    var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = content };
                    request.Headers.Add("X-Hub-Signature-256", signature);
                    return http.SendAsync(request);
                }, HttpStatusCode.OK))
                return;
        }
        run.Conversations++;
    }

    private static async Task<bool> TimeAsync(Run run, Func<Task<HttpResponseMessage>> send, params HttpStatusCode[] expected)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            run.Ticks.Add(Stopwatch.GetTimestamp() - started);
            if (expected.Contains(response.StatusCode))
            {
                run.Ok++;
                return true;
            }
            run.Failed++;
            run.FirstFailure ??= $"{(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            run.Failed++;
            run.FirstFailure ??= ex.Message;
        }
        return false;
    }

    private static void Report(string door, Run run, TimeSpan elapsed)
    {
        var ms = run.Ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        double Percentile(double p) => ms.Length == 0 ? double.NaN : ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(p / 100 * ms.Length) - 1)];
        Console.WriteLine($"{door}.requests={run.Ok + run.Failed}");
        Console.WriteLine($"{door}.ok={run.Ok}");
        Console.WriteLine($"{door}.failed={run.Failed}");
        Console.WriteLine($"{door}.rps={run.Ok / elapsed.TotalSeconds:F1}");
        Console.WriteLine($"{door}.p50_ms={Percentile(50):F2}");
        Console.WriteLine($"{door}.p99_ms={Percentile(99):F2}");
        Console.WriteLine($"{door}.max_ms={(ms.Length == 0 ? double.NaN : ms[^1]):F2}");
        if (run.FirstFailure is { } failure) Console.Error.WriteLine($"{door}: first failure: {failure}");
    }

    private static async Task<long> CountAsync(string connection, string door)
    {
        var channel = door switch { "web" => "Web", "open311" => "Open311", _ => "WhatsApp" };
        await using var data = new NpgsqlDataSourceBuilder(connection).Build();
        await using var command = data.CreateCommand("SELECT count(*) FROM complaints WHERE channel = $1");
        command.Parameters.AddWithValue(channel);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until <paramref name="expected"/> WhatsApp complaints exist (or, without it, until the count stops
    /// moving for two seconds); false when <paramref name="limit"/> passed first.</summary>
    private static async Task<bool> WaitForWhatsAppAsync(Options options, TimeSpan limit, long? expected)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var last = -1L;
        var still = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var count = await CountAsync(options.Connection, "whatsapp");
            if (expected is { } wanted ? count >= wanted : (count == last && ++still >= 20)) return true;
            if (count != last) still = 0;
            last = count;
            await Task.Delay(100);
        }
        return false;
    }
}
