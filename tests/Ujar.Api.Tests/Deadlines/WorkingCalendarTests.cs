using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ujar.Api.Categories;
using Ujar.Api.Deadlines;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;

namespace Ujar.Api.Tests.Deadlines;

/// <summary>The calendar is loaded once from a database that <c>migrate</c>'s reference-data sync filled from gis-data/.</summary>
public sealed class HolidayDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public WorkingCalendar Calendar { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostGis.NewDatabaseAsync();
        await using var db = TestDb.Create(ConnectionString);
        Calendar = await WorkingCalendar.LoadAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class WorkingCalendarTests(HolidayDatabase holidays) : IClassFixture<HolidayDatabase>
{
    private WorkingCalendar Calendar => holidays.Calendar;

    /// <summary>A WIB wall-clock time as the UTC instant the service stores.</summary>
    private static DateTime Wib(int year, int month, int day, int hour, int minute = 0) =>
        new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-7);

    /// <summary>The deadline instant for "the end of this WIB day": 00:00 WIB of the next day, in UTC.</summary>
    private static DateTime EndOfWibDay(int year, int month, int day) => Wib(year, month, day, 0).AddDays(1);

    [Fact]
    public void Weekends_are_skipped()
    {
        // Wednesday 7 January 2026: Thursday 8, Friday 9, (weekend), Monday 12.
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(Wib(2026, 1, 7, 10), 3));
    }

    [Fact]
    public void A_filing_on_a_weekend_counts_from_the_next_working_day()
    {
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(Wib(2026, 1, 10, 9), 1));
        Assert.Equal(EndOfWibDay(2026, 1, 13), Calendar.AddWorkingDays(Wib(2026, 1, 11, 9), 2));
    }

    [Fact]
    public void A_national_holiday_is_skipped()
    {
        // Friday 1 May 2026 is Hari Buruh: a Thursday filing gets Monday 4 May.
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 5, 1)));
        Assert.Equal(EndOfWibDay(2026, 5, 4), Calendar.AddWorkingDays(Wib(2026, 4, 30, 14), 1));
    }

    [Fact]
    public void A_deadline_crossing_Ascension_and_its_cuti_bersama_moves_past_both()
    {
        // Monday 11 May: Tue 12 (1), Wed 13 (2), Thu 14 Kenaikan, Fri 15 cuti bersama, weekend, Mon 18 (3), Tue 19 (4), Wed 20 (5).
        Assert.Equal(EndOfWibDay(2026, 5, 20), Calendar.AddWorkingDays(Wib(2026, 5, 11, 8), 5));
        Assert.Equal(5, Calendar.WorkingDaysBetween(Wib(2026, 5, 11, 8), Wib(2026, 5, 20, 16)));
    }

    [Fact]
    public void Idul_Fitri_2026_with_Nyepi_and_cuti_bersama_is_one_long_break()
    {
        // 18 Mar cuti Nyepi, 19 Nyepi, 20 cuti, 21–22 Idul Fitri (a weekend too), 23–24 cuti: nothing from Wed 18 to Tue 24.
        for (var day = new DateOnly(2026, 3, 18); day <= new DateOnly(2026, 3, 24); day = day.AddDays(1))
            Assert.False(Calendar.IsWorkingDay(day), $"{day} should be a day off");
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 3, 25)));

        Assert.Equal(EndOfWibDay(2026, 3, 25), Calendar.AddWorkingDays(Wib(2026, 3, 17, 15), 1));
        // Filed on Monday 16: Tue 17 (1), then the break, Wed 25 (2), Thu 26 (3).
        Assert.Equal(EndOfWibDay(2026, 3, 26), Calendar.AddWorkingDays(Wib(2026, 3, 16, 9), 3));
        // A complaint filed during the break is answered on the first day back: that is one working day.
        Assert.Equal(1, Calendar.WorkingDaysBetween(Wib(2026, 3, 20, 11), Wib(2026, 3, 25, 9)));
    }

    [Fact]
    public void The_filing_day_is_the_WIB_day_not_the_UTC_day()
    {
        // Thursday 23:30 WIB (16:30 UTC Thu) is a Thursday filing; Friday 00:30 WIB (17:30 UTC Thu) is a Friday filing.
        var lateThursday = new DateTime(2026, 1, 8, 16, 30, 0, DateTimeKind.Utc);
        var earlyFriday = new DateTime(2026, 1, 8, 17, 30, 0, DateTimeKind.Utc);
        Assert.Equal(EndOfWibDay(2026, 1, 9), Calendar.AddWorkingDays(lateThursday, 1));
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(earlyFriday, 1));

        // Sunday 23:30 WIB counts from Monday; Monday 00:30 WIB (still Sunday in UTC) counts from Tuesday.
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(new DateTime(2026, 1, 11, 16, 30, 0, DateTimeKind.Utc), 1));
        Assert.Equal(EndOfWibDay(2026, 1, 13), Calendar.AddWorkingDays(new DateTime(2026, 1, 11, 17, 30, 0, DateTimeKind.Utc), 1));
    }

    [Fact]
    public void Friday_night_and_Saturday_morning_filings_share_Monday_as_their_first_working_day()
    {
        var fridayNight = new DateTime(2026, 1, 9, 16, 30, 0, DateTimeKind.Utc);   // 23:30 WIB Friday
        var saturdayMorning = new DateTime(2026, 1, 9, 17, 30, 0, DateTimeKind.Utc); // 00:30 WIB Saturday
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(fridayNight, 1));
        Assert.Equal(EndOfWibDay(2026, 1, 12), Calendar.AddWorkingDays(saturdayMorning, 1));
        // Saturday is no day of work, so between them lies none; a week later both have waited Mon–Thu (Fri 16 is Isra Mikraj).
        Assert.Equal(0, Calendar.WorkingDaysBetween(fridayNight, saturdayMorning));
        Assert.Equal(4, Calendar.WorkingDaysBetween(fridayNight, Wib(2026, 1, 16, 12)));
        Assert.Equal(4, Calendar.WorkingDaysBetween(saturdayMorning, Wib(2026, 1, 16, 12)));
        // A filing late on Thursday has all of Friday as a working day; one at 00:30 WIB Friday has none yet.
        Assert.Equal(1, Calendar.WorkingDaysBetween(Wib(2026, 1, 8, 23, 30), Wib(2026, 1, 9, 23)));
        Assert.Equal(0, Calendar.WorkingDaysBetween(Wib(2026, 1, 9, 0, 30), Wib(2026, 1, 9, 23)));
    }

    [Fact]
    public void A_deadline_crosses_the_year_end_past_Christmas_and_New_Year()
    {
        // Wed 23 Dec: 24 cuti Natal, 25 Natal, weekend, Mon 28 (1) … Thu 31 (4), Fri 1 Jan 2027 New Year, weekend, Mon 4 Jan (5).
        Assert.Equal(EndOfWibDay(2027, 1, 4), Calendar.AddWorkingDays(Wib(2026, 12, 23, 10), 5));
        // 23:30 WIB on 31 December (16:30 UTC) is a working-day filing; 00:30 WIB on 1 January (17:30 UTC on the 31st) is a holiday filing.
        Assert.Equal(EndOfWibDay(2027, 1, 4), Calendar.AddWorkingDays(Wib(2026, 12, 31, 23, 30), 1));
        Assert.Equal(EndOfWibDay(2027, 1, 5), Calendar.AddWorkingDays(Wib(2027, 1, 1, 0, 30), 2));
    }

    [Fact]
    public void Working_days_between_inverts_the_deadline()
    {
        var filed = Wib(2026, 2, 13, 16);
        foreach (var days in new[] { 1, 2, 3, 5, 10, 14 })
        {
            var deadline = Calendar.AddWorkingDays(filed, days);
            Assert.Equal(days, Calendar.WorkingDaysBetween(filed, deadline.AddTicks(-1)));
            Assert.True(Calendar.WorkingDaysBetween(filed, deadline) >= days);
        }
        Assert.Equal(0, Calendar.WorkingDaysBetween(filed, filed.AddHours(2)));
    }

    [Fact]
    public void Nonsense_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(Wib(2026, 1, 5, 9), 0));
        Assert.Throws<ArgumentException>(() => Calendar.WorkingDaysBetween(Wib(2026, 1, 6, 9), Wib(2026, 1, 5, 9)));
    }

    [Fact]
    public async Task Migrate_loads_the_holiday_file_into_the_holidays_table()
    {
        await using var db = TestDb.Create(holidays.ConnectionString);
        var rows = Csv.ReadFile(Path.Combine(TestPaths.GisData, "national", HolidayTable.FileName));
        var table = await db.Holidays.OrderBy(h => h.Date).ToListAsync();
        Assert.Equal(rows.Select(r => DateOnly.ParseExact(r["date"], "yyyy-MM-dd")), table.Select(h => h.Date));

        var idulFitri = table.Single(h => h.Date == new DateOnly(2026, 3, 21));
        Assert.Equal(HolidayKind.LiburNasional, idulFitri.Kind);
        Assert.Contains("Idul Fitri", idulFitri.NameId);
        Assert.Equal(HolidayKind.CutiBersama, table.Single(h => h.Date == new DateOnly(2026, 3, 24)).Kind);
        Assert.Equal(8, table.Count(h => h.Kind == HolidayKind.CutiBersama));
    }

    [Fact]
    public async Task Migrate_loads_the_SLA_days_of_every_category()
    {
        await using var db = TestDb.Create(holidays.ConnectionString);
        var rows = Csv.ReadFile(Path.Combine(TestPaths.TanjungpinangCity, "categories.csv")).ToDictionary(r => r["code"]);
        var categories = await db.Categories.ToListAsync();
        Assert.Equal(rows.Count, categories.Count);
        foreach (var category in categories)
        {
            var row = rows[category.Code];
            Assert.Equal((int.Parse(row["verify_days"]), int.Parse(row["response_days"]), int.Parse(row["resolve_days"])),
                (category.VerifyDays, category.ResponseDays, category.ResolveDays));
            Assert.InRange(category.VerifyDays, 1, category.ResolveDays);
        }
        var flooding = categories.Single(c => c.Code == "genangan_air");
        var parking = categories.Single(c => c.Code == "parkir");
        Assert.True(flooding.ResponseDays < parking.ResponseDays);
    }

    [Fact]
    public async Task A_holiday_removed_from_the_files_leaves_the_table_and_the_citys_own_day_off_is_added_to_the_national_list()
    {
        var connection = await TestPostGis.NewDatabaseAsync();
        var (gisData, cityFolder) = TestPaths.CopyOfGisData();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(gisData, "national", HolidayTable.FileName),
                "date,name_id,name_en,kind\n2026-03-21,Hari Raya Idul Fitri 1447 H,Eid al-Fitr,libur_nasional\n");
            await File.WriteAllTextAsync(Path.Combine(cityFolder, HolidayTable.FileName),
                "date,name_id,name_en,kind\n2026-07-07,Libur daerah,Local holiday,libur_daerah\n");
            await using var db = TestDb.Create(connection);
            await ReferenceData.SyncAsync(db, City.Read(cityFolder), gisData);

            await using var fresh = TestDb.Create(connection);
            Assert.Equal([new DateOnly(2026, 3, 21), new DateOnly(2026, 7, 7)], await fresh.Holidays.OrderBy(h => h.Date).Select(h => h.Date).ToListAsync());
            Assert.Equal(HolidayKind.LiburDaerah, (await fresh.Holidays.SingleAsync(h => h.Date == new DateOnly(2026, 7, 7))).Kind);
            var calendar = await WorkingCalendar.LoadAsync(fresh);
            Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 7, 7)));
            Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 5, 1)));
        }
        finally
        {
            Directory.Delete(gisData, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_holiday_kind_stops_the_sync()
    {
        var connection = await TestPostGis.NewDatabaseAsync();
        var (gisData, cityFolder) = TestPaths.CopyOfGisData();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(cityFolder, HolidayTable.FileName), "date,name_id,name_en,kind\n2026-07-07,Libur,Holiday,libur_kampung\n");
            await using var db = TestDb.Create(connection);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReferenceData.SyncAsync(db, City.Read(cityFolder), gisData));
            Assert.Contains("libur_kampung", error.Message);
        }
        finally
        {
            Directory.Delete(gisData, recursive: true);
        }
    }
}

public sealed class WorkingCalendarReloadTests(FixtureCityApp fixture) : IClassFixture<FixtureCityApp>
{
    [Fact]
    public async Task The_running_service_caches_the_calendar_and_reloads_it_when_holidays_change()
    {
        var calendars = fixture.App.Services.GetRequiredService<WorkingCalendars>();
        Assert.False(calendars.Current.IsWorkingDay(new DateOnly(2026, 5, 1)));
        var cached = calendars.Current;
        var localHoliday = new DateOnly(2026, 7, 7);
        Assert.True(cached.IsWorkingDay(localHoliday));

        await using (var db = fixture.App.NewDb())
        {
            db.Holidays.Add(new Holiday { Date = localHoliday, NameId = "Libur daerah", NameEn = "Local holiday", Kind = HolidayKind.CutiBersama });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync($"NOTIFY {Api.Routing.RoutingReloader.Channel}");
        }

        for (var i = 0; i < 400 && calendars.Current.IsWorkingDay(localHoliday); i++) await Task.Delay(50);
        Assert.False(calendars.Current.IsWorkingDay(localHoliday), "the calendar did not reload after NOTIFY");
        // A calendar already handed out never changes under its reader.
        Assert.True(cached.IsWorkingDay(localHoliday));
    }
}
