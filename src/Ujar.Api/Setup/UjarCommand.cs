using Microsoft.EntityFrameworkCore;
using Ujar.Api.Boundaries;
using Ujar.Api.Categories;
using Ujar.Api.Channels;
using Ujar.Api.Data;
using Ujar.Api.Demo;

namespace Ujar.Api.Setup;

/// <summary>The subcommand on the command line and its own options; everything else goes to the ASP.NET host.</summary>
public sealed class UjarCommand
{
    public const string DefaultUrl = "http://localhost:5080";

    private static readonly Dictionary<string, (string[] ValueOptions, string[] Flags)> Commands = new()
    {
        ["serve"] = ([], ["--demo-live"]),
        ["migrate"] = ([], []),
        ["import-boundaries"] = (["--level", "--code-property", "--name-property", "--parent-property", "--parent-name-property", "--srid"],
            ["--commit", "--with-kecamatan"]),
        ["seed-demo"] = (["--count", "--seed"], ["--if-empty", "--without-history"]),
        ["channel-key"] = (["--name", "--channel"], []),
    };

    public required string Name { get; init; }
    public string[] HostArgs { get; private set; } = [];
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Options { get; } = [];
    public HashSet<string> Flags { get; } = [];
    public string? Error { get; private set; }

    /// <summary><c>serve --demo-live</c>: keep filing plausible demo complaints, so the live map has something to show.</summary>
    public bool DemoLive => Name == "serve" && Flags.Contains("--demo-live");

    public static UjarCommand Parse(string[] args)
    {
        var named = args.Length > 0 && !args[0].StartsWith('-');
        var name = named ? args[0] : "serve";
        var rest = named ? args[1..] : args;
        var hostArgs = new List<string>();
        var command = new UjarCommand { Name = name };
        if (!Commands.TryGetValue(name, out var spec))
        {
            command.Error = $"unknown command '{name}'";
            return command;
        }
        for (var i = 0; i < rest.Length; i++)
        {
            var arg = rest[i];
            if (spec.ValueOptions.Contains(arg))
            {
                if (i + 1 >= rest.Length) { command.Error = $"{arg} needs a value"; break; }
                command.Options[arg] = rest[++i];
            }
            else if (spec.Flags.Contains(arg)) command.Flags.Add(arg);
            else if (!arg.StartsWith('-') && name != "serve") command.Positional.Add(arg);
            else hostArgs.Add(arg);
        }
        // appsettings.json ships beside the binary; without this, starting from another folder would miss it.
        if (!hostArgs.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)))
            hostArgs.AddRange(["--contentRoot", AppContext.BaseDirectory]);
        // Serve on the documented port unless --urls or ASPNETCORE_URLS says otherwise.
        if (name == "serve" && !hostArgs.Any(a => a.StartsWith("--urls")) && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            hostArgs.AddRange(["--urls", DefaultUrl]);
        command.HostArgs = [.. hostArgs];
        return command;
    }

    public async Task<int> RunAsync(WebApplication app)
    {
        if (Error is not null) return Usage(Error);
        if (Name != "serve" && app.Configuration.GetConnectionString("Ujar") is null)
        {
            // No database configured: the embedded one of `serve` (src/run.sh), if it is running.
            if (EmbeddedPostgres.RunningConnectionString(EmbeddedDataDir(app), app.Logger) is not { } running)
                return Usage("no database: set ConnectionStrings__Ujar, or start `src/run.sh` and run this command while it serves");
            app.Configuration["ConnectionStrings:Ujar"] = running;
        }
        return Name switch
        {
            "serve" => await ServeAsync(app),
            "migrate" => await MigrateAsync(app),
            "import-boundaries" => await ImportBoundariesCommand.RunAsync(app, this),
            "seed-demo" => await SeedDemoAsync(app),
            "channel-key" => await ChannelKeyCommand.RunAsync(app, this),
            _ => Usage($"unknown command '{Name}'"),
        };
    }

    private static async Task<int> ServeAsync(WebApplication app)
    {
        EmbeddedPostgres? embedded = null;
        if (app.Configuration.GetConnectionString("Ujar") is null)
        {
            // Nothing configured: run our own PostGIS so one command gives a working city with demo data.
            var dataDir = EmbeddedDataDir(app);
            embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(dataDir, Throwaway: false), app.Logger);
            app.Configuration["ConnectionStrings:Ujar"] = embedded.ConnectionString;
            app.Logger.LogInformation("Embedded PostgreSQL + PostGIS in {DataDir}", dataDir);
            // A database that only now got its city's boundaries is new: it gets the demo city too.
            if (await MigrateDatabaseAsync(app))
                await DemoData.SeedAsync(app.Services, DemoData.DefaultCount, seed: null, app.Logger);
            else
                // A demo city from before staff accounts existed gets them too (nothing happens when they are there).
                await DemoAccounts.SeedAsync(app.Services, app.Logger);
        }
        try
        {
            await app.RunAsync();
            return 0;
        }
        finally
        {
            if (embedded is not null) await embedded.DisposeAsync();
        }
    }

    private static async Task<int> MigrateAsync(WebApplication app)
    {
        await MigrateDatabaseAsync(app);
        return 0;
    }

    /// <summary>Migrations, the city's seed tables, and its boundaries when the database has none.</summary>
    /// <returns>Whether the boundaries were imported, i.e. the database is new.</returns>
    private static async Task<bool> MigrateDatabaseAsync(WebApplication app)
    {
        var city = app.Services.GetRequiredService<City>();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<UjarDb>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            var (opds, categories) = await ReferenceData.SyncAsync(db, city, GisDataFolder.Locate(app.Configuration));
            app.Logger.LogInformation("Database migrated; {City}: {Opds} OPDs and {Categories} categories loaded", city.Name, opds, categories);
        }
        return await CityBoundaryImport.EnsureAsync(app.Services, app.Logger) is not null;
    }

    private async Task<int> SeedDemoAsync(WebApplication app)
    {
        var count = DemoData.DefaultCount;
        if (Options.TryGetValue("--count", out var text) && (!int.TryParse(text, out count) || count < 0))
            return Usage("--count must be a whole number ≥ 0");
        int? seed = Options.TryGetValue("--seed", out var seedText) && int.TryParse(seedText, out var s) ? s : null;
        if (Flags.Contains("--if-empty"))
        {
            // For `docker compose up`, which runs this on every start: a city that has complaints keeps them as they are.
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<UjarDb>>().CreateDbContextAsync();
            if (await db.Complaints.AnyAsync())
            {
                app.Logger.LogInformation("seed-demo --if-empty: complaints exist, nothing added");
                return 0;
            }
        }
        await DemoData.SeedAsync(app.Services, count, seed, app.Logger, history: !Flags.Contains("--without-history"));
        return 0;
    }

    private static string EmbeddedDataDir(WebApplication app) =>
        app.Configuration["Ujar:EmbeddedDataDir"] ?? Path.Combine(RepositoryRoot(), ".ujar-data", "postgres");

    /// <summary>The checkout's root (the folder with Ujar.sln), else the working folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ujar.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"""
            ujar: {error}

            usage: Ujar.Api [serve] [--urls URL] [--demo-live]
                   Ujar.Api migrate
                   Ujar.Api import-boundaries FILE --level kecamatan|kelurahan [--commit]
                            [--code-property code] [--name-property name] [--parent-property P] [--srid N]
                            [--with-kecamatan --parent-name-property P]
                   Ujar.Api seed-demo [--count N] [--seed S] [--if-empty] [--without-history]
                   Ujar.Api channel-key create --name NAME --channel open311 | list | revoke NAME
            configuration: ConnectionStrings__Ujar (none: `serve` runs an embedded PostGIS, which the other commands
                           use while it runs)
            """);
        return 2;
    }
}
