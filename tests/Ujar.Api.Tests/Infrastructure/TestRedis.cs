using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ujar.Api.Tests.Infrastructure;

/// <summary>
/// The Redis the tests use as the SignalR backplane: a throwaway <c>redis-server</c> on a free loopback port, its
/// folder under <c>TMPDIR</c>, started once per test run and stopped when the test process exits. No
/// <c>redis-server</c> means failing tests, never skipped ones (<c>.ci/ensure-deps --redis</c> installs it). Each
/// caller of <see cref="NewConnectionStringAsync"/> gets its own channel prefix, so apps of different test classes on
/// the one server never hear each other. A test that stops Redis starts a <see cref="RedisServer"/> of its own.
/// </summary>
public static class TestRedis
{
    private static readonly Lazy<Task<RedisServer>> Shared = new(() => RedisServer.StartAsync());
    private static int _prefixes;

    /// <summary>A StackExchange.Redis configuration string for the shared server, with a channel prefix of its own.</summary>
    public static async Task<string> NewConnectionStringAsync() => (await Shared.Value).ConnectionString(NewPrefix());

    public static string NewPrefix() => $"ujar-t{Environment.ProcessId}-{Interlocked.Increment(ref _prefixes)}";
}

/// <summary>One <c>redis-server</c> process (no persistence) on 127.0.0.1, stopped with the test process at the latest:
/// a watchdog ends it when the test host dies, however it dies.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private RedisServer(int port, string dir)
    {
        Port = port;
        _dir = dir;
    }

    public int Port { get; }

    public string ConnectionString(string channelPrefix) => $"127.0.0.1:{Port},channelPrefix={channelPrefix}";

    public static async Task<RedisServer> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("ujar-redis-").FullName;
        var server = new RedisServer(FreePort(), dir);
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Starts the server (again, on the same port) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run .ci/ensure-deps --redis (apt-get install redis-server)");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        foreach (var arg in new[] { "--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir,
                     "--daemonize", "no", "--loglevel", "warning" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // xunit 2 has no assembly teardown and a test host can be killed outright: this ends the server in either case.
        Process.Start("/bin/sh", ["-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 {_process.Id} 2>/dev/null; do sleep 1; done; kill {_process.Id} 2>/dev/null"])
            .Dispose();

        var deadline = Stopwatch.StartNew();
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited on start with code {_process.ExitCode} (port {Port})");
            if (deadline.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"redis-server did not answer on port {Port} within 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server at once, as an outage would.</summary>
    public void Stop()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
