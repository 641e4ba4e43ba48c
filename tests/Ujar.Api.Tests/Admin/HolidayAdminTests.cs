using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Accounts;
using Ujar.Api.Deadlines;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Admin;

/// <summary>The holiday table through /api/admin/holidays, checked through the deadline a citizen sees.</summary>
public sealed class HolidayAdminTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    private readonly HttpClient _citizen = fixture.App.CreateClient();

    [Fact]
    public async Task A_holiday_added_on_the_first_counted_day_moves_the_deadline_and_deleting_it_moves_it_back()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var ticket = await _citizen.FileAsync(0.0652, 100.0571);
        var before = await DueAsync(ticket);
        var created = (await DetailAsync(ticket)).GetProperty("complaint").GetProperty("createdAt").GetDateTimeOffset();
        var calendar = fixture.App.Services.GetRequiredService<WorkingCalendars>().Current;
        // The first working day after the filing's WIB date is one of the days the deadline counts.
        var firstCounted = DateOnly.FromDateTime(created.ToOffset(TimeSpan.FromHours(7)).DateTime).AddDays(1);
        while (!calendar.IsWorkingDay(firstCounted)) firstCounted = firstCounted.AddDays(1);
        var date = firstCounted.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var added = await admin.PostAsJsonAsync("/api/admin/holidays", new { date, nameId = "Libur daerah", nameEn = "Local holiday", kind = "cuti_bersama" });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var later = await DueAsync(ticket);
        Assert.True(later > before, $"{later} should be after {before}");
        await using (var db = fixture.App.NewDb())
        {
            var holidays = await db.Holidays.Select(h => h.Date).ToListAsync();
            Assert.Contains(firstCounted, holidays);
            Assert.Equal(new WorkingCalendar(holidays).AddWorkingDays(created.UtcDateTime, await VerifyDaysAsync(db)), later.UtcDateTime);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/holidays/{date}")).StatusCode);
        Assert.Equal(before, await DueAsync(ticket));
    }

    [Fact]
    public async Task Holidays_are_listed_by_year_with_their_kind()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var response = await admin.GetAsync("/api/admin/holidays?year=2026");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var days = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        Assert.NotEmpty(days);
        Assert.All(days, d => Assert.StartsWith("2026-", d.GetProperty("date").GetString()));
        var labour = Assert.Single(days, d => d.GetProperty("date").GetString() == "2026-05-01");
        Assert.Equal(("libur_nasional", false), (labour.GetProperty("kind").GetString(), labour.GetProperty("adminEdited").GetBoolean()));
        Assert.Contains(days, d => d.GetProperty("kind").GetString() == "cuti_bersama");
        Assert.All((await (await admin.GetAsync("/api/admin/holidays?year=2027")).ReadJsonAsync()).EnumerateArray(),
            d => Assert.StartsWith("2027-", d.GetProperty("date").GetString()));
    }

    public static TheoryData<string, string> BadHolidays() => new()
    {
        { """{"date":"07-07-2026","nameId":"Libur","nameEn":"Holiday","kind":"cuti_bersama"}""", "date" },
        { """{"date":"2026-02-30","nameId":"Libur","nameEn":"Holiday","kind":"cuti_bersama"}""", "date" },
        { """{"date":"2026-07-07","nameId":"Libur","nameEn":"Holiday","kind":"libur_kampung"}""", "kind" },
        { """{"date":"2026-07-07","nameId":"","nameEn":"Holiday","kind":"cuti_bersama"}""", "nameId" },
    };

    [Theory]
    [MemberData(nameof(BadHolidays))]
    public async Task A_bad_holiday_is_422_naming_the_field(string body, string field)
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var response = await admin.PostAsync("/api/admin/holidays", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
        await using var db = fixture.App.NewDb();
        Assert.False(await db.Holidays.AnyAsync(h => h.Date == new DateOnly(2026, 7, 7)));
    }

    [Fact]
    public async Task An_existing_holiday_is_409_a_working_day_cannot_be_deleted_and_bad_dates_or_years_are_422()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        var twice = await admin.PostAsJsonAsync("/api/admin/holidays", new { date = "2026-05-01", nameId = "Lagi", nameEn = "Again", kind = "libur_nasional" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("holiday_exists", (await twice.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/holidays/2026-07-08")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.DeleteAsync("/api/admin/holidays/kemarin")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.GetAsync("/api/admin/holidays?year=20260")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_day_is_remembered_until_an_admin_adds_it_again()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/holidays/2026-12-24")).StatusCode);
        await using (var db = fixture.App.NewDb())
            Assert.True(await db.HolidayRemovals.AnyAsync(r => r.Date == new DateOnly(2026, 12, 24) && r.RemovedBy.EndsWith("@uji.local")));
        Assert.True(fixture.App.Services.GetRequiredService<WorkingCalendars>().Current.IsWorkingDay(new DateOnly(2026, 12, 24)));

        var added = await admin.PostAsJsonAsync("/api/admin/holidays", new { date = "2026-12-24", nameId = "Cuti bersama Natal", nameEn = "Christmas leave", kind = "cuti_bersama" });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.True((await added.ReadJsonAsync()).GetProperty("adminEdited").GetBoolean());
        await using (var db = fixture.App.NewDb())
            Assert.False(await db.HolidayRemovals.AnyAsync(r => r.Date == new DateOnly(2026, 12, 24)));
        Assert.False(fixture.App.Services.GetRequiredService<WorkingCalendars>().Current.IsWorkingDay(new DateOnly(2026, 12, 24)));
    }

    private async Task<JsonElement> DetailAsync(string ticket)
    {
        var response = await _citizen.GetAsync($"/api/complaints/{ticket}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<DateTimeOffset> DueAsync(string ticket) =>
        (await DetailAsync(ticket)).GetProperty("deadline").GetProperty("due").GetDateTimeOffset();

    private static Task<int> VerifyDaysAsync(Ujar.Api.Data.UjarDb db) =>
        db.Categories.Where(c => c.Code == "sampah").Select(c => c.VerifyDays).SingleAsync();
}
