using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.SignalR.Client;
using Ujar.Api.Live;

namespace Ujar.Benchmarks;

/// <summary>
/// A live-map client for the fault tests (tests/faults.sh), doing what <c>web/src/live.js</c> does: watch the whole city
/// on <c>/hubs/live</c>, reconnect forever, and catch up from <c>GET /api/events?after=</c> after each reconnect and every
/// <c>--catch-up-seconds</c> while connected. The catch-up starts where the last one ended (pushes do not move it: a push
/// that failed leaves a hole below later ones). Each event is one line of <c>--out</c> the first
/// time it is seen: <c>seq ticket live|catch-up epoch_ms</c>. Runs until SIGTERM/SIGINT.
/// </summary>
public static class LiveWatch
{
    public sealed record Options(string Service, string Out, double CatchUpSeconds);

    public static bool TryParse(string[] args, out Options? options, out string error)
    {
        options = null;
        string? service = null, output = null;
        double catchUp = 30;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            var ok = args[i] switch
            {
                "--service" => (service = value) is not null,
                "--out" => (output = value) is not null,
                "--catch-up-seconds" => double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out catchUp) && catchUp > 0,
                _ => false,
            };
            if (!ok) { error = $"unknown option or bad value: {args[i]} {value}"; return false; }
        }
        if (args.Length % 2 != 0) { error = $"{args[^1]} needs a value"; return false; }
        if (service is null || output is null) { error = "--service and --out are required"; return false; }
        options = new Options(service.TrimEnd('/'), output, catchUp);
        error = "";
        return true;
    }

    private sealed record EventPage(List<LiveEventDto> Events, long LastSeq);

    public static async Task<int> RunAsync(Options options)
    {
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        await using var output = new StreamWriter(options.Out, append: false) { AutoFlush = true };
        using var http = new HttpClient { BaseAddress = new Uri(options.Service + "/") };
        var seen = new HashSet<long>();
        var gate = new SemaphoreSlim(1, 1);
        long caughtUpTo = 0;
        int live = 0, caughtUp = 0;

        async Task RecordAsync(LiveEventDto e, string via)
        {
            await gate.WaitAsync();
            try
            {
                if (!seen.Add(e.Seq)) return;
                if (via == "live") live++; else caughtUp++;
                await output.WriteLineAsync($"{e.Seq} {e.Ticket} {via} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
            }
            finally
            {
                gate.Release();
            }
        }

        async Task CatchUpAsync()
        {
            try
            {
                while (true)
                {
                    var page = (await http.GetFromJsonAsync<EventPage>($"api/events?after={Interlocked.Read(ref caughtUpTo)}&limit=2000", stop.Token))!;
                    foreach (var e in page.Events) await RecordAsync(e, "catch-up");
                    Interlocked.Exchange(ref caughtUpTo, page.LastSeq);
                    if (page.Events.Count < 2000) return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"live-watch: catch-up failed: {ex.Message}");
            }
        }

        async Task WatchAsync(HubConnection connection)
        {
            try
            {
                var watch = await connection.InvokeAsync<WatchResult>("WatchArea", -180.0, -90.0, 180.0, 90.0, stop.Token);
                if (Interlocked.Read(ref caughtUpTo) == 0) Interlocked.Exchange(ref caughtUpTo, watch.LastSeq);
                else await CatchUpAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"live-watch: watching failed: {ex.Message}");
            }
        }

        await using var connection = LiveClient.Build(options.Service);
        connection.On<LiveEventDto>("event", e => RecordAsync(e, "live"));
        connection.Reconnected += _ => WatchAsync(connection);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await connection.StartAsync(stop.Token);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Task.Delay(1000, stop.Token);
            }
        }
        await WatchAsync(connection);
        Console.Error.WriteLine("live-watch: watching");
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.CatchUpSeconds), stop.Token);
                if (connection.State == HubConnectionState.Connected) await CatchUpAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
        Console.WriteLine($"watch.live={live}");
        Console.WriteLine($"watch.catch_up={caughtUp}");
        return 0;
    }
}
