using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ujar.Api.Categories;
using Ujar.Api.Setup;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>
/// The PostGIS server the tests use: <c>UJAR_TEST_DB</c> (a connection string to a server where we may create
/// databases) when set, else a throwaway cluster from the local server binaries. No PostGIS means failing tests,
/// never skipped ones. Each test class asks for its own database, cloned from a migrated template in ~100 ms, so
/// tests never see each other's rows or boundary generations.
/// </summary>
public static class TestPostGis
{
    private static readonly Lazy<Task<Server>> Shared = new(StartAsync);
    private static int _databases;
    // CREATE DATABASE … TEMPLATE needs the template to itself, so clones are made one at a time.
    private static readonly SemaphoreSlim CloneLock = new(1, 1);

    /// <summary>A new database with nothing in it but PostGIS, as a city's own new server gives the <c>migrate</c> command.</summary>
    public static async Task<string> NewEmptyDatabaseAsync()
    {
        var server = await Shared.Value;
        var name = $"ujar_t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = server.ConnectionStringFor(name);
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var postgis = new NpgsqlCommand("CREATE EXTENSION postgis", connection);
            await postgis.ExecuteNonQueryAsync();
        }
        return connectionString;
    }

    /// <summary>A new, migrated database with the OPD and category tables loaded and no boundaries.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var server = await Shared.Value;
        var name = $"ujar_t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await CloneLock.WaitAsync();
        try
        {
            await using var admin = new NpgsqlConnection(server.AdminConnectionString);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {server.TemplateName}", admin);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            CloneLock.Release();
        }
        return server.ConnectionStringFor(name);
    }

    private static async Task<Server> StartAsync()
    {
        Server server;
        if (Environment.GetEnvironmentVariable("UJAR_TEST_DB") is { Length: > 0 } given)
        {
            server = new Server(given, null);
        }
        else
        {
            DeleteClustersOfEndedRuns();
            var dataDir = Path.Combine(Path.GetTempPath(), $"{ClusterPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..30]);
            var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(dataDir, Throwaway: true), NullLogger.Instance);
            server = new Server(embedded.ConnectionString, embedded);
            // xunit 2 has no assembly-level teardown; stop the cluster when the test process ends.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => embedded.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {server.TemplateName}", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {server.TemplateName}", admin);
            await create.ExecuteNonQueryAsync();
        }
        // Unpooled: a template must have no open connections left when it is cloned.
        var templateConnection = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(server.TemplateName)) { Pooling = false }.ConnectionString;
        await using (var db = TestDb.Create(templateConnection))
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database);
            await ReferenceData.SyncAsync(db, City.Read(TestPaths.TanjungpinangCity), TestPaths.GisData);
        }
        return server;
    }

    private const string ClusterPrefix = "ujar-test-";

    /// <summary>
    /// The test host is often killed right after the cluster stops, before its folder (over 1 GB after a full run) is
    /// deleted; left alone, those folders fill the disk over a few runs. Folders of test processes that no longer run
    /// are deleted here, at the start of the next run.
    /// </summary>
    private static void DeleteClustersOfEndedRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), ClusterPrefix + "*"))
        {
            var pid = Path.GetFileName(dir)[ClusterPrefix.Length..].Split('-')[0];
            var postmasterRunning = File.Exists(Path.Combine(dir, "pgdata", "postmaster.pid"));
            if (!Directory.Exists($"/proc/{pid}") && !postmasterRunning)
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // Another run may be sweeping the same folder; whatever is left goes next time.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private sealed record Server(string AdminConnectionString, EmbeddedPostgres? Embedded)
    {
        public string TemplateName { get; } = $"ujar_template_{Environment.ProcessId}";

        public string ConnectionStringFor(string database) =>
            new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;
    }
}
