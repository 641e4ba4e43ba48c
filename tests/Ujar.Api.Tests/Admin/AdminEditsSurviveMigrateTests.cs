using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Accounts;
using Ujar.Api.Categories;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Admin;

/// <summary>
/// gis-data/*.csv seeds reference data on every <c>migrate</c>; an admin's edits through the API must survive it, while
/// rows nobody edited keep following the files.
/// </summary>
public sealed class AdminEditsSurviveMigrateTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task Migrate_after_admin_edits_keeps_them_and_still_restores_untouched_rows_from_the_files()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/categories/sampah",
            new { nameId = "Sampah liar", nameEn = "Illegal dumping", opd = "dinsos", verifyDays = 3, responseDays = 4, resolveDays = 9 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/opds/dlh",
            new { name = "DLH Kota Tanjungpinang", nameEn = "City Environment Agency" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/holidays",
            new { date = "2026-07-08", nameId = "Hari Jadi Kota", nameEn = "City anniversary", kind = "cuti_bersama" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/holidays/2026-05-01")).StatusCode);
        // Rows no admin touched, changed behind the API's back: the files put them right again.
        await using (var db = fixture.App.NewDb())
        {
            await db.Categories.Where(c => c.Code == "jalan_rusak").ExecuteUpdateAsync(s => s.SetProperty(c => c.ResolveDays, 99));
            await db.Opds.Where(o => o.Code == "dishub").ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, "nama lama"));
        }

        var migrate = await UjarCli.RunAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Ujar"] = fixture.App.ConnectionString, ["Ujar__GisData"] = TestPaths.GisData },
            TimeSpan.FromMinutes(2), "migrate");

        Assert.True(migrate.ExitCode == 0, migrate.Output);
        await using var after = fixture.App.NewDb();
        var sampah = await after.Categories.AsNoTracking().SingleAsync(c => c.Code == "sampah");
        Assert.Equal(("dinsos", 3, 4, 9, "Sampah liar"), (sampah.OpdCode, sampah.VerifyDays, sampah.ResponseDays, sampah.ResolveDays, sampah.NameId));
        Assert.Equal("DLH Kota Tanjungpinang", (await after.Opds.SingleAsync(o => o.Code == "dlh")).Name);
        Assert.True(await after.Holidays.AnyAsync(h => h.Date == new DateOnly(2026, 7, 8)));
        Assert.False(await after.Holidays.AnyAsync(h => h.Date == new DateOnly(2026, 5, 1)));

        var files = Csv.ReadFile(Path.Combine(TestPaths.TanjungpinangCity, "categories.csv")).Single(r => r["code"] == "jalan_rusak");
        Assert.Equal(int.Parse(files["resolve_days"]), (await after.Categories.SingleAsync(c => c.Code == "jalan_rusak")).ResolveDays);
        var dishub = Csv.ReadFile(Path.Combine(TestPaths.TanjungpinangCity, "opds.csv")).Single(r => r["code"] == "dishub");
        Assert.Equal(dishub["name"], (await after.Opds.SingleAsync(o => o.Code == "dishub")).Name);
        Assert.True(await after.Holidays.AnyAsync(h => h.Date == new DateOnly(2026, 12, 25)));
    }

    [Fact]
    public async Task A_row_an_admin_added_stays_when_the_file_does_not_have_it()
    {
        using var admin = await fixture.App.ClientAsAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/opds",
            new { code = "satpol_pp", name = "Satuan Polisi Pamong Praja", nameEn = "Civil Service Police Unit" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/api/admin/categories/pkl_liar",
            new { nameId = "PKL liar", nameEn = "Unlicensed street vendors", opd = "satpol_pp", verifyDays = 1, responseDays = 2, resolveDays = 5, icon = "other" })).StatusCode);

        await using (var db = fixture.App.NewDb())
            await ReferenceData.SyncAsync(db, City.Read(TestPaths.TanjungpinangCity), TestPaths.GisData);

        await using var after = fixture.App.NewDb();
        Assert.True(await after.Opds.AnyAsync(o => o.Code == "satpol_pp"));
        Assert.Equal("satpol_pp", (await after.Categories.SingleAsync(c => c.Code == "pkl_liar")).OpdCode);
    }
}
