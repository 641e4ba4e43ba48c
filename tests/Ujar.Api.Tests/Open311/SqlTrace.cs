using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ujar.Api.Tests.Open311;

/// <summary>
/// Counts the SQL commands one piece of test code causes in the service: Npgsql reports each command as an activity (its
/// text among the tags once it has run), and
/// those started inside <see cref="CountAsync"/> (the request runs in the test's execution context, see
/// <c>TestServer.PreserveExecutionContext</c>) share its trace id. Commands of other tests and of background services
/// have other trace ids, so they do not count.
/// </summary>
public static class SqlTrace
{
    private static readonly ActivitySource Source = new("Ujar.Tests.SqlTrace");
    private static readonly ConcurrentDictionary<ActivityTraceId, ConcurrentBag<string>> Commands = new();

    private static readonly ActivityListener Listener = Listen();

    private static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Ujar.Tests.SqlTrace",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && Commands.TryGetValue(activity.TraceId, out var bag))
                    bag.Add(activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Runs <paramref name="action"/> and returns what it returned with the SQL commands it caused.</summary>
    public static async Task<(T Result, IReadOnlyList<string> Commands)> CountAsync<T>(Func<Task<T>> action)
    {
        GC.KeepAlive(Listener);
        using var activity = Source.StartActivity("test")!;
        var bag = Commands[activity.TraceId] = [];
        try
        {
            return (await action(), bag.ToList());
        }
        finally
        {
            Commands.TryRemove(activity.TraceId, out _);
        }
    }
}
