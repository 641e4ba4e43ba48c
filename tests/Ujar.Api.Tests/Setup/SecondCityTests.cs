using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Ujar.Api.Deadlines;
using Ujar.Api.Setup;
using Ujar.Api.Tests.Infrastructure;
using Ujar.Api.Tests.Photos;
using Ujar.Api.Tests.Tasks;

namespace Ujar.Api.Tests.Setup;

/// <summary>
/// Another regency, set up the way its own Diskominfo would: a folder of its own (city.json, its desa file with its own
/// property names, two OPDs, three categories with their own deadlines, a local day off, population), a new database
/// made by the real <c>migrate</c> command, then the service with <c>Ujar:City</c> pointing at the folder. Nothing of
/// Tanjungpinang may show through.
/// </summary>
public sealed class SecondCity : IAsyncLifetime
{
    public const string Prefix = "KTH";
    public const string Jurisdiction = "contohkab.go.id";
    public static readonly DateOnly LocalDayOff = new(2026, 9, 9);

    public string Folder { get; } = Directory.CreateTempSubdirectory("ujar-kabupaten-contoh-").FullName;
    public UjarApp App { get; private set; } = null!;
    public string MigrateOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        WriteFolder();
        var connectionString = await TestPostGis.NewEmptyDatabaseAsync();
        var (exitCode, output) = await UjarCli.RunAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ujar"] = connectionString,
            ["Ujar__City"] = Folder,
            ["Ujar__GisData"] = TestPaths.GisData,
            ["Logging__LogLevel__Default"] = "Information",
        }, TimeSpan.FromMinutes(5), "migrate");
        MigrateOutput = output;
        Assert.True(exitCode == 0, $"migrate exited {exitCode}:\n{output}");
        App = new UjarApp(connectionString, new Dictionary<string, string> { [City.Setting] = Folder });
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The fixture city's kelurahan as this regency's desa, under the property names its own file uses.</summary>
    private void WriteFolder()
    {
        var kecamatanNames = TestBoundaries.Read(Path.Combine(TestPaths.FixtureCity, "kecamatan.geojson"))
            .ToDictionary(f => (string)f.Attributes["code"], f => ((string)f.Attributes["name"]).Replace("Kecamatan ", ""));
        var desa = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.FixtureCity, "kelurahan.geojson")))!;
        foreach (var feature in desa["features"]!.AsArray())
        {
            var properties = feature!["properties"]!.AsObject();
            var code = properties["code"]!.GetValue<string>();
            var parent = properties["parent_code"]!.GetValue<string>();
            feature["properties"] = new JsonObject
            {
                ["kode_desa"] = code,
                ["nama_desa"] = properties["name"]!.GetValue<string>().Replace("Kelurahan ", "Desa "),
                ["kode_kec"] = parent,
                ["nama_kec"] = kecamatanNames[parent],
            };
        }
        File.WriteAllText(Path.Combine(Folder, "desa.geojson"), desa.ToJsonString());
        File.WriteAllText(Path.Combine(Folder, City.FileName), $$"""
            {
              "name": "Kabupaten Contoh",
              "nameEn": "Contoh Regency",
              "shortName": "Contoh",
              "code": "99.01",
              "ticketPrefix": "{{Prefix}}",
              "map": { "center": [0.045, 100.05], "zoom": 14 },
              "boundaries": {
                "file": "desa.geojson",
                "attribution": "Batas desa: Bappeda Kabupaten Contoh (uji)",
                "codeProperty": "kode_desa", "nameProperty": "nama_desa",
                "parentProperty": "kode_kec", "parentNameProperty": "nama_kec"
              },
              "open311": {
                "jurisdictionId": "{{Jurisdiction}}",
                "contact": "Diskominfo Kabupaten Contoh",
                "keyService": "Kunci API dari Diskominfo Kabupaten Contoh / API keys from Diskominfo Kabupaten Contoh"
              }
            }
            """);
        File.WriteAllText(Path.Combine(Folder, "opds.csv"), """
            code,name,name_en
            dpu,Dinas Pekerjaan Umum Kabupaten Contoh,Public Works Agency
            dkp,Dinas Kebersihan dan Pertamanan,Sanitation and Parks Agency

            """);
        File.WriteAllText(Path.Combine(Folder, "categories.csv"), """
            code,name_id,name_en,opd_code,icon,sort_order,verify_days,response_days,resolve_days
            banjir,Banjir,Flood,dpu,water,10,1,1,4
            jembatan_rusak,Jembatan rusak,Broken bridge,dpu,road,20,2,3,15
            sampah_liar,Sampah liar,Fly-tipping,dkp,trash,30,1,1,2

            """);
        File.WriteAllText(Path.Combine(Folder, HolidayTable.FileName), $"""
            date,name_id,name_en,kind
            {LocalDayOff:yyyy-MM-dd},Hari Jadi Kabupaten Contoh,Contoh Regency Day,libur_daerah

            """);
        File.WriteAllText(Path.Combine(Folder, "population.csv"), """
            code,name,population,year,source
            99.01.01.1002,Desa Tengah,4000,2025,BPS Kabupaten Contoh (uji)

            """);
    }
}

public sealed class SecondCityTests(SecondCity city) : IClassFixture<SecondCity>
{
    // The fixture city's points (gis-data/fixture-city/points.csv): Tengah lies in kecamatan Utara, Sawah in Selatan.
    private const double TengahLat = 0.065, TengahLon = 100.055;
    private const double SawahLat = 0.025, SawahLon = 100.025;

    [Fact]
    public async Task Migrate_loads_the_citys_own_tables_and_builds_its_kecamatan_from_its_desa_file()
    {
        Assert.Contains("2 kecamatan dissolved", city.MigrateOutput);
        await using var db = city.App.NewDb();
        Assert.Equal(["dkp", "dpu"], await db.Opds.OrderBy(o => o.Code).Select(o => o.Code).ToListAsync());
        Assert.Equal(["banjir", "jembatan_rusak", "sampah_liar"], await db.Categories.OrderBy(c => c.Code).Select(c => c.Code).ToListAsync());
        var dayOff = await db.Holidays.SingleAsync(h => h.Date == SecondCity.LocalDayOff);
        Assert.Equal(HolidayKind.LiburDaerah, dayOff.Kind);
        Assert.True(await db.Holidays.AnyAsync(h => h.Kind == HolidayKind.LiburNasional), "the national list comes too");

        using var client = city.App.CreateClient();
        var kecamatan = await client.GetFromJsonAsync<JsonElement>("/api/boundaries?level=kecamatan");
        Assert.Equal([("99.01.01", "Utara"), ("99.01.02", "Selatan")], kecamatan.GetProperty("features").EnumerateArray()
            .Select(f => (f.GetProperty("properties").GetProperty("code").GetString(), f.GetProperty("properties").GetProperty("name").GetString())));
        var desa = await client.GetFromJsonAsync<JsonElement>("/api/boundaries?level=kelurahan");
        Assert.Equal(5, desa.GetProperty("features").GetArrayLength());
        Assert.All(desa.GetProperty("features").EnumerateArray(),
            f => Assert.StartsWith("Desa ", f.GetProperty("properties").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_front_end_gets_the_citys_start_view_names_and_ticket_form()
    {
        using var client = city.App.CreateClient();
        var config = await client.GetFromJsonAsync<JsonElement>("/api/config");
        Assert.Equal([0.045, 100.05], config.GetProperty("center").EnumerateArray().Select(c => c.GetDouble()));
        Assert.Equal(14, config.GetProperty("zoom").GetInt32());
        Assert.Equal("Kabupaten Contoh", config.GetProperty("city").GetProperty("name").GetString());
        Assert.Equal(SecondCity.Prefix, config.GetProperty("city").GetProperty("ticketPrefix").GetString());

        var manifest = await client.GetFromJsonAsync<JsonElement>("/manifest.webmanifest");
        Assert.Equal("Ujar · Contoh", manifest.GetProperty("name").GetString());
        var categories = await client.GetFromJsonAsync<JsonElement>("/api/categories");
        Assert.Equal(["banjir", "jembatan_rusak", "sampah_liar"],
            categories.EnumerateArray().Select(c => c.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_complaint_gets_the_citys_ticket_its_desa_and_its_opd_and_outside_names_the_regency()
    {
        using var client = city.App.CreateClient();
        var filed = await (await client.PostRawJsonAsync("/api/complaints", Json.Complaint(SawahLat, SawahLon, "sampah_liar", "Sampah dibuang di tepi sawah")))
            .ReadJsonAsync();
        Assert.Matches($@"^{SecondCity.Prefix}-\d{{4}}-\d{{6}}$", filed.GetProperty("ticket").GetString());
        Assert.Equal(("99.01.02.1001", "Desa Sawah"), (filed.GetProperty("kelurahan").GetProperty("code").GetString(), filed.GetProperty("kelurahan").GetProperty("name").GetString()));
        Assert.Equal("Selatan", filed.GetProperty("kecamatan").GetProperty("name").GetString());
        Assert.Equal("dkp", filed.GetProperty("opd").GetProperty("code").GetString());

        // Tanjungpinang's categories are not this city's.
        var foreignCategory = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(SawahLat, SawahLon, "genangan_air"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreignCategory.StatusCode);

        var outside = await client.PostRawJsonAsync("/api/complaints", Json.Complaint(0.92, 104.47, "banjir"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        var problem = await outside.ReadJsonAsync();
        Assert.Equal("outside_service_area", problem.GetProperty("code").GetString());
        Assert.Contains("Kabupaten Contoh", problem.GetProperty("title").GetString());
        Assert.Contains("Contoh Regency", problem.GetProperty("detailEn").GetString());
    }

    [Fact]
    public async Task Open311_answers_for_the_citys_jurisdiction_with_its_services()
    {
        using var client = city.App.CreateClient();
        var discovery = await client.GetFromJsonAsync<JsonElement>("/open311/v2/discovery.json");
        Assert.Equal("Diskominfo Kabupaten Contoh", discovery.GetProperty("contact").GetString());
        var services = await client.GetFromJsonAsync<JsonElement>($"/open311/v2/services.json?jurisdiction_id={SecondCity.Jurisdiction}");
        Assert.Equal(["banjir", "jembatan_rusak", "sampah_liar"], services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/open311/v2/services.json?jurisdiction_id=tanjungpinangkota.go.id")).StatusCode);
    }

    [Fact]
    public async Task The_performance_figures_rank_the_citys_own_opds()
    {
        // Ten floods for DPU, all resolved at once; ten fly-tips for DKP, left waiting. Both have enough to be ranked.
        using var anonymous = city.App.CreateClient();
        var floods = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var response = await anonymous.PostRawJsonAsync("/api/complaints",
                Json.Complaint(TengahLat + i * 0.0003, TengahLon, "banjir", $"Banjir setinggi lutut, titik {i + 1}"));
            floods.Add((await response.ReadJsonAsync()).GetProperty("ticket").GetString()!);
            await anonymous.PostRawJsonAsync("/api/complaints", Json.Complaint(SawahLat + i * 0.0003, SawahLon, "sampah_liar", $"Sampah liar, titik {i + 1}"));
        }
        var dpu = await city.App.ClientAsAsync(Ujar.Api.Accounts.Roles.OpdStaff, "dpu");
        var photo = TestImages.Jpeg(320, 240, TestImages.RedLeftBlueRight);
        foreach (var ticket in floods)
        {
            await (await dpu.ChangeAsync(ticket, new { to = "verified" })).OkJsonAsync();
            await (await dpu.ChangeAsync(ticket, new { to = "assigned" })).OkJsonAsync();
            await (await dpu.ChangeAsync(ticket, new { to = "in_progress" })).OkJsonAsync();
            await (await dpu.ChangeWithPhotosAsync(ticket, new Dictionary<string, string> { ["to"] = "resolved", ["note"] = "Saluran sudah dibersihkan" },
                ("after", photo))).OkJsonAsync();
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = await anonymous.GetFromJsonAsync<JsonElement>($"/api/performance?from={today}&to={today}");
        var opds = report.GetProperty("opds").EnumerateArray().ToList();
        Assert.Equal(["dpu", "dkp"], opds.Select(o => o.GetProperty("code").GetString()));
        Assert.Equal([1, 2], opds.Select(o => o.GetProperty("rank").GetInt32()));
        Assert.Equal("Dinas Pekerjaan Umum Kabupaten Contoh", opds[0].GetProperty("name").GetString());
        Assert.Equal(100, opds[0].GetProperty("resolvedWithinDeadlinePct").GetDouble());
        Assert.Equal(["Selatan", "Utara"], report.GetProperty("kecamatan").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
    }
}
