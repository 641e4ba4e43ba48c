using Microsoft.EntityFrameworkCore;
using Ujar.Api.Data;

namespace Ujar.Api.Tests.Infrastructure;

public static class TestDb
{
    /// <summary>A context configured exactly as the service configures its own.</summary>
    public static UjarDb Create(string connectionString) =>
        new(new DbContextOptionsBuilder<UjarDb>()
            .UseNpgsql(connectionString, o => o.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention()
            .Options);
}
