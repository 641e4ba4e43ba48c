using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Ujar.Api.Complaints;
using Ujar.Api.Data;
using Ujar.Api.Live;

namespace Ujar.Api.Deadlines;

/// <summary><c>Ujar:Sla</c>: how often the watcher looks (seconds).</summary>
public sealed class SlaOptions
{
    public int IntervalSeconds { get; set; } = 60;
}

/// <summary>
/// Watches the clock for the complaints' deadlines, every <see cref="SlaOptions.IntervalSeconds"/>:
/// <list type="bullet">
/// <item>a resolved complaint whose reporter has not answered within <see cref="ReplyWorkingDays"/> working days is
/// closed by Ujar itself (the timeline says so);</item>
/// <item>an open complaint whose next deadline (<see cref="ComplaintDeadlines"/>) has passed is escalated: one
/// <c>escalations</c> row and one <see cref="LiveEventType.Escalated"/> event for its OPD's staff and the admins.</item>
/// </list>
/// Every instance of the service runs one, with no leader: the unique key of <c>escalations</c> makes the second
/// INSERT of the same (complaint, kind, due) do nothing, and only the rows an INSERT returns get a live event; a
/// closing races through <see cref="ComplaintStatusChanges"/>, whose row version lets one closing win.
/// Each run reads only candidates, in batches: open complaints whose deadline may have passed (filed more calendar days
/// ago than the working days they had, which a working-day deadline always exceeds) and that were not yet escalated
/// for the deadline they now owe, and resolved complaints whose last "resolved" step is more than 10 days old.
/// </summary>
public sealed class SlaWatcher(IDbContextFactory<UjarDb> dbFactory, WorkingCalendars calendars,
    TimeProvider clock, IOptions<SlaOptions> options, ILogger<SlaWatcher> logger) : BackgroundService
{
    /// <summary>How long the reporter has to say "sudah / belum selesai" after the OPD marks a complaint resolved.</summary>
    public const int ReplyWorkingDays = 10;
    public const string AutoCloseNote = "Ditutup otomatis: tidak ada jawaban pelapor dalam 10 hari kerja";
    public const int BatchSize = 500;

    /// <summary>What one run did.</summary>
    public sealed record Run(int Closed, int Escalated);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var run = await RunOnceAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
                    if (run.Closed + run.Escalated > 0)
                        logger.LogInformation("Deadlines: {Closed} closed without the reporter's answer, {Escalated} escalated", run.Closed, run.Escalated);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A database hiccup must not end the watching; the next tick tries again, and nothing is half-done.
                    logger.LogError(ex, "Deadline watch failed; retrying at the next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One look at the clock as it reads <paramref name="nowUtc"/>: closes, then escalates.</summary>
    public async Task<Run> RunOnceAsync(DateTime nowUtc, CancellationToken ct)
    {
        nowUtc = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
        var calendar = calendars.Current;
        var closed = await CloseUnansweredAsync(nowUtc, calendar, ct);
        var escalated = await EscalateOverdueAsync(nowUtc, calendar, ct);
        return new Run(closed, escalated);
    }

    private async Task<int> CloseUnansweredAsync(DateTime nowUtc, WorkingCalendar calendar, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var closed = 0;
        long afterId = 0;
        while (true)
        {
            // The last "resolved" step counts: a complaint reopened and resolved again gives the reporter a new window.
            var batch = await ReadAsync(db, UnansweredSql, r => (Id: r.GetInt64(0), Ticket: r.GetString(1), ResolvedAt: r.GetDateTime(2)), afterId, nowUtc, ct);
            foreach (var (_, ticket, resolvedAt) in batch.Where(c => calendar.AddWorkingDays(c.ResolvedAt, ReplyWorkingDays) <= nowUtc))
            {
                // The reporter may answer at this very moment: then this change finds another status or version and
                // does nothing, which is right.
                var outcome = await ComplaintStatusChanges.ChangeAsync(db, ticket,
                    new ChangeRequest(ComplaintStatus.Closed, AutoCloseNote), ChangeActor.System, nowUtc, ct);
                if (outcome is ComplaintStatusChanges.Changed) closed++;
                else logger.LogDebug("Not closing {Ticket} resolved at {ResolvedAt}: {Outcome}", ticket, resolvedAt, outcome);
                db.ChangeTracker.Clear();
            }
            if (batch.Count < BatchSize) return closed;
            afterId = batch[^1].Id;
        }
    }

    private async Task<int> EscalateOverdueAsync(DateTime nowUtc, WorkingCalendar calendar, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Code, ct);
        var escalated = 0;
        long afterId = 0;
        while (true)
        {
            var batch = await ReadAsync(db, CandidatesSql, r => (Id: r.GetInt64(0), Status: Enum.Parse<ComplaintStatus>(r.GetString(1)),
                CreatedAt: r.GetDateTime(2), Category: r.GetString(3)), afterId, nowUtc, ct);
            var overdue = batch
                .Select(c => (c.Id, Deadline: ComplaintDeadlines.Next(c.Status, c.CreatedAt, categories[c.Category], calendar)))
                .Where(c => c.Deadline is { } d && d.IsOverdue(nowUtc))
                .Select(c => (c.Id, c.Deadline!))
                .ToList();
            if (overdue.Count > 0) escalated += await EscalateAsync(db, overdue, nowUtc, ct);
            if (batch.Count < BatchSize) return escalated;
            afterId = batch[^1].Id;
        }
    }

    /// <summary>
    /// Records the escalations and tells staff, in one transaction. Of two watchers inserting the same row, the second
    /// waits for the first to commit and then inserts nothing, so it announces nothing. Both insert in id order, so
    /// neither can hold a row the other waits for while waiting for one the other holds.
    /// </summary>
    private async Task<int> EscalateAsync(UjarDb db, IReadOnlyList<(long Id, Deadline Deadline)> overdue, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var inserted = new List<long>();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO escalations (complaint_id, kind, due_utc, opd_code, at)
            SELECT x.id, x.kind, x.due, c.opd_code, @now
            FROM unnest(@ids, @kinds, @dues) AS x(id, kind, due) JOIN complaints c ON c.id = x.id
            ORDER BY x.id
            ON CONFLICT (complaint_id, kind, due_utc) DO NOTHING
            RETURNING complaint_id
            """, connection, (NpgsqlTransaction)tx.GetDbTransaction()))
        {
            insert.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, nowUtc);
            insert.Parameters.AddWithValue("ids", overdue.Select(o => o.Id).ToArray());
            insert.Parameters.AddWithValue("kinds", overdue.Select(o => o.Deadline.Kind.ToString()).ToArray());
            insert.Parameters.AddWithValue("dues", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, overdue.Select(o => o.Deadline.DueUtc).ToArray());
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) inserted.Add(reader.GetInt64(0));
        }
        if (inserted.Count == 0) return 0;

        var complaints = await db.Complaints.AsNoTracking().Where(c => inserted.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
        var events = complaints.Select(c => LiveEvents.Of(LiveEventType.Escalated, c, nowUtc)).ToList();
        await LiveEvents.AppendAsync(db, events, ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>
    /// Resolved complaints, by id after <c>@after</c>, whose last "resolved" step is older than the reply window in
    /// calendar days (the working-day window is never shorter). Public so a test can check the partial index serves it.
    /// </summary>
    public static readonly string UnansweredSql = $"""
        SELECT c.id, c.ticket, r.at
        FROM complaints c
        CROSS JOIN LATERAL (SELECT max(s.at) AS at FROM status_changes s WHERE s.complaint_id = c.id AND s."to" = 'Resolved') r
        WHERE c.status = 'Resolved' AND c.id > @after AND r.at < @now - make_interval(days => {ReplyWorkingDays})
        ORDER BY c.id
        LIMIT {BatchSize}
        """;

    /// <summary>
    /// Open complaints, by id after <c>@after</c>, that may be overdue and have no escalation yet for the kind of
    /// deadline they now owe. Built from <see cref="ComplaintDeadlines.KindOwed"/>, so it follows the deadline rules.
    /// Public so a test can check the partial index serves it.
    /// </summary>
    public static readonly string CandidatesSql = BuildCandidatesSql();

    private static string BuildCandidatesSql()
    {
        static string Days(DeadlineKind kind) => kind switch
        {
            DeadlineKind.Verify => "k.verify_days",
            DeadlineKind.Response => "k.response_days",
            DeadlineKind.Resolve => "k.resolve_days",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var owed = ComplaintDeadlines.KindOwed;
        var statuses = string.Join(", ", owed.Keys.Select(s => $"'{s}'"));
        var kind = "CASE c.status " + string.Concat(owed.Select(o => $"WHEN '{o.Key}' THEN '{o.Value}' ")) + "END";
        var days = "CASE c.status " + string.Concat(owed.Select(o => $"WHEN '{o.Key}' THEN {Days(o.Value)} ")) + "END";
        return $"""
            SELECT c.id, c.status, c.created_at, c.category_code
            FROM complaints c JOIN categories k ON k.code = c.category_code
            WHERE c.status IN ({statuses}) AND c.id > @after
              AND c.created_at < @now - make_interval(days => {days})
              AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.complaint_id = c.id AND e.kind = {kind})
            ORDER BY c.id
            LIMIT {BatchSize}
            """;
    }

    private static async Task<List<T>> ReadAsync<T>(UjarDb db, string sql, Func<NpgsqlDataReader, T> row, long afterId, DateTime nowUtc,
        CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("after", afterId);
            command.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, nowUtc);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct)) rows.Add(row(reader));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
