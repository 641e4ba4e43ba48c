using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ujar.Api.Setup;

/// <summary>Where the embedded cluster lives. <paramref name="Throwaway"/> clusters (tests) trade durability for speed and are deleted on dispose.</summary>
public sealed record EmbeddedPostgresOptions(string DataDirectory, bool Throwaway);

/// <summary>The PostgreSQL server binaries are there but PostGIS is not (or neither is).</summary>
public sealed class PostGisNotInstalledException(string message) : Exception(message);

/// <summary>
/// A local PostgreSQL + PostGIS server run from the binaries the Debian packages install
/// (<c>/usr/lib/postgresql/N/bin</c>), so `serve` and the tests need no database set up by hand.
/// <para>
/// Layout of <see cref="EmbeddedPostgresOptions.DataDirectory"/>: <c>pgdata/</c> (the cluster),
/// <c>run/</c> (the unix socket) and <c>postgres.log</c> (the server log).
/// The server listens on 127.0.0.1 only, on a free port chosen at each start, and trusts every local connection.
/// </para>
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string DatabaseName = "ujar";
    private const string PostgresUser = "postgres";
    private const int LogTailLines = 40;

    // A unix socket path must fit sun_path (108 bytes); PostgreSQL appends "/.s.PGSQL.<port>" (up to 16) to the folder.
    private const int MaxSocketDirLength = 80;

    private readonly ILogger _logger;
    private readonly Layout _layout;
    private readonly Runner _runner;
    private readonly bool _throwaway;
    private readonly int _port;
    private int _disposed;

    private EmbeddedPostgres(ILogger logger, Layout layout, Runner runner, bool throwaway, int port)
    {
        _logger = logger;
        _layout = layout;
        _runner = runner;
        _throwaway = throwaway;
        _port = port;
        ConnectionString = ServerConnectionString(DatabaseName);
    }

    /// <summary>Npgsql connection string to the <c>ujar</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string to another database of the same server.</summary>
    public string ServerConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = PostgresUser,
        Database = database,
        Pooling = true,
        MinPoolSize = 0,
        MaxPoolSize = 50,
        Timeout = 15,
        CommandTimeout = 30,
        ConnectionIdleLifetime = 60,
    }.ConnectionString;

    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        var binDir = FindServerBinaries();
        var asRoot = Environment.UserName == "root";
        var layout = Layout.For(Path.GetFullPath(options.DataDirectory), asRoot, logger);
        layout.Create();
        if (asRoot)
        {
            // initdb refuses to run as root, so the cluster belongs to the postgres user (created by the Debian package).
            await RunOrThrowAsync("chown", [$"{PostgresUser}:", layout.Root, layout.SocketDir], layout, ct);
        }

        var runner = new Runner(binDir, asRoot, layout);
        var server = new EmbeddedPostgres(logger, layout, runner, options.Throwaway, FreeTcpPort());
        try
        {
            if (File.Exists(Path.Combine(layout.PgData, "PG_VERSION")))
            {
                await runner.StopLeftoverServerAsync(logger, ct);
            }
            else
            {
                await runner.InitDbAsync(options.Throwaway, logger, ct);
            }

            await runner.StartAsync(server._port, options.Throwaway, ct);
            await server.PrepareDatabaseAsync(ct);
        }
        catch (Exception e)
        {
            var tail = layout.LogTail();
            await server.DisposeAsync();
            if (e is NpgsqlException)
            {
                throw new InvalidOperationException($"Embedded PostgreSQL in {layout.Root} started but could not be prepared: {e.Message}{tail}", e);
            }

            throw;
        }

        logger.LogInformation("Embedded PostgreSQL {Version} ({Kind}) on 127.0.0.1:{Port}, data in {Dir}",
            Path.GetFileName(Path.GetDirectoryName(binDir)), options.Throwaway ? "throwaway" : "persistent", server._port, layout.Root);
        return server;
    }

    /// <summary>
    /// The <c>ujar</c> database of the persistent cluster in <paramref name="dataDirectory"/> while a <c>serve</c> keeps it
    /// running (its port is in <c>postmaster.pid</c>), so the other commands (<c>channel-key</c>, <c>import-boundaries</c>…)
    /// reach the city a newcomer started with <c>src/run.sh</c>. Null when no server runs there; nothing is started or stopped.
    /// </summary>
    public static string? RunningConnectionString(string dataDirectory, ILogger logger)
    {
        var layout = Layout.For(Path.GetFullPath(dataDirectory), Environment.UserName == "root", logger);
        var pidFile = Path.Combine(layout.PgData, "postmaster.pid");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (IOException)
        {
            return null;
        }
        // postmaster.pid: pid, data folder, start time, port, socket folder, …
        if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !Runner.IsLivePostgres(pid) || !int.TryParse(lines[3], out var port))
        {
            return null;
        }

        return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = PostgresUser, Database = DatabaseName, Timeout = 15 }
            .ConnectionString;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are ended); a throwaway cluster is deleted too.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        var result = await _runner.PgCtlAsync(["stop", "-D", _layout.PgData, "-m", "fast", "-w", "-t", "60"], CancellationToken.None);
        if (result.ExitCode != 0)
        {
            // Usually it is already gone (it never started, or was stopped from outside); nothing to do then.
            _logger.LogWarning("pg_ctl stop for {Dir} exited {Code}: {Output}", _layout.PgData, result.ExitCode, result.Output.Trim());
        }

        if (_throwaway)
        {
            _layout.Delete();
        }
    }

    /// <summary>Creates the <c>ujar</c> database if missing and PostGIS in it.</summary>
    private async Task PrepareDatabaseAsync(CancellationToken ct)
    {
        // Pooling off: these one-off admin connections must not linger in a pool after the server stops.
        var admin = new NpgsqlConnectionStringBuilder(ServerConnectionString("postgres")) { Pooling = false }.ConnectionString;
        await using (var conn = await OpenWhenReadyAsync(admin, ct))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = DatabaseName } } };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", conn);
                await create.ExecuteNonQueryAsync(ct);
            }
        }

        var db = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;
        await using (var conn = await OpenWhenReadyAsync(db, ct))
        {
            await using var postgis = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis", conn);
            await postgis.ExecuteNonQueryAsync(ct);
        }
    }

    // pg_ctl -w returns once the postmaster reports ready; retrying covers the short gap before it accepts logins.
    private static async Task<NpgsqlConnection> OpenWhenReadyAsync(string connectionString, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var conn = new NpgsqlConnection(connectionString);
            try
            {
                await conn.OpenAsync(ct);
                return conn;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await conn.DisposeAsync();
                await Task.Delay(100, ct);
            }
        }
    }

    /// <summary>Highest installed PostgreSQL major version that has both initdb and PostGIS.</summary>
    private static string FindServerBinaries()
    {
        const string libRoot = "/usr/lib/postgresql";
        var versions = Directory.Exists(libRoot)
            ? Directory.GetDirectories(libRoot)
                .Select(d => int.TryParse(Path.GetFileName(d), out var n) ? n : -1)
                .Where(n => n > 0 && File.Exists($"{libRoot}/{n}/bin/initdb"))
                .OrderDescending()
                .ToList()
            : [];

        foreach (var n in versions)
        {
            if (File.Exists($"/usr/share/postgresql/{n}/extension/postgis.control"))
            {
                return $"{libRoot}/{n}/bin";
            }
        }

        var version = versions.Count > 0 ? versions[0] : 15;
        var found = versions.Count > 0 ? $"PostgreSQL {version} is installed but PostGIS is not" : "No PostgreSQL server is installed";
        throw new PostGisNotInstalledException(
            $"{found}. Install it with: apt-get install -y postgresql-{version}-postgis-3 " +
            "(or set ConnectionStrings__Ujar to an existing PostgreSQL with PostGIS).");
    }

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task RunOrThrowAsync(string file, IReadOnlyList<string> args, Layout layout, CancellationToken ct)
    {
        var result = await RunAsync(file, args, asPostgres: false, layout.Root, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Embedded PostgreSQL: `{file} {string.Join(' ', args)}` exited {result.ExitCode}: {result.Output.Trim()}");
        }
    }

    private static async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, string workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The caller's folder may be unreadable for the postgres user (e.g. under /root); initdb complains then.
            WorkingDirectory = workingDirectory,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", PostgresUser, "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new ProcessResult(process.ExitCode, await stdout + await stderr);
    }

    private sealed record ProcessResult(int ExitCode, string Output);

    /// <summary>Runs the server binaries, as the postgres user when we are root.</summary>
    private sealed class Runner(string binDir, bool asRoot, Layout layout)
    {
        public async Task InitDbAsync(bool throwaway, ILogger logger, CancellationToken ct)
        {
            string[] common = ["-D", layout.PgData, "-A", "trust", "-U", PostgresUser, "-E", "UTF8", .. throwaway ? new[] { "--no-sync" } : []];
            var result = await RunAsync(Bin("initdb"), [.. common, "--locale=C.UTF-8"], asRoot, layout.Root, ct);
            if (result.ExitCode != 0 && result.Output.Contains("locale", StringComparison.OrdinalIgnoreCase))
            {
                // Minimal images may lack C.UTF-8; initdb has removed what it created, so just retry.
                logger.LogWarning("initdb: locale C.UTF-8 is not available, using --no-locale");
                result = await RunAsync(Bin("initdb"), [.. common, "--no-locale"], asRoot, layout.Root, ct);
            }

            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"Embedded PostgreSQL: initdb in {layout.PgData} exited {result.ExitCode}: {result.Output.Trim()}");
            }
        }

        /// <summary>
        /// A postmaster.pid left behind by a crash of ours: a live postgres is stopped; otherwise the file is stale and is
        /// removed, since the postmaster refuses to start while its pid names any process (a zombie or a reused pid).
        /// </summary>
        public async Task StopLeftoverServerAsync(ILogger logger, CancellationToken ct)
        {
            var pidFile = Path.Combine(layout.PgData, "postmaster.pid");
            if (!File.Exists(pidFile))
            {
                return;
            }

            if (int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && IsLivePostgres(pid))
            {
                logger.LogWarning("Stopping a PostgreSQL server (pid {Pid}) left running on {Dir}", pid, layout.PgData);
                await PgCtlOrThrowAsync(["stop", "-D", layout.PgData, "-m", "fast", "-w", "-t", "60"], ct);
            }
            else
            {
                File.Delete(pidFile);
            }
        }

        public Task StartAsync(int port, bool throwaway, CancellationToken ct)
        {
            // pg_ctl hands -o to the postmaster through /bin/sh, so the socket folder is quoted (Layout keeps it free of quotes).
            var settings = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{layout.SocketDir}'";
            if (throwaway)
            {
                // Test runs keep a database and a connection pool per test class, all open at once. Minimal WAL, recycled
                // early: a full test run otherwise leaves ~600 MB of it behind in each throwaway cluster.
                settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500"
                    + " -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=96MB -c min_wal_size=32MB";
            }

            // setsid: a new session, so a terminal's Ctrl+C meant for the app does not also stop the database under it;
            // the app stops it on dispose.
            return PgCtlOrThrowAsync(["start", "-D", layout.PgData, "-l", layout.LogFile, "-w", "-t", "60", "-o", settings], ct, viaSetsid: true);
        }

        public Task<ProcessResult> PgCtlAsync(IReadOnlyList<string> args, CancellationToken ct, bool viaSetsid = false) =>
            viaSetsid
                ? RunAsync("setsid", ["--wait", Bin("pg_ctl"), .. args], asRoot, layout.Root, ct)
                : RunAsync(Bin("pg_ctl"), args, asRoot, layout.Root, ct);

        private async Task PgCtlOrThrowAsync(IReadOnlyList<string> args, CancellationToken ct, bool viaSetsid = false)
        {
            var result = await PgCtlAsync(args, ct, viaSetsid);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"Embedded PostgreSQL: pg_ctl {args[0]} in {layout.PgData} exited {result.ExitCode}: {result.Output.Trim()}{layout.LogTail()}");
            }
        }

        private string Bin(string name) => Path.Combine(binDir, name);

        // /proc/<pid>/stat reads "pid (comm) state ..."; state Z is a process that has exited but not been reaped.
        public static bool IsLivePostgres(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var close = stat.LastIndexOf(')');
                return stat[(stat.IndexOf('(') + 1)..close] == "postgres" && stat[close + 2] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>The folders of one embedded cluster.</summary>
    private sealed record Layout(string Root, string SocketDir)
    {
        public string PgData => Path.Combine(Root, "pgdata");
        public string LogFile => Path.Combine(Root, "postgres.log");

        public static Layout For(string requested, bool asRoot, ILogger logger)
        {
            var root = requested;
            if (asRoot && !ReachableByOthers(requested))
            {
                root = $"/var/tmp/ujar-{ShortHash(requested)}";
                logger.LogWarning(
                    "The postgres user cannot reach {Requested} (a parent folder is closed to others, as /root is); " +
                    "the embedded cluster lives in {Root} instead. Set Ujar:EmbeddedDataDir to choose another folder.",
                    requested, root);
            }

            var socketDir = Path.Combine(root, "run");
            if (socketDir.Length > MaxSocketDirLength || !socketDir.All(c => char.IsAsciiLetterOrDigit(c) || "/._-".Contains(c)))
            {
                socketDir = $"/tmp/ujar-pg-{ShortHash(root)}";
            }

            return new Layout(root, socketDir);
        }

        public void Create()
        {
            Directory.CreateDirectory(Root);
            Directory.CreateDirectory(SocketDir);
        }

        public void Delete()
        {
            DeleteQuietly(Root);
            if (!SocketDir.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                DeleteQuietly(SocketDir);
            }
        }

        public string LogTail()
        {
            try
            {
                var tail = File.ReadLines(LogFile).TakeLast(LogTailLines).ToList();
                return tail.Count == 0 ? "" : $"{Environment.NewLine}--- last lines of {LogFile} ---{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
            }
            catch (IOException)
            {
                return "";
            }
            catch (UnauthorizedAccessException)
            {
                return "";
            }
        }

        // Every existing ancestor must be traversable by "others" (the postgres user); folders we create are 0755.
        private static bool ReachableByOthers(string path)
        {
            if (OperatingSystem.IsWindows())
            {
                return true;
            }

            for (var dir = Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (Directory.Exists(dir) && !File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute))
                {
                    return false;
                }
            }

            return true;
        }

        private static string ShortHash(string text) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

        private static void DeleteQuietly(string dir)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
