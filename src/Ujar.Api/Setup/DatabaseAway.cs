using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Ujar.Api.Setup;

/// <summary>
/// PostgreSQL away (stopped, restarting, failing over, out of connections) is a moment to retry, not a server error:
/// a request that failed on it is answered 503 <c>service_unavailable</c> with <c>Retry-After</c>, never 500. Npgsql
/// marks exactly these failures transient (EF Core wraps them, so the whole chain is looked at).
/// </summary>
internal sealed class DatabaseAway(IProblemDetailsService problems) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public static bool Caused(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is NpgsqlException { IsTransient: true }) return true;
        return false;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!Caused(exception)) return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable },
            Exception = exception,
        });
    }
}
