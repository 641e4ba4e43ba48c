using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Ujar.Api.Setup;

namespace Ujar.Api.Tests.Infrastructure;

public sealed class EmbeddedPostgresTests : IDisposable
{
    // Under /tmp: reachable by the postgres user when the tests run as root.
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ujar-ep-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Throwaway_cluster_starts_with_postgis_and_is_gone_after_dispose()
    {
        var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_dir, Throwaway: true), NullLogger.Instance);
        var port = new NpgsqlConnectionStringBuilder(pg.ConnectionString).Port;
        try
        {
            Assert.Equal("ujar", new NpgsqlConnectionStringBuilder(pg.ConnectionString).Database);
            Assert.StartsWith("POSTGIS=", await ScalarAsync<string>(pg.ConnectionString, "select postgis_full_version()"));
            Assert.Equal("off", await ScalarAsync<string>(pg.ConnectionString, "show fsync"));
        }
        finally
        {
            await pg.DisposeAsync();
        }

        Assert.False(Accepts(port), $"port {port} still accepts connections after DisposeAsync");
        Assert.False(Directory.Exists(_dir), "the throwaway data folder was not deleted");
    }

    [Fact]
    public async Task Persistent_cluster_keeps_its_data_across_restarts()
    {
        var options = new EmbeddedPostgresOptions(_dir, Throwaway: false);
        await using (var first = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance))
        {
            Assert.Equal("on", await ScalarAsync<string>(first.ConnectionString, "show fsync"));
            await ScalarAsync<int>(first.ConnectionString, "create table kept(v int); insert into kept values (42); select 1");
        }

        Assert.True(File.Exists(Path.Combine(_dir, "pgdata", "PG_VERSION")), "the persistent cluster was deleted on dispose");

        await using var second = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance);
        Assert.Equal(42, await ScalarAsync<int>(second.ConnectionString, "select v from kept"));
    }

    [Fact]
    public async Task Server_connection_string_reaches_other_databases_of_the_same_server()
    {
        await using var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_dir, Throwaway: true), NullLogger.Instance);

        Assert.Equal("postgres", await ScalarAsync<string>(pg.ServerConnectionString("postgres"), "select current_database()"));
        Assert.Equal(
            new NpgsqlConnectionStringBuilder(pg.ConnectionString).Port,
            new NpgsqlConnectionStringBuilder(pg.ServerConnectionString("postgres")).Port);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static bool Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
