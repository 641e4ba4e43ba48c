namespace Ujar.Api.WhatsApp;

/// <summary>
/// <c>Ujar:WhatsApp</c>, checked at start. The secrets (<see cref="AccessToken"/>, <see cref="AppSecret"/>,
/// <see cref="VerifyToken"/>) come from the environment (<c>Ujar__WhatsApp__AppSecret</c> …) and are never logged.
/// Everything is optional: without an app secret the webhook refuses every POST, without an access token and phone
/// number id the bot's replies are only logged.
/// </summary>
public sealed class WhatsAppOptions
{
    public const string Section = "Ujar:WhatsApp";
    public const string DefaultGraphBaseUrl = "https://graph.facebook.com/v21.0";
    public static readonly IReadOnlyList<string> DefaultMediaHosts = ["lookaside.fbsbx.com"];

    /// <summary>A conversation nobody continued for this long is dropped: it holds an unfinished report's location.</summary>
    public static readonly TimeSpan ConversationLifetime = TimeSpan.FromHours(24);

    /// <summary>Meta re-delivers a webhook it got no 200 for during up to 7 days; a processed message is kept that long
    /// (its id answers the re-delivery) and then deleted with the text and position it carried.</summary>
    public static readonly TimeSpan ProcessedMessageRetention = TimeSpan.FromDays(7);

    public string GraphBaseUrl { get; set; } = DefaultGraphBaseUrl;
    public string? AccessToken { get; set; }
    public string? PhoneNumberId { get; set; }
    public string? AppSecret { get; set; }
    public string? VerifyToken { get; set; }

    /// <summary>Hosts photos may be downloaded from besides the Graph host itself (https only). Null means
    /// <see cref="DefaultMediaHosts"/>: binding appends to an array default instead of replacing it.</summary>
    public string[]? MediaHosts { get; set; }

    /// <summary>How many messages, and how many replies, one instance works on at once. Each sender's messages (and each
    /// recipient's replies) still go one at a time and in order; the rest is what lets a burst after heavy rain drain
    /// while one message waits for its commit or for the Graph API.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>How often the workers look for work another instance queued (their own instance wakes them at once).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>The first retry's delay; each further attempt waits twice as long, up to <see cref="MaxRetrySeconds"/>.</summary>
    public double RetrySeconds { get; set; } = 2;
    public double MaxRetrySeconds { get; set; } = 600;

    /// <summary>Attempts at processing one incoming message before it is given up (recorded, logged, the person told).</summary>
    public int InboxAttempts { get; set; } = 12;

    /// <summary>Attempts at downloading a photo; after the last one the complaint is filed without it.</summary>
    public int MediaAttempts { get; set; } = 5;

    /// <summary>Attempts at sending one reply on network errors, 429 and 5xx.</summary>
    public int OutboxAttempts { get; set; } = 10;

    public double GraphTimeoutSeconds { get; set; } = 30;

    /// <summary>How often stale conversations and old processed messages are deleted.</summary>
    public double CleanupMinutes { get; set; } = 10;

    public bool CanSend => !string.IsNullOrWhiteSpace(AccessToken) && !string.IsNullOrWhiteSpace(PhoneNumberId);

    public IReadOnlyList<string> MediaHostsOrDefault => MediaHosts is { Length: > 0 } hosts ? hosts : DefaultMediaHosts;

    public Uri GraphBase => new(GraphBaseUrl.TrimEnd('/') + "/");

    /// <summary>The wait before attempt <paramref name="attemptsMade"/> + 1.</summary>
    public TimeSpan Backoff(int attemptsMade) =>
        TimeSpan.FromSeconds(Math.Min(MaxRetrySeconds, RetrySeconds * Math.Pow(2, Math.Max(0, attemptsMade - 1))));

    public static bool GraphBaseUrlIsValid(WhatsAppOptions o) =>
        Uri.TryCreate(o.GraphBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0;

    public static bool MediaHostsAreValid(WhatsAppOptions o) =>
        o.MediaHostsOrDefault.All(h => Uri.CheckHostName(h) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6);

    public static bool TimingIsValid(WhatsAppOptions o) =>
        o.PollSeconds > 0 && o.RetrySeconds > 0 && o.MaxRetrySeconds >= o.RetrySeconds && o.GraphTimeoutSeconds > 0 && o.CleanupMinutes > 0;

    /// <summary>The photo gets its attempts before the message runs out of its own.</summary>
    public static bool AttemptsAreValid(WhatsAppOptions o) =>
        o.MediaAttempts >= 1 && o.InboxAttempts > o.MediaAttempts && o.OutboxAttempts >= 1;

    public static bool WorkersAreValid(WhatsAppOptions o) => o.Workers is >= 1 and <= 64;
}
