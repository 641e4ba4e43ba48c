using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Setup;

namespace Ujar.Api.Admin;

/// <summary>The refusals of the admin API, in both languages like every other refusal.</summary>
public static class AdminProblems
{
    public static IResult Invalid(IReadOnlyDictionary<string, Bilingual> errors) =>
        Problems.Result(Problems.Create(StatusCodes.Status422UnprocessableEntity, "validation_failed",
            new Bilingual("Data tidak valid", "The data is not valid"),
            new Bilingual("Periksa kolom yang ditandai lalu kirim ulang.", "Check the marked fields and send again."),
            errors));

    public static IResult Conflict(string code, Bilingual title, Bilingual? detail = null) =>
        Problems.Result(Problems.Create(StatusCodes.Status409Conflict, code, title, detail));

    /// <summary>A unique key taken by a concurrent request between our check and our insert.</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
