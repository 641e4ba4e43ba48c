using Microsoft.AspNetCore.Identity;

namespace Ujar.Api.Accounts;

/// <summary>A city employee's account (citizens need none). Staff and crews belong to one OPD; admins and planners to none.</summary>
public sealed class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The OPD whose complaints this person works on; null for admin and planner.</summary>
    public string? OpdCode { get; set; }
}

/// <summary>The four roles. Each account has exactly one.</summary>
public static class Roles
{
    /// <summary>Diskominfo: everything, including categories, OPDs, holidays and accounts.</summary>
    public const string Admin = "admin";
    /// <summary>One OPD: verifies, assigns and re-routes its complaints.</summary>
    public const string OpdStaff = "opd_staff";
    /// <summary>One OPD's field crew: its assigned and nearby open tasks.</summary>
    public const string Crew = "crew";
    /// <summary>Reads everything public plus internal statistics; changes nothing.</summary>
    public const string Planner = "planner";

    public static readonly IReadOnlyList<string> All = [Admin, OpdStaff, Crew, Planner];

    /// <summary>Roles that work for one OPD and so must name it.</summary>
    public static bool BelongsToOpd(string role) => role is OpdStaff or Crew;
}

/// <summary>Claim types Ujar adds to the signed-in principal.</summary>
public static class StaffClaims
{
    public const string Opd = "ujar:opd";
    public const string DisplayName = "ujar:name";
    /// <summary>The <see cref="StaffSession"/> a cookie or access token belongs to.</summary>
    public const string Session = "ujar:sid";
}
