using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Deadlines;

namespace Ujar.Api.Tasks;

/// <summary>A crew's next jobs: open complaints nearest to where they stand. <see cref="AssignedToMe"/> says it was assigned to
/// the crew member asking.</summary>
public sealed record WorkTask(string Ticket, string Category, string Status, double Lat, double Lon, double DistanceMeters,
    DeadlineView? Deadline, int SupportCount, string Description, string? ThumbUrl, bool AssignedToMe);

/// <summary>
/// GET /api/tasks/nearby in one round trip. Raw SQL because the plan matters: the partial index
/// <c>ix_complaints_open_location_geography</c> holds only open complaints, so the query repeats its predicate word for
/// word and orders by <c>location::geography &lt;-&gt; point</c>, which lets PostgreSQL walk the index nearest first and
/// stop at the limit instead of sorting every open complaint of the city.
/// <para>
/// The index orders by distance on a sphere, while the list shows <c>ST_Distance</c> on the WGS 84 ellipsoid; the two
/// differ by up to about half a percent, so neighbours a few metres apart can swap. The query therefore takes
/// <see cref="Slack"/> more candidates than asked, and they are sorted again here by the distance shown before the cut.
/// A second branch adds the open complaints assigned to the crew member asking (few, by <c>ix_complaints_assignee_id</c>),
/// wherever they are: they come first.
/// </para>
/// </summary>
public static class NearbyTasks
{
    /// <summary>The index's own predicate (see the StaffAccountsAndAudit migration); any other spelling loses the index.</summary>
    public const string OpenPredicate = "c.status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened')";

    /// <summary>Extra candidates taken from the index beyond the page, for the re-ranking by the ellipsoid distance. Only
    /// neighbours within about 0.5% of the same distance can swap, so ten covers the cut unless more than ten complaints
    /// stand that close to it (then the farthest of them may be left off one page).</summary>
    public const int Slack = 10;

    private const string Point = "ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography";

    /// <summary><paramref name="AssigneeId"/>: the crew account asking, whose own assignments come first (null: none).</summary>
    public sealed record Query(double Lat, double Lon, double RadiusMeters, int Limit, string? OpdCode, string? AssigneeId = null);

    /// <summary>The command for <paramref name="query"/> on <paramref name="connection"/>; tests EXPLAIN its text.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, Query query)
    {
        var columns = $"""
            c.ticket, c.category_code, c.status, ST_Y(c.location), ST_X(c.location),
                   ST_Distance(c.location::geography, {Point}), c.created_at, c.support_count, c.description,
                   (SELECT p.id FROM photos p WHERE p.complaint_id = c.id AND p.kind = 'Report' ORDER BY p.created_at LIMIT 1),
                   c.assignee_id
            """;
        var opd = query.OpdCode is null ? "" : "AND c.opd_code = @opd";
        var nearest = $"""
            SELECT {columns}
            FROM complaints c
            WHERE {OpenPredicate}
              {opd}
              AND ST_DWithin(c.location::geography, {Point}, @radius)
            ORDER BY c.location::geography <-> {Point}
            LIMIT @candidates
            """;
        var command = new NpgsqlCommand(query.AssigneeId is null ? nearest : $"""
            ({nearest})
            UNION ALL
            (SELECT {columns}
            FROM complaints c
            WHERE c.assignee_id = @assignee AND {OpenPredicate} {opd}
            LIMIT @limit)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("lat", NpgsqlDbType.Double) { Value = query.Lat });
        command.Parameters.Add(new NpgsqlParameter("lon", NpgsqlDbType.Double) { Value = query.Lon });
        command.Parameters.Add(new NpgsqlParameter("radius", NpgsqlDbType.Double) { Value = query.RadiusMeters });
        command.Parameters.Add(new NpgsqlParameter("candidates", NpgsqlDbType.Integer) { Value = query.Limit + Slack });
        if (query.OpdCode is not null) command.Parameters.Add(new NpgsqlParameter("opd", NpgsqlDbType.Text) { Value = query.OpdCode });
        if (query.AssigneeId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("assignee", NpgsqlDbType.Text) { Value = query.AssigneeId });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit });
        }
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
            var candidates = new List<(WorkTask Task, double Meters)>();
            while (await reader.ReadAsync(ct))
            {
                var (category, status, created) = (reader.GetString(1), Enum.Parse<ComplaintStatus>(reader.GetString(2)),
                    DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc));
                var meters = reader.GetDouble(5);
                var mine = query.AssigneeId is not null && !reader.IsDBNull(10) && reader.GetString(10) == query.AssigneeId;
                candidates.Add((new WorkTask(reader.GetString(0), category, ComplaintStatuses.ToApi(status), reader.GetDouble(3), reader.GetDouble(4),
                    Math.Round(meters, 1), StaffDeadlines.Of(status, created, category, categories, calendar, nowUtc),
                    reader.GetInt32(7), reader.GetString(8), reader.IsDBNull(9) ? null : PhotoUrls.Thumb(reader.GetGuid(9)), mine), meters));
            }
            // One assigned to the asker and near may come from both branches; the ticket breaks exact ties so pages are stable.
            return candidates.DistinctBy(c => c.Task.Ticket)
                .OrderByDescending(c => c.Task.AssignedToMe).ThenBy(c => c.Meters).ThenBy(c => c.Task.Ticket, StringComparer.Ordinal)
                .Take(query.Limit).Select(c => c.Task).ToList();
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }
}
