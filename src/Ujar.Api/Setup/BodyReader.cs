namespace Ujar.Api.Setup;

public static class BodyReader
{
    /// <summary>Reads the request body, or returns null as soon as it exceeds <paramref name="limit"/> bytes
    /// (a chunked body has no Content-Length to check up front).</summary>
    public static Task<byte[]?> ReadAtMostAsync(HttpRequest request, int limit, CancellationToken ct) =>
        ReadAtMostAsync(request.Body, limit, ct);

    /// <summary>The stream's bytes (a multipart section, say), or null as soon as there are more than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
