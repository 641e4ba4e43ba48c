using System.Diagnostics;
using System.Text.Json;

namespace Ujar.Api.Tests.Setup;

/// <summary>
/// docker-compose.yml is checked with Compose itself (no engine needed: `config` only reads the file).
/// Compose v2 (`docker compose`) is used when present, else Debian's v1 `docker-compose` (what `.ci/ensure-deps --compose` installs).
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string ComposeFile = Path.Combine(RepoRoot, "docker-compose.yml");
    private static readonly Lazy<string[]?> Compose = new(FindCompose);

    [SkippableFact]
    public void Compose_file_is_valid()
    {
        var result = RunCompose("config", "--quiet");

        Assert.True(result.ExitCode == 0, $"compose config exited {result.ExitCode}: {result.Stderr}");
    }

    [SkippableFact]
    public void Api_starts_after_migrate_on_a_pinned_PostGIS()
    {
        using var config = JsonDocument.Parse(ConfigAsJson());
        var services = config.RootElement.GetProperty("services");

        Assert.True(services.TryGetProperty("db", out var db), "no db service");
        Assert.True(services.TryGetProperty("migrate", out var migrate), "no migrate service");
        Assert.True(services.TryGetProperty("api", out var api), "no api service");

        var image = db.GetProperty("image").GetString()!;
        var tag = image.Contains('@') ? "digest" : image.Split('/')[^1].Split(':').ElementAtOrDefault(1);
        Assert.True(tag is not null && tag != "latest", $"db image '{image}' is not pinned");

        Assert.Equal("service_healthy", Condition(migrate, "db"));
        Assert.Equal("service_completed_successfully", Condition(api, "migrate"));
        // The demo history plays the deadline watcher itself; the replicas' watchers start once it is done.
        Assert.Equal("service_completed_successfully", Condition(api, "demo-data"));
    }

    [SkippableFact]
    public void Two_api_replicas_share_Redis_and_are_reached_through_a_proxy_they_trust_on_the_compose_network()
    {
        using var config = JsonDocument.Parse(ConfigAsJson());
        var services = config.RootElement.GetProperty("services");
        var api = services.GetProperty("api");
        Assert.True(services.TryGetProperty("redis", out var redis), "no redis service");
        Assert.True(services.TryGetProperty("proxy", out var proxy), "no proxy service");

        Assert.Equal(2, api.GetProperty("deploy").GetProperty("replicas").GetInt32());
        Assert.False(api.TryGetProperty("ports", out _), "the api replicas publish ports of their own; only the proxy should");
        Assert.Equal("redis:7-alpine", redis.GetProperty("image").GetString());
        var environment = api.GetProperty("environment");
        Assert.Equal("redis:6379", environment.GetProperty("ConnectionStrings__Redis").GetString());
        Assert.Equal("service_healthy", Condition(api, "redis"));

        // The proxy: published, configured from the repository, pinned, in front of the api service.
        var image = proxy.GetProperty("image").GetString()!;
        Assert.True(image.Split(':').ElementAtOrDefault(1) is { } tag && tag != "latest", $"proxy image '{image}' is not pinned");
        Assert.Contains(Ports(proxy), p => p == (5080, 80));
        Assert.Contains(proxy.GetProperty("volumes").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetProperty("source").GetString()!),
            v => v.Contains("Caddyfile", StringComparison.Ordinal));
        var caddyfile = File.ReadAllText(Path.Combine(RepoRoot, "Caddyfile"));
        Assert.Contains("dynamic a api 8080", caddyfile);
        Assert.Contains("lb_policy cookie", caddyfile);

        // X-Forwarded-For / -Proto are believed from the compose network only: the one subnet the network is given.
        var subnet = config.RootElement.GetProperty("networks").GetProperty("default").GetProperty("ipam").GetProperty("config")[0]
            .GetProperty("subnet").GetString();
        Assert.Equal(subnet, environment.GetProperty("Ujar__ForwardedHeaders__KnownNetworks__0").GetString());
    }

    /// <summary>(published, target) of each port, whether Compose wrote it long (v2) or short (v1: "5080:80").</summary>
    private static IEnumerable<(int Published, int Target)> Ports(JsonElement service) =>
        service.TryGetProperty("ports", out var ports)
            ? ports.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String
                ? (int.Parse(p.GetString()!.Split(':')[0]), int.Parse(p.GetString()!.Split(':')[1].Split('/')[0]))
                : (int.Parse(p.GetProperty("published").ToString()), p.GetProperty("target").GetInt32()))
            : [];

    private static string? Condition(JsonElement service, string dependency) =>
        service.TryGetProperty("depends_on", out var dependsOn) && dependsOn.TryGetProperty(dependency, out var d)
            ? d.GetProperty("condition").GetString()
            : null;

    private static string ConfigAsJson()
    {
        var compose = RequireCompose();
        if (compose.Length == 2)
        {
            var json = RunCompose("config", "--format", "json");
            Assert.True(json.ExitCode == 0, json.Stderr);
            return json.Stdout;
        }

        // v1 has no JSON output; it is a Python program, and its own YAML library (python3-yaml) converts what it prints.
        var yaml = RunCompose("config");
        Assert.True(yaml.ExitCode == 0, yaml.Stderr);
        var converted = Run("/usr/bin/python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], yaml.Stdout);
        Assert.True(converted.ExitCode == 0, converted.Stderr);
        return converted.Stdout;
    }

    private static string[] RequireCompose()
    {
        const string reason = "neither `docker compose` nor `docker-compose` is on PATH (`.ci/ensure-deps --compose` installs docker-compose)";
        // CI must check the file: there a missing Compose is a failure, not a skip.
        Assert.False(Compose.Value is null && Environment.GetEnvironmentVariable("CI") == "true", reason);
        Skip.If(Compose.Value is null, reason);
        return Compose.Value!;
    }

    private static ProcessResult RunCompose(params string[] args)
    {
        var compose = RequireCompose();
        return Run(compose[0], [.. compose[1..], "-f", ComposeFile, .. args]);
    }

    private static string[]? FindCompose()
    {
        if (OnPath("docker") && Run("docker", ["compose", "version"]).ExitCode == 0)
        {
            return ["docker", "compose"];
        }

        return OnPath("docker-compose") ? ["docker-compose"] : null;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    private static ProcessResult Run(string file, IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ujar.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Ujar.sln not found above {AppContext.BaseDirectory}");
    }

    private sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
}
