using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Setup;

/// <summary>
/// The last line of defence behind the checks on the way in: were a NUL character ever to reach PostgreSQL, its refusal
/// (SQLSTATE 22021) is the client's fault and answered 422, however EF Core wrapped it. Every door refuses NUL before
/// the database (see Fuzz/HostileInputTests), so this is shown with PostgreSQL's own refusal handed to the handler.
/// </summary>
public sealed class ClientFaultsTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task A_NUL_that_PostgreSQL_refused_is_a_422_problem_however_it_was_wrapped()
    {
        await using var db = fixture.App.NewDb();
        // A value from a variable is sent as a parameter, as every request's values are (a constant would be inlined).
        var description = "a\0b";
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Complaints.Where(c => c.Description == description).ToListAsync());
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);

        foreach (var exception in new Exception[] { refused, new DbUpdateException("saving failed", refused), new InvalidOperationException("outer", new DbUpdateException("inner", refused)) })
        {
            var (handled, status, body) = await HandleAsync(exception);

            Assert.True(handled, exception.GetType().Name);
            Assert.Equal(StatusCodes.Status422UnprocessableEntity, status);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("nul_character", problem.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("titleEn").GetString()));
        }
    }

    [Fact]
    public async Task Other_database_errors_are_left_to_the_default_handler()
    {
        await using var db = fixture.App.NewDb();
        var broken = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("SELEC 1"));

        var (handled, _, _) = await HandleAsync(new DbUpdateException("saving failed", broken));

        Assert.False(handled);
        Assert.False(ClientFaults.IsNulRefusal(broken));
    }

    private async Task<(bool Handled, int Status, string Body)> HandleAsync(Exception exception)
    {
        var http = new DefaultHttpContext { RequestServices = fixture.App.Services };
        http.Response.Body = new MemoryStream();
        var handled = await new ClientFaults(Microsoft.Extensions.Logging.Abstractions.NullLogger<ClientFaults>.Instance).TryHandleAsync(http, exception, CancellationToken.None);
        http.Response.Body.Position = 0;
        return (handled, http.Response.StatusCode, await new StreamReader(http.Response.Body).ReadToEndAsync());
    }
}
