using Ujar.Api.Accounts;

namespace Ujar.Api.Admin;

/// <summary>
/// Diskominfo's management API: staff accounts, categories with their SLA days, OPDs and the holiday table. Admins only
/// (anonymous 401, any other role 403). Every change is written to the application log as who did what
/// (category <c>Ujar.Api.Admin</c>); a change to categories, OPDs or holidays reloads routing and the working calendar here
/// at once and, through <c>NOTIFY ujar_routing</c>, in every other running instance.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin")
            .RequireAuthorization(StaffPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("/users", UserAdmin.ListAsync);
        admin.MapPost("/users", UserAdmin.CreateAsync).ProducesProblem(409).ProducesProblem(422);
        admin.MapPatch("/users/{id}", UserAdmin.ChangeAsync).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        admin.MapPost("/users/{id}/password", UserAdmin.SetPasswordAsync).ProducesProblem(404).ProducesProblem(422);

        admin.MapGet("/categories", ReferenceAdmin.ListCategoriesAsync);
        admin.MapPut("/categories/{code}", ReferenceAdmin.PutCategoryAsync).ProducesProblem(422);

        admin.MapGet("/opds", ReferenceAdmin.ListOpdsAsync);
        admin.MapPost("/opds", ReferenceAdmin.AddOpdAsync).ProducesProblem(409).ProducesProblem(422);
        admin.MapPut("/opds/{code}", ReferenceAdmin.PutOpdAsync).ProducesProblem(404).ProducesProblem(422);

        admin.MapGet("/holidays", HolidayAdmin.ListAsync).ProducesProblem(422);
        admin.MapPost("/holidays", HolidayAdmin.AddAsync).ProducesProblem(409).ProducesProblem(422);
        admin.MapDelete("/holidays/{date}", HolidayAdmin.DeleteAsync).ProducesProblem(404).ProducesProblem(422);
        return app;
    }

    /// <summary>The audit trail of admin changes: the application log, under one category an operator can filter on.</summary>
    public static ILogger Audit(this ILoggerFactory loggers) => loggers.CreateLogger("Ujar.Api.Admin");
}
