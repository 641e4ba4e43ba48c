using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Ujar.Api.Complaints;

namespace Ujar.Api.Setup;

/// <summary>
/// Exceptions that are the client's doing, answered as such rather than as a 500: a request minimal APIs could not bind
/// (a body that is not the JSON it should be is a 400 <c>malformed_json</c>; another unreadable value a 400), and, as a
/// last line of defence since every text is checked on the way in, a NUL character that still reached PostgreSQL
/// (SQLSTATE 22021), a 422. A body sent slower than Kestrel's minimum data rate is a 408 and one over a size limit a 413.
/// Each is logged at Information as the client's problem: an error log (and its alert) is for the server's own
/// failures. Anything else is left to the default handler: a 500, logged.
/// </summary>
public sealed class ClientFaults(ILogger<ClientFaults> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var answer = Answer(exception);
        if (answer is null) return false;
        await answer.ExecuteAsync(http);
        logger.LogInformation("{Method} {Path} answered {Status}: the client's request failed ({Reason})",
            http.Request.Method, http.Request.Path, http.Response.StatusCode, exception.Message);
        return true;
    }

    private static IResult? Answer(Exception exception) =>
        exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } =>
                Problems.MalformedJson($"{json.Path}, line {json.LineNumber + 1}, byte {json.BytePositionInLine}"),
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => Problems.Result(Problems.Create(
                StatusCodes.Status408RequestTimeout, "request_timeout",
                new Bilingual("Permintaan terlalu lambat dikirim", "Request sent too slowly"),
                new Bilingual("Isi permintaan datang lebih lambat dari batas minimum server. Coba lagi dengan koneksi yang lebih stabil.",
                    "The request body arrived slower than the server's minimum rate. Try again on a steadier connection."))),
            BadHttpRequestException bad => Problems.Result(Problems.Create(bad.StatusCode,
                bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                    StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                    _ => "bad_request",
                },
                new Bilingual("Permintaan tidak dapat dibaca", "The request cannot be read"),
                new Bilingual($"Bagian permintaan tidak sesuai bentuknya: {bad.Message}", $"Part of the request is not in its expected form: {bad.Message}"))),
            _ when IsNulRefusal(exception) => Problems.Result(Problems.Create(
                StatusCodes.Status422UnprocessableEntity, "nul_character",
                new Bilingual("Karakter NUL tidak diterima", "NUL character not accepted"),
                new Bilingual($"Teks yang dikirim {ComplaintRules.NulRefused.Id}.", $"Text sent {ComplaintRules.NulRefused.En}."))),
            _ => null,
        };

    /// <summary>Whether PostgreSQL refused a NUL character (SQLSTATE 22021), however EF Core wrapped it (a
    /// DbUpdateException, say). Handlers that answer database trouble with a 503 let this one through to here: it is the
    /// request's fault, and a retry would only be refused again.</summary>
    public static bool IsNulRefusal(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire }) return true;
        return false;
    }
}

/// <summary>Marks endpoints whose refusals come in a format of their own (Open311's error list): they check their query
/// string for NUL themselves, and <see cref="UrlChecks"/> leaves them alone.</summary>
public sealed class ChecksOwnQuery;

public static class UrlChecks
{
    /// <summary>
    /// A NUL character anywhere in the query string (<c>%00</c>, in a name or a value) is a 422 naming the parameter,
    /// before the endpoint runs: PostgreSQL refuses it in text and no parameter of ours needs it, so one check here
    /// covers every route, including those added later. (A <c>%00</c> in the path never gets this far: Kestrel refuses
    /// it with a 400 of its own.) Runs after routing, which a WebApplication does first, to see the endpoint's metadata.
    /// </summary>
    public static Task RefuseNul(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<ChecksOwnQuery>() is null
            && http.Request.Query.FirstOrDefault(p => ComplaintRules.HasNul(p.Key) || p.Value.Any(ComplaintRules.HasNul)).Key is { } name)
            return Problems.Validation(new Dictionary<string, Bilingual> { [name.Replace('\0', '?')] = ComplaintRules.NulRefused }).ExecuteAsync(http);
        return next(http);
    }
}
