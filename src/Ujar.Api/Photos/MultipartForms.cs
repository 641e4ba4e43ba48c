using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Ujar.Api.Setup;

namespace Ujar.Api.Photos;

/// <summary>A photo file as it came, not yet decoded: decoding waits until everything cheaper to judge has passed.</summary>
public sealed record RawPhoto(string FileName, byte[] Bytes);

/// <summary>One part of a multipart/form-data body, read whole.</summary>
public sealed record FormPart(string Name, string? FileName, byte[] Bytes);

/// <summary>What a reader takes of the next part: at most <see cref="Limit"/> bytes (more is answered with
/// <see cref="TooLarge"/>), or nothing, the part being refused with <see cref="Refusal"/>.</summary>
public sealed record PartRule(int Limit, IResult? TooLarge, IResult? Refusal)
{
    public static PartRule Take(int limit, IResult tooLarge) => new(limit, tooLarge, null);
    public static PartRule Refuse(IResult problem) => new(0, null, problem);
}

/// <summary>
/// Reads the multipart/form-data bodies of every door that takes files: a filing, photos added later, a staff status
/// change, an Open311 filing. Each part is kept as bytes within the limit the caller's rule gives it; what the parts
/// mean, and whether a photo is decoded, is decided afterwards. Whatever the body does wrong is a 400
/// <c>malformed_multipart</c>: no boundary, zero bytes, a body cut off mid-part or without its closing boundary, another
/// boundary than the header's, a part without a form-data Content-Disposition. MultipartReader says so with an
/// <see cref="IOException"/> (the stream ended early), an <see cref="InvalidDataException"/> (a bad header line, a limit)
/// or, from Kestrel, a <see cref="BadHttpRequestException"/>; all of them are caught here, once for every door.
/// </summary>
public static class MultipartForms
{
    public const int MaxBoundaryLength = 200;

    /// <param name="ruleFor">The rule for the next part, given its name, its file name (null for a text field) and the
    /// parts read before it.</param>
    /// <returns>The parts in the order they came, or the refusal.</returns>
    public static async Task<(IReadOnlyList<FormPart>? Parts, IResult? Problem)> ReadAsync(HttpRequest request, long maxRequestBytes,
        Func<string, string?, IReadOnlyList<FormPart>, PartRule> ruleFor, CancellationToken ct)
    {
        if (request.ContentLength > maxRequestBytes) return (null, PhotoProblems.RequestTooLarge());
        // Kestrel stops bodies at 30,000,000 bytes by default, a little less than three photos and a complaint.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = maxRequestBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)) return (null, PhotoProblems.MalformedMultipart("Content-Type"));
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary);
        if (boundary.Length is 0 or > MaxBoundaryLength) return (null, PhotoProblems.MalformedMultipart("boundary"));

        var parts = new List<FormPart>();
        var reader = new MultipartReader(boundary.Value!, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (section.GetContentDispositionHeader() is not { } disposition
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return (null, PhotoProblems.MalformedMultipart("Content-Disposition"));
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                var rule = ruleFor(name, fileName, parts);
                if (rule.Refusal is { } refused) return (null, refused);
                var bytes = await BodyReader.ReadAtMostAsync(section.Body, rule.Limit, ct);
                if (bytes is null) return (null, rule.TooLarge);
                parts.Add(new FormPart(name, fileName, bytes));
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, PhotoProblems.RequestTooLarge());
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or BadHttpRequestException)
        {
            return (null, PhotoProblems.MalformedMultipart(ex.Message));
        }
        return (parts, null);
    }
}
