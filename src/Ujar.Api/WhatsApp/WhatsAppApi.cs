using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ujar.Api.Data;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// The WhatsApp Business Cloud API webhook. The POST only checks Meta's signature, reads the body and stores its
/// messages in the inbox (one transaction), then answers 200: the conversation, photo downloads, filing and replies
/// happen afterwards in <see cref="WhatsAppInboxWorker"/> and <see cref="WhatsAppOutboxSender"/>, so a slow Graph API
/// never makes Meta time out and re-deliver.
/// </summary>
public static class WhatsAppApi
{
    /// <summary>Options (<c>Ujar:WhatsApp</c>, checked at start), the Graph API client, and the three workers: inbox,
    /// outbox and the status follower.</summary>
    public static IServiceCollection AddWhatsApp(this IServiceCollection services)
    {
        services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section)
            .Validate(WhatsAppOptions.GraphBaseUrlIsValid, "Ujar:WhatsApp:GraphBaseUrl must be an absolute http(s) address without a query")
            .Validate(WhatsAppOptions.MediaHostsAreValid, "Ujar:WhatsApp:MediaHosts must be host names")
            .Validate(WhatsAppOptions.TimingIsValid,
                "Ujar:WhatsApp: PollSeconds, RetrySeconds, GraphTimeoutSeconds and CleanupMinutes must be positive, MaxRetrySeconds at least RetrySeconds")
            .Validate(WhatsAppOptions.AttemptsAreValid, "Ujar:WhatsApp: MediaAttempts ≥ 1, InboxAttempts > MediaAttempts, OutboxAttempts ≥ 1")
            .Validate(WhatsAppOptions.WorkersAreValid, "Ujar:WhatsApp:Workers must be between 1 and 64")
            .ValidateOnStart();
        services.AddHttpClient<GraphApi>((sp, http) =>
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value.GraphTimeoutSeconds))
            // A redirect could lead a photo download (and its bearer token) to a host GraphApi did not check.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The client's own request logging would write every URL: a photo's signed download address, and media ids.
            .RemoveAllLoggers();
        services.AddSingleton<WhatsAppConversations>();
        services.AddSingleton<WhatsAppOutboxSender>();
        services.AddHostedService(sp => sp.GetRequiredService<WhatsAppOutboxSender>());
        services.AddSingleton<WhatsAppInboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WhatsAppInboxWorker>());
        services.AddHostedService<WhatsAppStatusFollower>();
        return services;
    }

    public static IEndpointRouteBuilder MapWhatsApp(this IEndpointRouteBuilder app)
    {
        app.MapGet("/webhooks/whatsapp", Verify).WithTags("WhatsApp")
            .WithSummary("Meta's verification handshake: hub.challenge back when hub.verify_token is ours")
            .Produces<string>(StatusCodes.Status200OK, "text/plain").ProducesProblem(403);
        app.MapPost("/webhooks/whatsapp", Receive).WithTags("WhatsApp")
            // No Accepts(...): a body of another content type must meet the signature check too, not a 415 before it.
            .WithSummary("Messages and delivery callbacks (JSON), signed with X-Hub-Signature-256")
            .Produces(StatusCodes.Status200OK).ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(503);
        return app;
    }

    /// <summary>Meta's challenge is a number; anything much longer is not Meta's and is not echoed.</summary>
    private const int MaxChallengeLength = 100;

    private static IResult Verify(HttpRequest request, IOptions<WhatsAppOptions> options)
    {
        var query = request.Query;
        string? challenge = query["hub.challenge"];
        if (query["hub.mode"] == "subscribe" && WhatsAppWebhook.IsVerifyToken(query["hub.verify_token"], options.Value.VerifyToken)
            && challenge is { Length: > 0 and <= MaxChallengeLength })
            return TypedResults.Text(challenge, "text/plain", Encoding.UTF8);
        return Problems.Result(Problems.Create(StatusCodes.Status403Forbidden, "webhook_verification_failed",
            new Bilingual("Verifikasi webhook gagal", "Webhook verification failed"),
            new Bilingual("hub.mode harus subscribe dan hub.verify_token harus sama dengan token yang dikonfigurasi.",
                "hub.mode must be subscribe and hub.verify_token must match the configured token.")));
    }

    private static async Task<IResult> Receive(HttpRequest request, IOptions<WhatsAppOptions> options, IDbContextFactory<UjarDb> dbFactory,
        WhatsAppInboxWorker inbox, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppApi));
        var secret = options.Value.AppSecret;
        var signature = request.Headers[WhatsAppWebhook.SignatureHeader].ToString();
        // Without a secret nothing can be told apart from a forgery, so nothing is taken.
        if (string.IsNullOrEmpty(secret) || signature.Length == 0) return BadSignature(logger, secret is { Length: > 0 });

        if (request.ContentLength > WhatsAppWebhook.MaxBodyBytes) return Problems.TooLarge(WhatsAppWebhook.MaxBodyBytes);
        var body = await BodyReader.ReadAtMostAsync(request, WhatsAppWebhook.MaxBodyBytes, ct);
        if (body is null) return Problems.TooLarge(WhatsAppWebhook.MaxBodyBytes);
        if (!WhatsAppWebhook.HasValidSignature(body, signature, secret)) return BadSignature(logger, configured: true);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        (WhatsAppWebhook.ParseOutcome Outcome, int NewMessages) received;
        try
        {
            received = await WhatsAppInbox.ReceiveAsync(db, body, clock.GetUtcNow().UtcDateTime, isDemo: false, ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or DbUpdateException or TimeoutException or InvalidOperationException
                                   && !ClientFaults.IsNulRefusal(ex))
        {
            // Not stored: Meta delivers it again later.
            logger.LogError(ex, "WhatsApp webhook not stored");
            return Problems.ServiceUnavailable();
        }
        switch (received.Outcome)
        {
            case WhatsAppWebhook.NotJson notJson:
                logger.LogWarning("WhatsApp webhook with a valid signature is not JSON: {Reason}", notJson.Reason);
                return Problems.MalformedJson(notJson.Reason);
            case WhatsAppWebhook.Unexpected unexpected:
                logger.LogWarning("WhatsApp webhook with a valid signature has an unexpected shape: {Reason}", unexpected.Reason);
                return Problems.Result(Problems.Create(StatusCodes.Status400BadRequest, "unexpected_webhook",
                    new Bilingual("Isi webhook tidak dikenali", "Unrecognised webhook body"),
                    new Bilingual($"Bentuknya bukan webhook WhatsApp: {unexpected.Reason}.", $"It is not shaped like a WhatsApp webhook: {unexpected.Reason}.")));
        }
        if (received.NewMessages > 0) inbox.Wake();
        return TypedResults.Ok();
    }

    private static IResult BadSignature(ILogger logger, bool configured)
    {
        if (configured) logger.LogWarning("WhatsApp webhook refused: missing or wrong {Header}", WhatsAppWebhook.SignatureHeader);
        else logger.LogWarning("WhatsApp webhook refused: Ujar:WhatsApp:AppSecret is not configured");
        return Problems.Result(Problems.Create(StatusCodes.Status401Unauthorized, "invalid_signature",
            new Bilingual("Tanda tangan webhook tidak valid", "Invalid webhook signature"),
            new Bilingual($"{WhatsAppWebhook.SignatureHeader} harus berisi sha256= dan HMAC-SHA256 isi permintaan dengan app secret.",
                $"{WhatsAppWebhook.SignatureHeader} must hold sha256= and the HMAC-SHA256 of the request body under the app secret.")));
    }
}
