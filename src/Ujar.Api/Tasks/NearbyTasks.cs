using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Tasks;

/// <summary>A crew's next jobs: open complaints nearest to where they stand.</summary>
public sealed record WorkTask(string Ticket, string Category, string Status, double Lat, double Lon, double DistanceMeters,
    DeadlineView? Deadline, int SupportCount, string Description, string? ThumbUrl);

/// <summary>
/// GET /api/tasks/nearby in one round trip. Raw SQL because the plan matters: the partial index
/// <c>ix_complaints_open_location_geography</c> holds only open complaints, so the query repeats its predicate word for
/// word and orders by <c>location::geography &lt;-&gt; point</c>, which lets PostgreSQL walk the index nearest first and
/// stop at the limit instead of sorting every open complaint of the city.
/// </summary>
public static class NearbyTasks
{
    /// <summary>The index's own predicate (see the StaffAccountsAndAudit migration); any other spelling loses the index.</summary>
    public const string OpenPredicate = "c.status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened')";

    private const string Point = "ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography";

    public sealed record Query(double Lat, double Lon, double RadiusMeters, int Limit, string? OpdCode);

    /// <summary>The command for <paramref name="query"/> on <paramref name="connection"/>; tests EXPLAIN its text.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, Query query)
    {
        var command = new NpgsqlCommand($"""
            SELECT c.ticket, c.category_code, c.status, ST_Y(c.location), ST_X(c.location),
                   ST_Distance(c.location::geography, {Point}), c.created_at, c.support_count, c.description,
                   (SELECT p.id FROM photos p WHERE p.complaint_id = c.id AND p.kind = 'Report' ORDER BY p.created_at LIMIT 1)
            FROM complaints c
            WHERE {OpenPredicate}
              {(query.OpdCode is null ? "" : "AND c.opd_code = @opd")}
              AND ST_DWithin(c.location::geography, {Point}, @radius)
            ORDER BY c.location::geography <-> {Point}
            LIMIT @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("lat", NpgsqlDbType.Double) { Value = query.Lat });
        command.Parameters.Add(new NpgsqlParameter("lon", NpgsqlDbType.Double) { Value = query.Lon });
        command.Parameters.Add(new NpgsqlParameter("radius", NpgsqlDbType.Double) { Value = query.RadiusMeters });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit });
        if (query.OpdCode is not null) command.Parameters.Add(new NpgsqlParameter("opd", NpgsqlDbType.Text) { Value = query.OpdCode });
        return command;
    }

    /// <summary>Deadlines come from the cached categories and calendar, so the whole answer is this one query.</summary>
    public static async Task<IReadOnlyList<WorkTask>> FindAsync(UjarDb db, Query query, IReadOnlyDictionary<string, Categories.Category> categories,
        WorkingCalendar calendar, DateTime nowUtc, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = Command(connection, query);
            // Prepared once per pooled connection (Npgsql keeps it): PostgreSQL plans this query only the first time.
            await command.PrepareAsync(ct);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var tasks = new List<WorkTask>();
            while (await reader.ReadAsync(ct))
            {
                var (category, status, created) = (reader.GetString(1), Enum.Parse<ComplaintStatus>(reader.GetString(2)),
                    DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc));
                tasks.Add(new WorkTask(reader.GetString(0), category, ComplaintStatuses.ToApi(status), reader.GetDouble(3), reader.GetDouble(4),
                    Math.Round(reader.GetDouble(5), 1), StaffDeadlines.Of(status, created, category, categories, calendar, nowUtc),
                    reader.GetInt32(7), reader.GetString(8), reader.IsDBNull(9) ? null : PhotoUrls.Thumb(reader.GetGuid(9))));
            }
            return tasks;
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }
}
