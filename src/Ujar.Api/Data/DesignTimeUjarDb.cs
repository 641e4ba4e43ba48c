using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Ujar.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database or host.</summary>
public sealed class DesignTimeUjarDb : IDesignTimeDbContextFactory<UjarDb>
{
    public UjarDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<UjarDb>()
            .UseNpgsql(Environment.GetEnvironmentVariable("ConnectionStrings__Ujar") ?? "Host=localhost;Database=ujar",
                o => o.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention()
            .Options);
}
