using System.Net.Http.Json;
using System.Text.Json;

namespace Ujar.Api.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static Task<HttpResponseMessage> PostRawJsonAsync(this HttpClient client, string url, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static string Complaint(double lat, double lon, string category = "jalan_rusak", string description = "Jalan berlubang",
        object? contact = null, bool? anonymous = null) =>
        JsonSerializer.Serialize(new { lat, lon, category, description, contact, anonymous });
}
