namespace Ujar.Api.Categories;

/// <summary>An agency (Organisasi Perangkat Daerah) that acts on complaints.</summary>
public sealed class Opd
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    /// <summary>When an admin last changed this row through the API (UTC); from then on <c>migrate</c> leaves it alone.</summary>
    public DateTime? AdminEditedAt { get; set; }
}

/// <summary>What a complaint is about; the category decides the responsible OPD.</summary>
public sealed class Category
{
    public required string Code { get; set; }
    public required string NameId { get; set; }
    public required string NameEn { get; set; }
    public required string OpdCode { get; set; }
    public required string Icon { get; set; }
    public int SortOrder { get; set; }
    // Service levels in working days from filing (see Deadlines/WorkingCalendar): to verify, to first response, to resolve.
    public int VerifyDays { get; set; }
    public int ResponseDays { get; set; }
    public int ResolveDays { get; set; }
    /// <summary>Offered to citizens and accepted for new complaints. A retired category stays for the complaints filed in it.</summary>
    public bool Active { get; set; } = true;
    /// <summary>When an admin last changed this row through the API (UTC); from then on <c>migrate</c> leaves it alone.</summary>
    public DateTime? AdminEditedAt { get; set; }
}
