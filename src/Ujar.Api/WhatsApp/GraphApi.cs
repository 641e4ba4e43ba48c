using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ujar.Api.Photos;
using Ujar.Api.Setup;

namespace Ujar.Api.WhatsApp;

/// <summary>
/// The WhatsApp Business Cloud API (Meta's Graph API): sending a message and downloading a photo a person sent. Its
/// handler follows no redirects, and photos are fetched only from the Graph host itself or the configured media hosts
/// over https, so a media URL can never make this service call anything else (nor carry the access token there).
/// </summary>
public sealed class GraphApi(HttpClient http, IOptions<WhatsAppOptions> options)
{
    public abstract record SendOutcome;
    /// <summary>Accepted; <paramref name="MessageId"/> is the id the delivery callbacks will name.</summary>
    public sealed record Sent(string MessageId) : SendOutcome;
    /// <summary>Worth another try: no answer, a network error, 429 or 5xx.</summary>
    public sealed record TryAgain(string Error) : SendOutcome;
    /// <summary>Refused for good (another 4xx): trying again would be refused again.</summary>
    public sealed record Refused(string Error) : SendOutcome;

    public abstract record MediaOutcome;
    public sealed record Downloaded(byte[] Bytes) : MediaOutcome;
    /// <summary>Over <see cref="PhotoStore.MaxUploadBytes"/> by its announced size or by what arrived (reading stopped there).</summary>
    public sealed record TooLarge : MediaOutcome;
    public sealed record DownloadFailed(string Error) : MediaOutcome;

    private WhatsAppOptions Options => options.Value;

    /// <summary>POST <c>{GraphBaseUrl}/{PhoneNumberId}/messages</c> with <paramref name="content"/> addressed to <paramref name="waId"/>.</summary>
    public async Task<SendOutcome> SendAsync(string waId, JsonObject content, CancellationToken ct)
    {
        var message = new JsonObject { ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = waId };
        foreach (var (name, value) in content) message[name] = value?.DeepClone();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Options.GraphBase, $"{Uri.EscapeDataString(Options.PhoneNumberId!)}/messages"))
        {
            Content = new StringContent(message.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        Authorize(request);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await ReadSomeAsync(response, ct);
            if (response.IsSuccessStatusCode)
                return MessageIdOf(text) is { } id ? new Sent(id) : new TryAgain($"{(int)response.StatusCode} without messages[0].id");
            var error = $"{(int)response.StatusCode}: {GraphError(text)}";
            return response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 ? new TryAgain(error) : new Refused(error);
        }
        catch (HttpRequestException ex)
        {
            return new TryAgain($"network: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // No answer in time: Meta may or may not have taken it. Trying again may send it twice; not trying may send
            // it never. A person rather reads an update twice than misses it.
            return new TryAgain($"no answer within {Options.GraphTimeoutSeconds} s");
        }
    }

    /// <summary>
    /// GET <c>{GraphBaseUrl}/{mediaId}</c> for the photo's URL and size, then GET that URL, both with the access token.
    /// A photo announced or arriving larger than <see cref="PhotoStore.MaxUploadBytes"/> is not read any further.
    /// </summary>
    public async Task<MediaOutcome> DownloadMediaAsync(string mediaId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Options.AccessToken)) return new DownloadFailed("no access token configured");
        try
        {
            using var metaRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(Options.GraphBase, Uri.EscapeDataString(mediaId)));
            Authorize(metaRequest);
            using var metaResponse = await http.SendAsync(metaRequest, ct);
            var metaText = await ReadSomeAsync(metaResponse, ct);
            if (!metaResponse.IsSuccessStatusCode) return new DownloadFailed($"media {(int)metaResponse.StatusCode}: {GraphError(metaText)}");

            string? url;
            long? size;
            try
            {
                using var meta = JsonDocument.Parse(metaText);
                url = meta.RootElement.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                size = meta.RootElement.TryGetProperty("file_size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) ? n : null;
            }
            catch (JsonException)
            {
                return new DownloadFailed("media metadata is not JSON");
            }
            if (size > PhotoStore.MaxUploadBytes) return new TooLarge();
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var mediaUri)) return new DownloadFailed("media metadata has no URL");
            if (!MayDownloadFrom(mediaUri)) return new DownloadFailed($"media URL on a host not allowed: {mediaUri.Scheme}://{mediaUri.Host}");

            using var bytesRequest = new HttpRequestMessage(HttpMethod.Get, mediaUri);
            Authorize(bytesRequest);
            using var bytesResponse = await http.SendAsync(bytesRequest, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!bytesResponse.IsSuccessStatusCode) return new DownloadFailed($"media download {(int)bytesResponse.StatusCode}");
            if (bytesResponse.Content.Headers.ContentLength > PhotoStore.MaxUploadBytes) return new TooLarge();
            await using var stream = await bytesResponse.Content.ReadAsStreamAsync(ct);
            return await BodyReader.ReadAtMostAsync(stream, PhotoStore.MaxUploadBytes, ct) is { } bytes ? new Downloaded(bytes) : new TooLarge();
        }
        catch (HttpRequestException ex)
        {
            return new DownloadFailed($"network: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DownloadFailed($"no answer within {Options.GraphTimeoutSeconds} s");
        }
    }

    /// <summary>The Graph host itself (same scheme, host and port as <see cref="WhatsAppOptions.GraphBaseUrl"/>), or one
    /// of <see cref="WhatsAppOptions.MediaHosts"/> over https on its default port.</summary>
    public bool MayDownloadFrom(Uri uri)
    {
        var graph = Options.GraphBase;
        if (uri.Scheme == graph.Scheme && string.Equals(uri.Host, graph.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == graph.Port)
            return true;
        return uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && uri.UserInfo.Length == 0
               && Options.MediaHostsOrDefault.Any(h => string.Equals(uri.Host, h, StringComparison.OrdinalIgnoreCase));
    }

    private void Authorize(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.AccessToken);

    /// <summary>An error answer is read for its message only; 64 KB is more than Meta's errors ever are.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var bytes = await BodyReader.ReadAtMostAsync(stream, 64 * 1024, ct);
        return bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);
    }

    private static string? MessageIdOf(string text)
    {
        try
        {
            var id = JsonNode.Parse(text)?["messages"]?[0]?["id"];
            return id?.GetValueKind() == JsonValueKind.String ? id.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Meta's <c>{"error":{"message","code"}}</c>, else the start of the body.</summary>
    private static string GraphError(string text)
    {
        try
        {
            if (JsonNode.Parse(text)?["error"] is JsonObject error)
                return $"{error["code"]?.ToJsonString()} {error["message"]?.GetValue<string>()}".Trim();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }
        return GraphMessages.Fit(text, 300);
    }
}
