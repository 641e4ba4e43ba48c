using Microsoft.EntityFrameworkCore;
using Ujar.Api.Complaints;
using Ujar.Api.Data;

namespace Ujar.Api.Categories;

public static class CategoriesApi
{
    public sealed record CategoryView(string Code, string NameId, string NameEn, string Icon, CodeName Opd);

    public static IEndpointRouteBuilder MapCategories(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/categories", async (UjarDb db, CancellationToken ct) =>
                TypedResults.Ok(await db.Categories.AsNoTracking()
                    .Where(c => c.Active)   // what citizens may file in; a retired category's complaints keep their code
                    .OrderBy(c => c.SortOrder).ThenBy(c => c.Code)
                    .Select(c => new CategoryView(c.Code, c.NameId, c.NameEn, c.Icon,
                        new CodeName(c.OpdCode, db.Opds.Where(o => o.Code == c.OpdCode).Select(o => o.Name).FirstOrDefault())))
                    .ToListAsync(ct)))
            .WithTags("Categories");
        return app;
    }
}
