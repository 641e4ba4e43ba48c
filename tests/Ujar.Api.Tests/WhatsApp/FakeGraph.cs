using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ujar.Api.Tests.WhatsApp;

/// <summary>
/// A real HTTP server standing in for Meta's Graph API: Kestrel on 127.0.0.1 with a free port, in the test process. It
/// records every request, serves media metadata and bytes, accepts message sends (answering with
/// <c>{"messages":[{"id":"wamid.out.{to}.{n}"}]}</c>, so a test knows the id of the n-th message to a number beforehand),
/// and can be told to fail: a status code, or no answer at all, per recipient or per media id.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string Version = "v21.0";
    /// <summary>A "failure" that answers nothing until the client has given up.</summary>
    public const int NoAnswer = 0;

    public sealed record Request(string Method, string Path, string? Authorization, string Body);
    public sealed record Accepted(string To, string MessageId, JsonObject Message);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly ConcurrentQueue<Accepted> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _sentTo = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _sendFailures = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _mediaFailures = new();
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string? Url, long? AnnouncedSize)> _media = new();

    private FakeGraph(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:{port}</summary>
    public string Origin { get; private set; } = "";
    public string BaseUrl => $"{Origin}/{Version}";
    public TimeSpan NoAnswerFor { get; set; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<Request> Requests => _requests.ToArray();
    public IReadOnlyList<Accepted> AcceptedMessages => _accepted.ToArray();

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var graph = new FakeGraph(app);
        graph.Map(app);
        await app.StartAsync();
        graph.Origin = app.Urls.Single();
        return graph;
    }

    /// <summary>A photo under <paramref name="mediaId"/>; <paramref name="url"/> replaces the download address the metadata
    /// gives, <paramref name="announcedSize"/> the <c>file_size</c> it announces.</summary>
    public void AddMedia(string mediaId, byte[] bytes, string? url = null, long? announcedSize = null) => _media[mediaId] = (bytes, url, announcedSize);

    /// <summary>The next sends to <paramref name="to"/> answer these statuses (or <see cref="NoAnswer"/>), in order.</summary>
    public void FailSendsTo(string to, params int[] statuses) => Enqueue(_sendFailures, to, statuses);

    /// <summary>The next metadata requests for <paramref name="mediaId"/> answer these statuses, in order.</summary>
    public void FailMedia(string mediaId, params int[] statuses) => Enqueue(_mediaFailures, mediaId, statuses);

    public IReadOnlyList<Accepted> AcceptedTo(string to) => _accepted.Where(a => a.To == to).ToList();

    public IReadOnlyList<Request> SendsTo(string to) =>
        _requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/messages") && JsonNode.Parse(r.Body)?["to"]?.GetValue<string>() == to).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages to <paramref name="to"/> were accepted; returns them all.</summary>
    public async Task<IReadOnlyList<Accepted>> WaitForAsync(string to, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var got = AcceptedTo(to);
            if (got.Count >= count) return got;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{got.Count} of {count} messages to {to} arrived:\n{string.Join("\n", got.Select(a => Readable(a.Message)))}");
            await Task.Delay(50);
        }
    }

    /// <summary>The text a person reads in a message (a text's body, or an interactive message's body).</summary>
    public static string Readable(JsonObject message) =>
        message["text"]?["body"]?.GetValue<string>() ?? message["interactive"]?["body"]?["text"]?.GetValue<string>() ?? message.ToJsonString();

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
            context.Request.Body.Position = 0;
            _requests.Enqueue(new Request(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString(), body));
            await next();
        });

        app.MapPost($"/{Version}/{{phoneNumberId}}/messages", async (HttpContext context) =>
        {
            var message = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var to = message["to"]!.GetValue<string>();
            if (await FailureAsync(_sendFailures, to, context) is { } failure) return failure;
            var n = _sentTo.AddOrUpdate(to, 1, (_, k) => k + 1);
            var id = $"wamid.out.{to}.{n}";
            _accepted.Enqueue(new Accepted(to, id, message));
            return Results.Json(new { messaging_product = "whatsapp", contacts = new[] { new { input = to, wa_id = to } }, messages = new[] { new { id } } });
        });

        app.MapGet($"/{Version}/{{mediaId}}", async (string mediaId, HttpContext context) =>
        {
            if (await FailureAsync(_mediaFailures, mediaId, context) is { } failure) return failure;
            if (!_media.TryGetValue(mediaId, out var media)) return Results.Json(new { error = new { message = "Unknown media", code = 100 } }, statusCode: 400);
            return Results.Json(new
            {
                messaging_product = "whatsapp",
                url = media.Url ?? $"{Origin}/media/{mediaId}",
                mime_type = "image/jpeg",
                sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(media.Bytes)),
                file_size = media.AnnouncedSize ?? media.Bytes.Length,
                id = mediaId,
            });
        });

        app.MapGet("/media/{mediaId}", (string mediaId) =>
            _media.TryGetValue(mediaId, out var media) ? Results.Bytes(media.Bytes, "image/jpeg") : Results.NotFound());
    }

    private async Task<IResult?> FailureAsync(ConcurrentDictionary<string, ConcurrentQueue<int>> failures, string key, HttpContext context)
    {
        if (!failures.TryGetValue(key, out var queue) || !queue.TryDequeue(out var status)) return null;
        if (status != NoAnswer)
            return Results.Json(new { error = new { message = $"fake failure {status}", code = status } }, statusCode: status);
        try
        {
            await Task.Delay(NoAnswerFor, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
        return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
    }

    private static void Enqueue(ConcurrentDictionary<string, ConcurrentQueue<int>> failures, string key, int[] statuses)
    {
        var queue = failures.GetOrAdd(key, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses) queue.Enqueue(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
