using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;
using Npgsql;
using Ujar.Api.Complaints;
using Ujar.Api.Demo;
using Ujar.Api.Hotspots;
using Ujar.Api.Live;
using Ujar.Api.Routing;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Live;

namespace Ujar.Api.Tests.Hotspots;

/// <summary>A city of demo complaints (demo boundaries) that the points follow from the moment the app starts, with the
/// demo history's status changes; its after photos go to a folder of its own.</summary>
public sealed class DemoCityApp : IAsyncLifetime
{
    public const int Complaints = 800;
    private readonly string _mediaPath = Path.Combine(Path.GetTempPath(), $"ujar-media-{Guid.NewGuid():N}");
    public UjarApp App { get; private set; } = null!;
    public ComplaintPoints Points => App.Services.GetRequiredService<ComplaintPoints>();

    public async Task InitializeAsync()
    {
        App = new UjarApp(await TestPostGis.NewDatabaseAsync(), new Dictionary<string, string> { ["Ujar:MediaPath"] = _mediaPath });
        await DemoData.SeedAsync(App.Services, Complaints, seed: 7, NullLogger.Instance);
        await Points.WhenLoaded;
        // Caught up once every filing is there with the status its last step gave it.
        await using var db = App.NewDb();
        var statuses = await db.Complaints.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Status);
        await HotspotTestData.WaitUntilAsync(() => Points.Current is var set && set.Count >= Complaints
            && statuses.All(s => HotspotTestData.IndexOf(set, s.Key) is var i && i >= 0 && set.StatusAt(i) == s.Value));
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Directory.Exists(_mediaPath)) Directory.Delete(_mediaPath, recursive: true);
    }
}

/// <summary>Complaints written as intake writes them (routed, one transaction, complaint_filed events), at chosen places,
/// categories, statuses and times.</summary>
public static class HotspotTestData
{
    private static int _tickets;

    public sealed record Planned(double Lon, double Lat, string Category, ComplaintStatus Status, DateTime CreatedUtc);

    /// <summary>Inserts the planned complaints that fall inside the city; returns them (with their ids).</summary>
    public static async Task<List<Complaint>> InsertAsync(UjarApp app, IEnumerable<Planned> planned)
    {
        var router = app.Services.GetRequiredService<ComplaintRouter>();
        if (!router.IsLoaded) await app.ReloadRoutingAsync();
        var complaints = new List<Complaint>();
        foreach (var p in planned)
        {
            if (router.Route(p.Lon, p.Lat, p.Category) is not { } decision) continue;
            var complaint = Complaint.Routed(decision, Wgs84.Point(p.Lon, p.Lat), "Uji titik panas");
            complaint.Status = p.Status;
            complaint.CreatedAt = p.CreatedUtc;
            complaint.Ticket = $"HOT-{Environment.ProcessId % 10_000}-{Interlocked.Increment(ref _tickets)}";
            complaint.Channel = IntakeChannel.Open311;
            complaints.Add(complaint);
        }
        await using var db = app.NewDb();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.Complaints.AddRange(complaints);
        await db.SaveChangesAsync();
        await LiveEvents.AppendAsync(db, complaints.Select(c => LiveEvents.Of(LiveEventType.ComplaintFiled, c, c.CreatedAt)).ToList(), default);
        await tx.CommitAsync();
        return complaints;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the points follow the log twice a second); fails after 20 s.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), "the complaint points did not catch up with the database");
    }

    public static int IndexOf(ComplaintPointSet set, long id) => set.Ids.IndexOf(id);
}

public sealed class PointsTests(DemoCityApp city) : IClassFixture<DemoCityApp>
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task Demo_seeding_is_in_the_event_log_so_the_points_hold_exactly_the_complaints_table()
    {
        await using var db = city.App.NewDb();
        var rows = await db.Complaints.AsNoTracking()
            .Select(c => new { c.Id, c.CategoryCode, c.Status, c.CreatedAt, c.KelurahanCode, Lon = c.Location.X, Lat = c.Location.Y }).ToListAsync();
        Assert.Equal(DemoCityApp.Complaints, await db.Complaints.CountAsync(c => c.IsDemo));
        var set = city.Points.Current;
        Assert.Equal(rows.Count, set.Count);
        foreach (var row in rows)
        {
            var i = HotspotTestData.IndexOf(set, row.Id);
            Assert.True(i >= 0, $"complaint {row.Id} is not in the points");
            Assert.Equal(row.CategoryCode, set.CategoryCodes[set.Category[i]]);
            Assert.Equal(row.Status, set.StatusAt(i));
            Assert.Equal(row.CreatedAt.Ticks, set.CreatedTicks[i]);
            Assert.Equal(row.KelurahanCode, set.KelurahanCodes[set.Kelurahan[i]]);
            Assert.Equal(row.Lon, set.Lon[i]);
            Assert.Equal(row.Lat, set.Lat[i]);
            var (x, y) = MetricProjection.Project(row.Lon, row.Lat);
            Assert.Equal(x, set.X[i], 6);
            Assert.Equal(y, set.Y[i], 6);
        }
    }

    [Fact]
    public async Task A_restarted_service_loads_the_same_points_from_the_table()
    {
        await using var second = new UjarApp(city.App.ConnectionString);
        var points = second.Services.GetRequiredService<ComplaintPoints>();
        await points.WhenLoaded;
        await using var db = city.App.NewDb();
        var ids = await db.Complaints.Select(c => c.Id).OrderBy(id => id).ToListAsync();
        Assert.Equal(ids, points.Current.Ids.ToArray().Order().ToList());
    }

    [Fact]
    public async Task A_complaint_filed_through_the_api_and_its_status_changes_reach_the_points()
    {
        var client = city.App.CreateClient();
        var versionBefore = city.Points.Version;
        var ticket = await client.FileAsync(0.9574, 104.4722, "genangan_air", "Air menggenang setelah hujan");
        await using var db = city.App.NewDb();
        var filed = await db.Complaints.AsNoTracking().SingleAsync(c => c.Ticket == ticket);

        await HotspotTestData.WaitUntilAsync(() => HotspotTestData.IndexOf(city.Points.Current, filed.Id) >= 0);
        var set = city.Points.Current;
        var i = HotspotTestData.IndexOf(set, filed.Id);
        Assert.Equal("genangan_air", set.CategoryCodes[set.Category[i]]);
        Assert.Equal(ComplaintStatus.Received, set.StatusAt(i));
        Assert.Equal(filed.KelurahanCode, set.KelurahanCodes[set.Kelurahan[i]]);
        Assert.NotEqual(versionBefore, city.Points.Version);

        await city.App.ReachStatusAsync(ticket, ComplaintStatus.InProgress);
        await HotspotTestData.WaitUntilAsync(() => city.Points.Current is var s && s.StatusAt(HotspotTestData.IndexOf(s, filed.Id)) == ComplaintStatus.InProgress);
        // The snapshot taken before the change still says what it said: snapshots never change under a reader.
        Assert.Equal(ComplaintStatus.Received, set.StatusAt(i));
    }

    [Theory]
    [InlineData("genangan_air", null, null, null, null, null)]
    [InlineData("sampah,jalan_rusak", "open", null, null, null, null)]
    [InlineData(null, "closed,resolved", null, null, null, null)]
    [InlineData(null, null, "7", null, null, null)]
    [InlineData("genangan_air", null, "30", null, null, null)]
    [InlineData(null, null, null, "FROM:-40", "TO:-10", null)]
    [InlineData(null, "received", null, "FROM:-20", null, null)]
    [InlineData(null, null, null, null, null, "hujan")]
    [InlineData(null, null, null, null, null, "kemarau")]
    [InlineData("genangan_air,sampah", null, null, "FROM:-80", "TO:-5", "hujan")]
    public async Task A_filter_selects_exactly_the_rows_the_same_filter_selects_in_SQL(
        string? category, string? status, string? days, string? from, string? to, string? season)
    {
        // Dates relative to today (the demo spans the last 90 days), written as WIB calendar days.
        var wibToday = DateOnly.FromDateTime(Wib.ToWib(Now).DateTime);
        string? Day(string? spec) => spec is null ? null : wibToday.AddDays(int.Parse(spec.Split(':')[1])).ToString("yyyy-MM-dd");
        var (filter, problem) = HotspotFilter.Parse(category, status, days, Day(from), Day(to), season, Now);
        Assert.Null(problem);

        var set = city.Points.Current;
        var selection = set.Select(filter!);
        var ours = selection.Index.Select(i => set.Ids[i]).Order().ToList();

        // The same filter written independently in SQL, over the rows the snapshot holds.
        var sql = """
            SELECT id FROM complaints
            WHERE id = ANY($1)
              AND ($2::text[] IS NULL OR category_code = ANY($2))
              AND ($3::text[] IS NULL OR status = ANY($3))
              AND ($4::timestamptz IS NULL OR created_at >= $4)
              AND ($5::date IS NULL OR created_at >= ($5::timestamp AT TIME ZONE 'Asia/Jakarta'))
              AND ($6::date IS NULL OR created_at < (($6 + 1)::timestamp AT TIME ZONE 'Asia/Jakarta'))
              AND ($7::int[] IS NULL OR extract(month FROM created_at AT TIME ZONE 'Asia/Jakarta')::int = ANY($7))
              AND ($8::timestamptz IS NULL OR created_at >= $8)
            ORDER BY id
            """;
        string[]? statuses = status switch
        {
            null => null,
            "open" => ["Received", "Verified", "Assigned", "InProgress", "Reopened"],
            _ => status.Split(',').Select(s => ComplaintStatuses.TryParse(s, out var parsed) ? parsed.ToString() : s).ToArray(),
        };
        int[]? months = season switch { "hujan" => [10, 11, 12, 1, 2, 3], "kemarau" => [4, 5, 6, 7, 8, 9], _ => null };
        // A season without from/to means the last 12 months.
        DateTime? seasonFrom = season is not null && from is null && to is null ? Now.AddMonths(-12) : null;
        await using var connection = new NpgsqlConnection(city.App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = set.Ids.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)category?.Split(',') ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)statuses ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = days is null ? DBNull.Value : Now.AddDays(-int.Parse(days)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Day(from) is { } f ? DateOnly.Parse(f) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = Day(to) is { } t ? DateOnly.Parse(t) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)months ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = seasonFrom is { } sf ? sf : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var expected = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) expected.Add(reader.GetInt64(0));

        Assert.NotEmpty(expected);
        Assert.True(expected.Count < set.Count, "the filter must leave something out to mean anything");
        Assert.Equal(expected, ours);
        for (var k = 0; k < selection.Count; k++)
        {
            Assert.Equal(set.X[selection.Index[k]], selection.X[k]);
            Assert.Equal(set.Lat[selection.Index[k]], selection.Lat[k]);
        }
    }

    [Theory]
    [InlineData("status", null, "lost", null, null, null, null)]
    [InlineData("days", null, null, "14", null, null, null)]
    [InlineData("days", null, null, "7", "2026-01-01", null, null)]
    [InlineData("from", null, null, null, "yesterday", null, null)]
    [InlineData("to", null, null, null, "2026-03-01", "2026-02-01", null)]
    [InlineData("season", null, null, null, null, null, "monsun")]
    [InlineData("category", "banjir_bandang", null, null, null, null, null)]
    public async Task A_bad_filter_value_is_a_422_naming_the_field(string field, string? category, string? status, string? days,
        string? from, string? to, string? season)
    {
        var router = city.App.Services.GetRequiredService<ComplaintRouter>();
        var (filter, problem) = HotspotFilter.Parse(category, status, days, from, to, season, Now, router.IsKnownCategory);
        Assert.Null(filter);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = city.App.Services };
        context.Response.Body = new MemoryStream();
        await problem!.ExecuteAsync(context);
        Assert.Equal(422, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await System.Text.Json.JsonDocument.ParseAsync(context.Response.Body);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"the problem names '{field}'");
    }
}
